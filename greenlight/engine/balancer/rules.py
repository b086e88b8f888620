"""Does a request satisfy a listener rule's conditions? As an ALB decides it (elbv2 RuleCondition): every condition
must match; within one, any value; values may hold `*` and `?`; host names compare case-insensitively, paths
case-sensitively. The emulated listener forwards to GREEN only what the ECS test rule would."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit


def _like(value: str, patterns: list[str], case_sensitive: bool = True) -> bool:
    flags = 0 if case_sensitive else re.IGNORECASE
    return any(re.fullmatch(fnmatch.translate(p), value, flags) for p in patterns)


def _values(condition: dict[str, Any], config_key: str) -> list[Any]:
    return list(condition.get(config_key, {}).get("Values") or condition.get("Values") or [])


def _matches(condition: dict[str, Any], method: str, target: str, headers: Mapping[str, str]) -> bool:
    field, parts = condition.get("Field"), urlsplit(target)
    if field == "host-header":
        host = (headers.get("Host") or "").rsplit(":", 1)[0]
        return _like(host, _values(condition, "HostHeaderConfig"), case_sensitive=False)
    if field == "path-pattern":
        return _like(parts.path or "/", _values(condition, "PathPatternConfig"))
    if field == "http-header":
        name = condition["HttpHeaderConfig"]["HttpHeaderName"]
        return name in headers and _like(headers[name], _values(condition, "HttpHeaderConfig"), case_sensitive=False)
    if field == "query-string":
        query = parse_qsl(parts.query, keep_blank_values=True)
        wanted = _values(condition, "QueryStringConfig")
        return any(_like(k, [w.get("Key") or "*"]) and _like(v, [w["Value"]]) for w in wanted for k, v in query)
    if field == "http-request-method":
        return method in _values(condition, "HttpRequestMethodConfig")
    return True  # source-ip: every request here comes from loopback


def rule_matches(conditions: list[dict[str, Any]], method: str, target: str, headers: Mapping[str, str]) -> bool:
    return all(_matches(condition, method, target, headers) for condition in conditions)
