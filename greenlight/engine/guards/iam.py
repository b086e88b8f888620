"""IAM's decision for the policies greenlight writes, offline: what AWS would allow a role session to do.

The parts of IAM's evaluation logic the stack's secret reading relies on, as the IAM User Guide states them:
- "Policy evaluation logic": an explicit Deny wins; otherwise a request needs an Allow; a role session's
  permissions are the intersection of the role's identity-based policies and the session policy ("Session
  policies", in "Policies and permissions in IAM").
- "IAM JSON policy elements: Resource": `*` matches any characters within an ARN segment (a `/` included), `?`
  one character; ARN matching is case-sensitive.
- "IAM policy elements: Variables and tags": a variable such as `${aws:PrincipalTag/key}` is replaced by the value
  in the request context (a session tag is a principal tag); a variable with no value makes a Resource match
  nothing; `${*}`, `${?}` and `${$}` stand for the literal characters.
- Condition operators StringEquals, StringLike (and their ForAllValues: forms on multivalued keys such as
  aws:TagKeys): a key missing from the request context matches no StringEquals/StringLike.

Anything else (NotAction, NotResource, other operators) raises UnsupportedPolicyError instead of guessing, so a policy
this module approves is one it understood. It evaluates; it never stands in for AWS's own policy simulator.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from greenlight.errors import GreenlightError

VARIABLE = re.compile(r"\$\{([^}]+)\}")
LITERALS = {"*": "*", "?": "?", "$": "$"}


class UnsupportedPolicyError(GreenlightError, ValueError):
    """The policy uses an element or operator this evaluator does not implement."""


@dataclass(frozen=True)
class Request:
    """One API call as IAM sees it: the action, the resource ARN, and the request context's keys."""

    action: str
    resource: str = "*"
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _pattern(text: str) -> re.Pattern[str]:
    """An IAM string with wildcards as a regex: `*` any characters, `?` one, the rest literal (case-sensitive)."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text), re.DOTALL)


def _substitute(text: str, context: Mapping[str, Any]) -> str | None:
    """`text` with its policy variables replaced (special characters kept literal), or None when one has no value."""
    parts, last = [], 0
    for match in VARIABLE.finditer(text):
        parts.append(text[last : match.start()])
        name = match.group(1)
        if name in LITERALS:
            parts.append("\0" + name)  # a literal, never a wildcard
        else:
            value = context.get(name)
            if not isinstance(value, str):
                return None
            parts.append(value.replace("*", "\0*").replace("?", "\0?"))
        last = match.end()
    return "".join(parts) + text[last:]


def _matches(pattern: str, value: str, context: Mapping[str, Any]) -> bool:
    resolved = _substitute(pattern, context)
    if resolved is None:
        return False
    chunks = resolved.split("\0")
    regex = _pattern(chunks[0]).pattern + "".join(re.escape(c[:1]) + _pattern(c[1:]).pattern for c in chunks[1:])
    return re.fullmatch(regex, value, re.DOTALL) is not None


def _action_matches(patterns: Any, action: str) -> bool:
    """Action names are case-insensitive (IAM User Guide, "IAM JSON policy elements: Action")."""
    return any(
        pattern == "*" or _pattern(str(pattern).lower()).fullmatch(action.lower()) is not None
        for pattern in _as_list(patterns)
    )


def _equals(wanted: str, value: str, context: Mapping[str, Any]) -> bool:
    resolved = _substitute(wanted, context)
    return resolved is not None and resolved.replace("\0", "") == value


def _condition_holds(operator: str, key: str, wanted: Any, context: Mapping[str, Any]) -> bool:
    base = operator.removeprefix("ForAllValues:")
    if base not in ("StringEquals", "StringLike"):
        raise UnsupportedPolicyError(f"condition operator {operator}")
    present = context.get(key)
    if present is None:
        return operator.startswith("ForAllValues:")  # IAM: ForAllValues on a missing key is true
    compare = _equals if base == "StringEquals" else _matches
    results = [any(compare(str(w), value, context) for w in _as_list(wanted)) for value in _as_list(present)]
    return all(results) if operator.startswith("ForAllValues:") else any(results)


def _statement_applies(statement: Mapping[str, Any], request: Request, principal: str | None) -> bool:
    unsupported = {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
    if unsupported:
        raise UnsupportedPolicyError(", ".join(sorted(unsupported)))
    if principal is not None:
        named = _as_list(statement.get("Principal", {}).get("AWS", []))
        if principal not in named:
            return False
    if not _action_matches(statement.get("Action", []), request.action):
        return False
    if "Resource" in statement and not any(
        _matches(str(r), request.resource, request.context) for r in _as_list(statement["Resource"])
    ):
        return False
    return all(
        _condition_holds(operator, key, wanted, request.context)
        for operator, keys in statement.get("Condition", {}).items()
        for key, wanted in keys.items()
    )


def decision(policy: Mapping[str, Any], request: Request, principal: str | None = None) -> str:
    """`Deny` (an explicit deny applies), `Allow`, or `NotAllowed` (nothing allows it: an implicit deny)."""
    applying = [s for s in _as_list(policy.get("Statement", [])) if _statement_applies(s, request, principal)]
    if any(s.get("Effect") == "Deny" for s in applying):
        return "Deny"
    return "Allow" if any(s.get("Effect") == "Allow" for s in applying) else "NotAllowed"


def session_allows(identity_policies: Sequence[Mapping[str, Any]], session_policy: Mapping[str, Any] | None,
                   request: Request) -> bool:  # fmt: skip
    """What a role session may do: allowed by the role's policies and by the session policy, denied by none."""
    decisions = [decision(policy, request) for policy in identity_policies]
    if "Deny" in decisions or "Allow" not in decisions:
        return False
    return session_policy is None or decision(session_policy, request) == "Allow"


def trust_allows(trust_policy: Mapping[str, Any], principal: str, tags: Mapping[str, str]) -> bool:
    """Whether `principal` may assume the role passing these session tags: sts:AssumeRole, and sts:TagSession
    when tags are passed (IAM User Guide, "Passing session tags in AWS STS"), each with the request's tags."""
    context: dict[str, str | Sequence[str]] = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
    if tags:
        context["aws:TagKeys"] = list(tags)
    actions = ["sts:AssumeRole", *(["sts:TagSession"] if tags else [])]
    return all(decision(trust_policy, Request(action, "*", context), principal) == "Allow" for action in actions)
