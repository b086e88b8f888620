"""JSON from a service, parsed only when it is small and shallow enough to parse safely.

The size bound is the body cap (the caller never holds more); the depth is measured before parsing, in C-speed
byte operations whose cost is linear in the body for each level, so a body of brackets nested 100,000 deep is
refused in microseconds instead of ending the check in a RecursionError.
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_DEPTH = 64
_KEEP = b'"[]{}'
_DELETE = bytes(b for b in range(256) if b not in _KEEP)
_SQUARE = bytes.maketrans(b"{}", b"[]")


class JsonBodyError(ValueError):
    """A body that is not JSON, or is JSON too deep to parse; the message is the failure kind."""


def nesting_depth(body: bytes, limit: int) -> int:
    """The nesting depth of a JSON text, counted up to `limit + 1` (enough to know it is over)."""
    # Escaped backslashes first, then escaped quotes, so `"\\"` still ends its string.
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = unescaped.translate(None, delete=_DELETE)
    structural = b"".join(marks.split(b'"')[0::2]).translate(_SQUARE)  # outside strings, one kind of bracket
    if structural.count(b"[") <= limit:
        return structural.count(b"[")
    too_deep_run = b"[" * (limit + 1)
    depth = 0
    while structural and depth <= limit:
        if too_deep_run in structural:  # that many opened in a row: over the limit, whatever follows
            return limit + 1
        inner_removed = structural.replace(b"[]", b"")
        if inner_removed == structural:
            break  # unbalanced: not JSON, which the parser will say
        structural, depth = inner_removed, depth + 1
    return depth


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members, refused when one is given twice: readers disagree on which counts (RFC 8259 section 4)."""
    members: dict[str, Any] = {}
    for key, value in pairs:
        if key in members:
            raise JsonBodyError(
                f"body JSON has {key[:100]} given twice in one object (which one counts is up to the reader)"
            )
        members[key] = value
    return members


def _not_a_number(constant: str) -> Any:
    raise JsonBodyError(f"body holds {constant}, which is not a JSON number (RFC 8259 section 6)")


def parse(body: bytes, max_depth: int = MAX_JSON_DEPTH, strict: bool = False) -> Any:
    """The JSON document in `body`; JsonBodyError names why there is none. `strict` (an answer greenlight decides
    on, a custom check's): a member given twice in one object, NaN or Infinity is refused too, not guessed at."""
    if nesting_depth(body, max_depth) > max_depth:
        raise JsonBodyError(f"body JSON nested deeper than {max_depth} levels")
    hooks: dict[str, Any] = {"object_pairs_hook": _unique_members, "parse_constant": _not_a_number} if strict else {}
    try:
        return json.loads(body, **hooks)
    except JsonBodyError:
        raise
    except RecursionError as error:  # a second line of defence; the depth bound keeps it unreachable
        raise JsonBodyError(f"body JSON nested deeper than {max_depth} levels") from error
    except ValueError as error:  # UnicodeDecodeError included
        raise JsonBodyError("body is not JSON") from error
