"""Secrets never leave: every value read from SSM or Secrets Manager is cut out of whatever a check reports.

A service under test may reflect a secret header in a header or a JSON field; an expectation on that field then
quotes what it saw. The check registers each secret as it resolves it, and every reason, observed value,
expected value and log line passes through `scrub` before it is written anywhere. Besides the value itself, the
forms it takes when quoted are cut too: JSON and Python string escapes, URL encoding, base64.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote, quote_plus

MARK = "[redacted]"


def encodings(secret: str) -> set[str]:
    """The secret and the forms it takes when a report quotes or encodes it."""
    raw = secret.encode()
    forms = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
    }
    return {form for form in forms if form}


class Redactor:
    """Collects the secrets of one run and cuts them out of anything reported."""

    def __init__(self) -> None:
        self._forms: list[str] = []

    def add(self, secret: str) -> str:
        """Register a secret (returned unchanged, so resolution and registration are one step)."""
        if secret:
            # Longest first, so a form that contains another is cut whole.
            self._forms = sorted(set(self._forms) | encodings(secret), key=len, reverse=True)
        return secret

    def text(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, MARK)
        return text

    def scrub(self, value: Any) -> Any:
        """`value` with every secret cut out of its strings, keys included, however deep."""
        if not self._forms:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.scrub(key): self.scrub(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub(item) for item in value]
        return value
