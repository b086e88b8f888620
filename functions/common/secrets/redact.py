"""Secrets never leave: every value read from SSM or Secrets Manager is cut out of whatever a check reports.

A service under test may reflect a secret header in a header or a JSON field; an expectation on that field then
quotes what it saw. The check registers each secret as it resolves it (`Redactor.add`), and `payload.validation.run`
makes that redactor the one in force while the check runs: every cut (`payload.limits.cut_text`) redacts before it
cuts, the log lines of the check are scrubbed as they are written (`runtime.observability`), and the result's
reason, observed and expected values and chart data are scrubbed before they are bounded. So no text leaves a
validator with a secret in it, whole or cut.

Every spelling the value takes on the way out is cut, matched regardless of case (a service may upper-case what it
echoes, and hex and percent-encoding come in both cases): the value itself; Python's repr with either quote (repr
picks its quote from the whole text, so `tok'en` may appear as `tok\\'en`); JSON's escapes, ASCII or not;
percent-encoding (`quote`, `quote_plus`); HTML entities (`html.escape` and markupsafe's numeric ones); hex; any
two of these applied one over the other (a repr of a JSON text); and base64 of the value wherever it sits in the
encoded bytes, so base64 of `user:secret` (HTTP Basic) is cut too: a base64 text's characters depend on the byte
offset modulo 3, and for each of the three offsets the characters that encode only the secret's bytes are cut.

A spelling not modelled still holds the secret's characters as they are between the places it changed: PHP writes
`/` as `\\/`, Go writes `&` as `\\u0026`, a service cuts or masks what it echoes, a reason joins two halves. So after
the spellings, every run of PIECE_LENGTH or more characters of the secret (any case) is cut as well: what remains of
a secret in a text is at most PIECE_LENGTH - 1 characters in a row. Pieces are cut from values, never from the keys
of what a check reports (a secret holding `reques` must not rename the `requests` a report reads); keys lose whole
spellings only. HTTP drops a field value's leading and trailing white space (RFC 9110 section 5.5), so the value a
service receives and echoes is the secret without it: that is what the length floor counts and what is cut too.

A secret shorter than MIN_SECRET_LENGTH is refused before any request is sent: a short value is found inside
ordinary words (a one-character secret turns every reason into "r[redacted]qu[redacted]sts"), and guessing it
takes few tries. Eight characters is the floor NIST SP 800-63B sets for a memorized secret.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote, quote_plus

MARK = "[redacted]"
MIN_SECRET_LENGTH = 8
PIECE_LENGTH = 6  # a run of this many characters of a secret is cut wherever it appears
FIELD_WHITE_SPACE = " \t"  # RFC 9110 section 5.5: OWS around a field value is not part of it
FIND_EACH_PIECE_UP_TO = 64  # more pieces than this (a secret over 69 characters): scan the text's positions instead


class ShortSecretError(ValueError):
    """A secret too short to be redacted reliably; the message names where it came from, never the value."""


def _repr_body(text: str, quote_character: str) -> str:
    """`text` as Python's repr writes it between `quote_character`s."""
    return "".join(
        "\\" + c if c == quote_character else "\\\\" if c == "\\" else repr(c)[1:-1] if c not in "'\"" else c
        for c in text
    )


def _markupsafe(text: str) -> str:
    """HTML escaping as Jinja2 (markupsafe) writes it: numeric entities for both quotes."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


ESCAPES: tuple[Callable[[str], str], ...] = (
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    lambda s: _repr_body(s, "'"),
    lambda s: _repr_body(s, '"'),
    lambda s: quote(s, safe=""),
    lambda s: quote(s, safe="/"),
    lambda s: quote_plus(s, safe=""),
    html.escape,
    lambda s: html.escape(s, quote=False),
    _markupsafe,
    lambda s: html.escape(s).replace("&#x27;", "&apos;"),
    lambda s: s.encode().hex(),
)


def _base64_cores(raw: bytes) -> set[str]:
    """For each byte offset modulo 3, the base64 characters that encode only `raw` (whatever surrounds it)."""
    cores = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw + b"\0\0").decode()
        start_bit, end_bit = 8 * shift, 8 * (shift + len(raw))
        core = encoded[-(-start_bit // 6) : end_bit // 6]  # characters whose 6 bits all lie inside `raw`
        cores |= {core, core.replace("+", "-").replace("/", "_")}
    return cores


def spellings(secret: str) -> set[str]:
    """The secret and every form it takes when a report quotes, escapes or encodes it (see the module's text)."""
    forms = {secret}
    for _ in range(2):  # one escape over another: a repr of a JSON text, a percent-encoded repr
        forms |= {escape(form) for form in forms for escape in ESCAPES}
    raw = secret.encode()
    forms |= {base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
    forms |= _base64_cores(raw)
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def _aligned_lower(text: str) -> str:
    """`text` in lower case, character for character (one whose lower case is longer, "İ", is kept as it is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def _alternation(forms: set[str], flags: int = 0) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(forms, key=len, reverse=True))), flags)


class Redactor:
    """Collects the secrets of one run and cuts them out of anything reported."""

    def __init__(self) -> None:
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._any_case: re.Pattern[str] | None = None
        self._pieces: set[str] = set()

    def add(self, secret: str, source: str = "a secret") -> str:
        """Register a secret (returned unchanged, so resolution and registration are one step).

        ShortSecretError when it is shorter than MIN_SECRET_LENGTH; `source` names it in the message.
        """
        sent = secret.strip(FIELD_WHITE_SPACE)
        if len(sent) < MIN_SECRET_LENGTH:
            raise ShortSecretError(
                f"{source} holds {len(sent)} characters; a secret must have at least {MIN_SECRET_LENGTH} (a shorter "
                "value is found inside ordinary text, so greenlight cannot keep it out of reports): use a longer one"
            )
        forms = spellings(secret) | spellings(sent)
        lowered = _aligned_lower(sent)
        self._pieces |= {lowered[i : i + PIECE_LENGTH] for i in range(len(lowered) - PIECE_LENGTH + 1)}
        self._forms |= forms | {form.lower() for form in forms}
        # Longest first: where one form contains another, the whole of it is cut. Matched on the lowered text (a
        # plain alternation is twenty times faster than one with IGNORECASE), unless lowering changes its length.
        self._pattern = _alternation({form for form in self._forms if form == form.lower()})
        self._any_case = _alternation(self._forms, re.IGNORECASE)
        return secret

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, text: str) -> str:
        """`text` with every spelling of every secret cut, then every piece of one (see the module's text)."""
        if self._pattern is None:
            return text
        return MARK.join(self._cut_pieces(part) for part in self._cut_spellings(text).split(MARK))

    def _cut_pieces(self, text: str) -> str:
        """`text` with each run of PIECE_LENGTH or more characters of a secret replaced by one MARK."""
        lowered, size = _aligned_lower(text), PIECE_LENGTH
        if len(self._pieces) <= FIND_EACH_PIECE_UP_TO:  # str.find per piece: a few microseconds per KiB each, in C
            starts = []
            for piece in self._pieces:
                start = lowered.find(piece)
                while start != -1:
                    starts.append(start)
                    start = lowered.find(piece, start + 1)
        else:  # a long secret (a JWT): one look-up per position, whatever the secret's length
            starts = [i for i in range(len(lowered) - size + 1) if lowered[i : i + size] in self._pieces]
        if not starts:
            return text
        kept: list[str] = []
        end = 0
        for start in sorted(starts):
            if start > end or not kept:  # a new run: keep what lies before it
                kept += [text[end:start], MARK]
            end = start + size
        return "".join(kept) + text[end:]

    def _cut_spellings(self, text: str) -> str:
        if self._pattern is None or self._any_case is None:
            return text
        lowered = text.lower()
        if len(lowered) != len(text):  # a character whose lower case is longer ("İ"): positions would not line up
            return self._any_case.sub(MARK, text)
        kept, last = [], 0
        for match in self._pattern.finditer(lowered):
            kept += [text[last : match.start()], MARK]
            last = match.end()
        return "".join(kept) + text[last:] if kept else text

    def scrub(self, value: Any) -> Any:
        """`value` with every secret cut out of its strings, keys included, however deep."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self._key(key): self.scrub(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub(item) for item in value]
        return value

    def _key(self, key: Any) -> Any:
        return self._cut_spellings(key) if isinstance(key, str) else key


_NOTHING = Redactor()
_CURRENT: ContextVar[Redactor] = ContextVar("greenlight_redactor", default=_NOTHING)


def current() -> Redactor:
    """The redactor of the check running in this context (one that cuts nothing outside a check)."""
    return _CURRENT.get()


@contextmanager
def in_force(redactor: Redactor) -> Iterator[Redactor]:
    """Make `redactor` the one every cut and log line of this context (and the tasks it starts) uses."""
    token = _CURRENT.set(redactor)
    try:
        yield redactor
    finally:
        _CURRENT.reset(token)
