"""What a custom check's answer comes to: the check's own verdict, its expectations judged, or `error` saying why not.

A check that could not run (no answer in time, HTTP 5xx, a function that raised, an answer over the cap) is `error`:
greenlight could not judge, the release is not known to be wrong. A malformed answer is `error` too, naming what is
wrong with it, so its owner can fix it from the report alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from common.config import CheckConfig
from common.config.messages import phrase
from common.http import bounded_json
from common.http.assertions import assertion_failure
from common.payload.check_contract import CheckAnswer
from common.payload.models import ValidationStatus
from common.payload.validation import Outcome


@dataclass
class Reply:
    """What came back from a check: its answer's bytes, or why there is none (`problem`, for a person)."""

    body: bytes | None
    problem: str | None = None
    took_ms: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)  # e.g. the HTTP status, the version a function ran


def _error(check: CheckConfig, what: str, reply: Reply, expected: dict[str, Any]) -> Outcome:
    observed = {"answered_in_ms": round(reply.took_ms, 1), **reply.details}
    return Outcome(ValidationStatus.ERROR, f"The {check.name} check {what}.", observed, expected)


def _malformed(error: ValidationError) -> str:
    """Each problem in the words of the answer as written (a mistyped member gets the nearest valid one)."""
    problems = "; ".join(phrase(CheckAnswer, problem, whole="the answer") for problem in error.errors())
    return f"answered something that is not a check answer ({problems}); expected {{status, reason, observed}}"


def judge(check: CheckConfig, reply: Reply, expected: dict[str, Any]) -> Outcome:
    """The check's result from what came back; `expected` says what was called (its URL or function)."""
    if reply.problem is not None:
        return _error(check, f"could not run: {reply.problem}", reply, expected)
    try:
        document = bounded_json.parse(reply.body or b"", strict=True)
    except bounded_json.JsonBodyError as error:
        return _error(check, f"answered something greenlight cannot read: {error}", reply, expected)
    meta = {"answered_in_ms": round(reply.took_ms, 1), **reply.details}
    if check.expect is not None:
        expected = expected | {"json": [a.model_dump(mode="json") for a in check.expect.json_body]}
        failures = [f for a in check.expect.json_body if (f := assertion_failure(document, a))]
        observed = meta | {"answer": document}
        if failures:
            return Outcome(
                ValidationStatus.FAILED, f"The answer of {check.name}: {'; '.join(failures)}.", observed, expected
            )
        return Outcome(ValidationStatus.PASSED, f"The answer of {check.name} met its expectations.", observed, expected)
    try:
        answer = CheckAnswer.model_validate(document)
    except ValidationError as error:
        return _error(check, _malformed(error), reply, expected)
    return Outcome(ValidationStatus(answer.status), answer.reason, answer.observed | meta, expected)
