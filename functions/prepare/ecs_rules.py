"""A listener rule's conditions, turned into what a request must send to satisfy them (and so reach GREEN).

ALB semantics (elbv2 RuleCondition): the conditions of a rule must all match; the values within one condition are
alternatives, and may hold the wildcards `*` and `?`. A request sends the first value of each condition, each
wildcard filled with a letter. A path condition is not rewritten: the paths the config requests must match it.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from common.payload.ecs import TestRequest
from prepare.discovery import DiscoveryError

WILDCARD_FILL = "x"
CONFIG_KEYS = {  # elbv2 RuleCondition Field -> the structure holding its values
    "host-header": "HostHeaderConfig",
    "path-pattern": "PathPatternConfig",
    "http-header": "HttpHeaderConfig",
    "query-string": "QueryStringConfig",
    "http-request-method": "HttpRequestMethodConfig",
    "source-ip": "SourceIpConfig",
}


def concrete(pattern: str) -> str:
    return pattern.replace("*", WILDCARD_FILL).replace("?", WILDCARD_FILL)


def _values(condition: dict[str, Any], field: str) -> list[Any]:
    config = condition.get(CONFIG_KEYS.get(field, ""), {})
    values = config.get("Values") or condition.get("Values") or []
    if not values and (config.get("RegexValues") or condition.get("RegexValues")):
        raise DiscoveryError(
            f"the listener rule's {field} condition uses regular expressions; greenlight cannot build a request "
            "that surely matches one: give the rule a plain (wildcard) value"
        )
    return list(values)


def _add(request: TestRequest, condition: dict[str, Any]) -> None:
    field = str(condition.get("Field", ""))
    values = _values(condition, field)
    if field == "host-header" and values:
        request.host = concrete(values[0])
    elif field == "http-header" and values:
        request.headers[condition["HttpHeaderConfig"]["HttpHeaderName"]] = concrete(values[0])
    elif field == "query-string" and values:
        pair = values[0]
        request.query[concrete(pair.get("Key") or "")] = concrete(pair.get("Value", ""))
    elif field == "path-pattern":
        request.path_patterns = values
    elif field == "http-request-method" and values and "GET" not in values:
        raise DiscoveryError(f"the listener rule accepts only {', '.join(values)} requests; health checks send GET")
    elif field == "source-ip":
        request.ignored.append(f"source-ip {', '.join(values)} (requests come from the functions' own addresses)")


def request_for(rule: dict[str, Any]) -> TestRequest:
    request = TestRequest(rule_arn=str(rule.get("RuleArn", "")))
    for condition in rule.get("Conditions", []):
        _add(request, condition)
    return request


def path_problem(request: TestRequest, paths: list[str]) -> str | None:
    """Why some configured path would miss the rule's path condition (ALB patterns are case-sensitive)."""
    if not request.path_patterns:
        return None
    missing = [
        p for p in paths if not any(re.fullmatch(fnmatch.translate(pattern), p) for pattern in request.path_patterns)
    ]
    if not missing:
        return None
    return (
        f"the listener rule {request.rule_arn} only routes paths matching {request.path_patterns} to GREEN; "
        f"the config requests {missing}: change health.path / synthetic.requests[].path"
    )


def forwarded(rule: dict[str, Any]) -> dict[str, float]:
    """Target group ARN -> weight of the rule's forward action (elbv2 Action: TargetGroupArn, or ForwardConfig)."""
    shares: dict[str, float] = {}
    for action in rule.get("Actions", []):
        if action.get("Type") != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
        if not groups and action.get("TargetGroupArn"):
            groups = [{"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}]
        for group in groups:
            shares[str(group["TargetGroupArn"])] = float(group.get("Weight", 1))
    return shares


def not_green_alone(rule: dict[str, Any], green_arn: str) -> str | None:
    """Why requests that meet the rule would not all reach GREEN (its forward action as the ALB holds it now)."""
    shares = forwarded(rule)
    elsewhere = {
        arn.split(":targetgroup/", 1)[-1].split("/")[0]: w for arn, w in shares.items() if arn != green_arn and w
    }
    if shares.get(green_arn) and not elsewhere:
        return None
    weights = ", ".join(f"{name} {weight:g}" for name, weight in sorted(elsewhere.items())) or "nothing"
    return (
        f"the listener rule {rule.get('RuleArn', '')} forwards to GREEN {shares.get(green_arn, 0):g} and to {weights} "
        "now, so requests would not all reach GREEN"
    )


def listener_of(rule_arn: str) -> str:
    """The listener a rule belongs to (elbv2 Rule has no ListenerArn), from the ARN's documented format:
    arn:...:listener-rule/app/<lb>/<lb id>/<listener id>/<rule id> -> the same without "-rule" and <rule id>."""
    if ":listener-rule/" not in rule_arn:
        raise DiscoveryError(f"{rule_arn!r} is not an Application Load Balancer listener rule ARN")
    return rule_arn.replace(":listener-rule/", ":listener/", 1).rsplit("/", 1)[0]
