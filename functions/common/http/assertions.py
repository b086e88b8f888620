"""What a JSON assertion (`exists`, `equals`, `matches`) finds at its path in a document: synthetic expectations on a
body and custom checks' expectations on an answer are judged here alike."""

from __future__ import annotations

import json
from typing import Any

from common.config.requests import JsonAssertion
from common.http.json_paths import MISSING, json_path
from common.http.patterns import search


def as_json(value: Any) -> str:
    """A value as the answer wrote it (JSON: true, null, "text"), never as Python would print it."""
    return json.dumps(value, ensure_ascii=False, default=str)


def as_text(value: Any) -> str:
    """What `matches` reads: a JSON string as itself, any other value as JSON writes it (true, null, 0.5, [1])."""
    return value if isinstance(value, str) else as_json(value)


def assertion_failure(document: Any, assertion: JsonAssertion) -> str | None:
    """What the assertion found wrong in the document, in a few words; None when it holds."""
    value = json_path(document, assertion.path)
    if assertion.exists is not None and (value is not MISSING) != assertion.exists:
        return f"json {assertion.path} {'missing' if value is MISSING else 'present'}"
    if "equals" in assertion.model_fields_set and value != assertion.equals:
        seen = "missing" if value is MISSING else f"= {as_json(value)}"
        return f"json {assertion.path} {seen}, expected {as_json(assertion.equals)}"
    if assertion.matches is not None:
        if value is MISSING:
            return f"json {assertion.path} missing, expected to match /{assertion.matches}/"
        if not search(assertion.matches, as_text(value)):
            return f"json {assertion.path} = {as_json(value)}, expected to match /{assertion.matches}/"
    return None
