"""A config error as a person reads it: the field, what is wrong, and for a mistyped key the nearest valid one.

pydantic's messages carry its own wording ("Value error, ...", "instance of Expectation", "Extra inputs are not
permitted"); this turns each into one phrase about the config as written, with no Python in it.
"""

from __future__ import annotations

import difflib
import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from common.config.types import SECRET_TAG, TEXT_TAG

UNION_TAGS = {TEXT_TAG, SECRET_TAG}
_PYTHON_WORDING = [
    (re.compile(r"^(Value|Assertion) error, "), ""),
    (re.compile(r" or instance of \w+"), ""),
    (re.compile(r"\bdictionary\b"), "mapping"),
]


def _members(annotation: Any) -> list[Any]:
    """The types an annotation may hold: Optional, unions and Annotated unwrapped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [member for arg in get_args(annotation) for member in _members(arg)]
    return [annotation]


def _step(annotation: Any, part: str | int) -> Any:
    """The type found one step down `annotation` at `part` (a key, an index, a field), or None."""
    for member in _members(annotation):
        origin = get_origin(member)
        if isinstance(member, type) and issubclass(member, BaseModel) and isinstance(part, str):
            for name, field in member.model_fields.items():
                if part in (name, field.alias):
                    return field.annotation
        elif origin is list and isinstance(part, int):
            return get_args(member)[0]
        elif origin is dict and isinstance(part, str):
            return get_args(member)[1]
    return None


def known_keys(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """The keys a mapping at `path` of the config may hold (as written: aliases first), or [] when not a section."""
    annotation: Any = model
    for part in path:
        if part in UNION_TAGS:
            continue
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    keys: list[str] = []
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            keys += [field.alias or name for name, field in member.model_fields.items()]
    return keys


def field_path(loc: tuple[str | int, ...], whole: str = "(top level)") -> str:
    return ".".join(str(part) for part in loc if part not in UNION_TAGS) or whole


def phrase(model: type[BaseModel], problem: ErrorDetails, whole: str = "(top level)") -> str:
    """`field: what is wrong`, in the config's own words; `whole` names the document itself."""
    loc = tuple(problem["loc"])
    if problem["type"] == "extra_forbidden" and loc:
        keys = known_keys(model, loc[:-1])
        nearest = difflib.get_close_matches(str(loc[-1]), keys, n=1, cutoff=0.6)
        if nearest:
            return f"{field_path(loc, whole)}: unknown key; did you mean {nearest[0]}?"
        return f"{field_path(loc, whole)}: unknown key" + (f" (valid here: {', '.join(keys)})" if keys else "")
    message = problem["msg"].replace("\n", " ")
    for pattern, replacement in _PYTHON_WORDING:
        message = pattern.sub(replacement, message)
    return f"{field_path(loc, whole)}: {message}"
