"""An Amazon ECS pause hook as greenlight meets it: the `HOOK_AWAITING_ACTION` event, the service's opt-in tag, and
the hook as DescribeServiceDeployments lists it.

The event's shape is the ECS developer guide's example ("Amazon ECS service deployment hook state change events",
and "Pause hooks for Amazon ECS service deployments"): `detail-type` `ECS Hook State Change`, and in `detail` the
`eventName`, `hookId`, `hookType`, `lifecycleStage`, `serviceArn`, `serviceDeploymentArn`. The hook's state is
botocore's `ecs` DeploymentLifecycleHookDetail (`hookId`, `targetType`, `status`, `expiresAt`, `timeoutAction`).
Free of pydantic: the pause hook's front door imports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SOURCE = "aws.ecs"
DETAIL_TYPE = "ECS Hook State Change"
AWAITING_ACTION_EVENT = "HOOK_AWAITING_ACTION"
PAUSE = "PAUSE"  # botocore's DeploymentLifecycleHookTargetType for a pause hook
AWAITING_ACTION = "AWAITING_ACTION"  # botocore's DeploymentLifecycleHookStatus while ECS waits for an answer
# The stages a pause hook may pause at (the guide: never TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT).
PAUSE_STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
)
# The opt-in: a service's tag naming the stages whose pause hooks greenlight answers (space-separated; ECS tag values
# allow letters, digits, spaces and `_ . : / = + - @`, no comma). Any other pause hook is someone else's.
GATE_TAG = "greenlight:gate"
ECS_ARN = r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:"
ARNS = {
    "serviceDeploymentArn": re.compile(ECS_ARN + r"service-deployment/[^/]+/[^/]+/[^/]+"),
    "serviceArn": re.compile(ECS_ARN + r"service/[^/]+/[^/]+"),
}


class NotAPauseHookEventError(Exception):
    """The event is not a pause hook awaiting action, as the guide shows one."""


def _text(detail: dict[str, Any], name: str) -> str:
    value = detail.get(name)
    if not isinstance(value, str) or not value:
        raise NotAPauseHookEventError(f"detail.{name} must be a non-empty string")
    pattern = ARNS.get(name)
    if pattern is not None and not pattern.fullmatch(value):
        raise NotAPauseHookEventError(f"detail.{name} {value!r} is not of the form {pattern.pattern}")
    return value


@dataclass(frozen=True)
class PauseHookEvent:
    hook_id: str
    deployment_arn: str
    service_arn: str
    stage: str
    expires_at: str = ""

    @classmethod
    def parse(cls, event: Any) -> PauseHookEvent:
        if not isinstance(event, dict):
            raise NotAPauseHookEventError("the event must be a JSON object")
        if event.get("source") != SOURCE or event.get("detail-type") != DETAIL_TYPE:
            raise NotAPauseHookEventError(f"not an {SOURCE} {DETAIL_TYPE!r} event")
        detail = event.get("detail")
        if not isinstance(detail, dict):
            raise NotAPauseHookEventError("the event has no detail object")
        if detail.get("eventName") != AWAITING_ACTION_EVENT or detail.get("hookType") != PAUSE:
            raise NotAPauseHookEventError(
                f"eventName {detail.get('eventName')!r} and hookType {detail.get('hookType')!r}: "
                f"only a {PAUSE} hook's {AWAITING_ACTION_EVENT} is answered"
            )
        stage = _text(detail, "lifecycleStage")
        if stage not in PAUSE_STAGES:
            raise NotAPauseHookEventError(f"lifecycleStage {stage!r} is not a stage a pause hook pauses at")
        expires = detail.get("expiresAt")
        return cls(
            hook_id=_text(detail, "hookId"),
            deployment_arn=_text(detail, "serviceDeploymentArn"),
            service_arn=_text(detail, "serviceArn"),
            stage=stage,
            expires_at=expires if isinstance(expires, str) else "",
        )


def gated_stages(tags: list[dict[str, Any]]) -> tuple[frozenset[str], list[str]]:
    """The stages the service's `greenlight:gate` tag names, and the words in it that are no pause stage."""
    value = next((str(t.get("value") or "") for t in tags if t.get("key") == GATE_TAG), "")
    words = value.split()
    return frozenset(w for w in words if w in PAUSE_STAGES), [w for w in words if w not in PAUSE_STAGES]


def hook_detail(deployment: dict[str, Any], hook_id: str) -> dict[str, Any] | None:
    """The hook as DescribeServiceDeployments lists it (`lifecycleHookDetails`), None when it does not."""
    return next((dict(h) for h in deployment.get("lifecycleHookDetails") or [] if h.get("hookId") == hook_id), None)


def not_awaiting(deployment: dict[str, Any], hook_id: str) -> str | None:
    """Why ECS no longer waits for an answer to this hook, if it does not: the hook is no longer AWAITING_ACTION, or
    the deployment is not IN_PROGRESS (developer guide, "Continuing service deployments"). A hook ECS does not list
    (yet) is not taken as answered: the guide does not say how soon DescribeServiceDeployments lists it."""
    hook = hook_detail(deployment, hook_id)
    if hook is not None and hook.get("status") != AWAITING_ACTION:
        return f"the pause hook {hook_id} is {hook.get('status')}: ECS no longer waits for greenlight's answer"
    status = deployment.get("status")
    if status != "IN_PROGRESS":
        return f"the service deployment is {status}: ECS no longer waits for greenlight's answer"
    return None


def other_paused_hooks(deployment: dict[str, Any], hook_id: str) -> list[str]:
    """Pause hooks awaiting action besides `hook_id`: at the same stage, one of them is someone else's, and nothing
    in the event tells greenlight which."""
    return [
        str(h.get("hookId"))
        for h in deployment.get("lifecycleHookDetails") or []
        if h.get("targetType") == PAUSE and h.get("status") == AWAITING_ACTION and h.get("hookId") != hook_id
    ]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def workflow_input(event: PauseHookEvent, deployment: dict[str, Any]) -> dict[str, Any]:
    """The execution's input: the request ids every state reads (the hookId stands for the hook execution), that the
    answer is ContinueServiceDeployment, and what ECS says of the deployment (the event names no revision and no
    weights: the service deployment's requested weights stand in for them)."""
    target = deployment.get("targetServiceRevision") or {}
    revisions = [target, *(deployment.get("sourceServiceRevisions") or [])]

    def weights(member: str) -> dict[str, float]:
        found = {str(r["arn"]): float(r[member]) for r in revisions if "arn" in r and _number(r.get(member))}
        return found if len(found) == len(revisions) and sum(found.values()) == 100 else {}

    return {
        "deployment_id": event.deployment_arn,
        "lifecycle_event_hook_execution_id": event.hook_id,
        "hook_type": PAUSE,
        "ecs": {
            "lifecycle_stage": event.stage,
            "service_arn": event.service_arn,
            "target_service_revision_arn": str(target.get("arn", "")),
            "test_traffic_weights": weights("requestedTestTrafficWeight"),
            "production_traffic_weights": weights("requestedProductionTrafficWeight"),
        },
    }
