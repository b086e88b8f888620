"""Where in a JSON body an assertion looks, in one form the check understands: dotted, `data.items.0.id`.

People also write the JSONPath that names one value (`$.data.items[0].id`, `$['data']["items"][0]`, or
`items[0].id`): it is normalised to the dotted form when the config is validated. What selects many values
(`*`, `..`, filters, slices, unions) or cannot be said dotted (a key holding a dot) is refused there, with a
message, because it could never match and would stop a good release.
"""

from __future__ import annotations

import re
from typing import Any

_SEGMENT = re.compile(r"""\.([^.\[\]'"]+)|\[\s*(-?\d+)\s*\]|\[\s*(['"])(.*?)\3\s*\]""")
_MANY = re.compile(r"[*?@():,]")
MISSING = object()


class JsonPathError(ValueError):
    """The path cannot name exactly one value of the body in the dotted form."""


def _segment(match: re.Match[str], path: str) -> str:
    name, index, _, quoted = match.groups()
    if index is not None:
        return index
    key = name if name is not None else quoted
    if _MANY.search(key) and name is not None:
        raise JsonPathError(f"{path!r} selects many values ({key!r}); name one value, e.g. $.items[0].status")
    if "." in key or not key:
        raise JsonPathError(f"{path!r} names the key {key!r}, which the dotted form cannot hold")
    return key


def _dotted(path: str) -> str:
    """A dotted path keeps its old meaning (any key without a dot); only what can never match is refused."""
    segments = path.split(".")
    if "" in segments:
        raise JsonPathError(f"{path!r} has an empty key ('..' or a dot at an end); '..' is not supported")
    if "*" in segments:
        raise JsonPathError(f"{path!r} selects many values ('*'); name one value, e.g. items.0.status")
    return path


def normalise(path: str) -> str:
    """`$.items[0].status` -> `items.0.status`; a dotted path is returned as it is."""
    text = path.strip()
    if not text.startswith("$") and "[" not in text:
        return _dotted(text)
    rest = text[1:] if text.startswith("$") else "." + text
    segments: list[str] = []
    position = 0
    while position < len(rest):
        match = _SEGMENT.match(rest, position)
        if match is None:
            where = rest[position:][:20]
            raise JsonPathError(
                f"{path!r} cannot be read at {where!r}: use a dotted path (items.0.status) or one-value JSONPath "
                "($.items[0].status); wildcards, '..', filters and slices are not supported"
            )
        segments.append(_segment(match, path))
        position = match.end()
    if not segments:
        raise JsonPathError(f"{path!r} names the whole body; name a value inside it, e.g. $.status")
    return ".".join(segments)


def json_path(document: Any, path: str) -> Any:
    """The value a dotted path names in the document, or MISSING."""
    current = document
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.lstrip("-").isdigit() and -len(current) <= int(part) < len(current):
            current = current[int(part)]
        else:
            return MISSING
    return current
