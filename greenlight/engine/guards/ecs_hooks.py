"""The conformance check for what Amazon ECS sends and reads that no botocore shape describes: the Lambda hook's
invocation and answer, and the pause hook's event, as the ECS developer guide gives them (the enums in them are
botocore's). Anything the stand-in fabricates of these passes through here first, as its AWS answers pass through
`conformance.check`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from greenlight.engine.core.botocore_models import service_model
from greenlight.engine.guards.conformance import NonConformingResponseError

# The Lambda hook payload of the ECS developer guide ("Lambda hooks for Amazon ECS service deployments", Lifecycle
# payloads): no botocore shape describes it, so its keys and ARN forms are written here; the stage is botocore's enum.
HOOK_EVENT_KEYS = ("executionId", "lifecycleStage", "resourceArn", "executionDetails")
HOOK_DETAIL_KEYS = ("serviceArn", "targetServiceRevisionArn", "testTrafficWeights", "productionTrafficWeights")
ECS_ARN = r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:"
HOOK_ARNS = {
    "resourceArn": re.compile(ECS_ARN + r"service-deployment/[^/]+/[^/]+/[^/]+"),
    "serviceArn": re.compile(ECS_ARN + r"service/[^/]+(/[^/]+)?"),  # the short form: services created before 2021
    "targetServiceRevisionArn": re.compile(ECS_ARN + r"service-revision/[^/]+/[^/]+/[^/]+"),
}
REVISION_ARN = HOOK_ARNS["targetServiceRevisionArn"]
HOOK_STATUSES = ("SUCCEEDED", "FAILED", "IN_PROGRESS")


def _weight_problems(name: str, weights: Any) -> list[str]:
    if not isinstance(weights, Mapping):
        return [f"executionDetails.{name} is not a map of service revision ARNs to weights"]
    found = [
        f"executionDetails.{name}: {arn!r} is not a service revision ARN"
        for arn in weights
        if not REVISION_ARN.fullmatch(str(arn))
    ]
    found += [
        f"executionDetails.{name}: {w!r} is not a weight from 0 to 100"
        for w in weights.values()
        if isinstance(w, bool) or not isinstance(w, int | float) or not 0 <= w <= 100
    ]
    if weights and not found and sum(weights.values()) != 100:
        found.append(f"executionDetails.{name}: the weights add up to {sum(weights.values())}, not 100")
    return found


def hook_event_problems(event: Mapping[str, Any]) -> list[str]:
    """How `event` differs from the invocation the guide documents (empty when it conforms)."""
    stages = service_model("ecs").shape_for("DeploymentLifecycleHookStage").enum  # type: ignore[attr-defined]
    found = [f"missing {key}" for key in HOOK_EVENT_KEYS if key not in event]
    found += [f"unexpected {key}" for key in event if key not in (*HOOK_EVENT_KEYS, "hookDetails")]
    if event.get("lifecycleStage") not in stages:
        found.append(f"lifecycleStage {event.get('lifecycleStage')!r} is not one of {stages}")
    details = event.get("executionDetails")
    details = details if isinstance(details, Mapping) else {}
    found += [f"executionDetails has no {key}" for key in HOOK_DETAIL_KEYS if key not in details]
    found += [f"executionDetails has unexpected {key}" for key in details if key not in HOOK_DETAIL_KEYS]
    for key, pattern in HOOK_ARNS.items():
        value = event.get(key) if key == "resourceArn" else details.get(key)
        if not (isinstance(value, str) and pattern.fullmatch(value)):
            found.append(f"{key} {value!r} is not of the form {pattern.pattern}")
    for name in HOOK_DETAIL_KEYS[2:]:
        found += _weight_problems(name, details.get(name, {}))
    if "hookDetails" in event and not isinstance(event["hookDetails"], Mapping):
        found.append("hookDetails is not a JSON object")
    return found


def check_hook_event(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the ECS hook invocation unchanged when it is shaped as the guide shows; raise otherwise."""
    found = hook_event_problems(event)
    if found:
        raise NonConformingResponseError("ECS hook invocation unlike the guide's: " + "; ".join(found))
    return event


def check_hook_answer(answer: Mapping[str, Any]) -> Mapping[str, Any]:
    """The hook's answer as ECS reads it: a valid hookStatus, callBackDelay an integer, hookDetails an object."""
    found = [] if answer.get("hookStatus") in HOOK_STATUSES else [f"hookStatus {answer.get('hookStatus')!r}"]
    delay = answer.get("callBackDelay")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int) or delay < 0):
        found.append(f"callBackDelay {delay!r}")
    if not isinstance(answer.get("hookDetails", {}), Mapping):
        found.append("hookDetails is not a JSON object")
    if found:
        raise NonConformingResponseError("ECS hook answer ECS cannot read: " + "; ".join(found))
    return answer


# The pause hook's event (ECS developer guide: the HOOK_AWAITING_ACTION examples of "Pause hooks for Amazon ECS service
# deployments" and "Amazon ECS service deployment hook state change events"): the detail's keys, and the enums in it.
PAUSE_EVENT_DETAIL_KEYS = (
    "eventType", "eventName", "hookId", "hookType", "expiresAt", "lifecycleStage", "clusterArn", "serviceArn",
    "serviceDeploymentArn", "updatedAt",
)  # fmt: skip


def check_pause_event(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    """A PutEvents entry for ECS's pause hook event, shaped as the guide's example; raise otherwise."""
    detail = json.loads(entry.get("Detail", "null"))
    detail = detail if isinstance(detail, Mapping) else {}
    found = [f"{k} {entry.get(k)!r}" for k, v in (("Source", "aws.ecs"), ("DetailType", "ECS Hook State Change"))
             if entry.get(k) != v]  # fmt: skip
    found += [f"detail has no {key}" for key in PAUSE_EVENT_DETAIL_KEYS if key not in detail]
    found += [f"detail has unexpected {key}" for key in detail if key not in PAUSE_EVENT_DETAIL_KEYS]
    enums = {"hookType": "DeploymentLifecycleHookTargetType", "lifecycleStage": "DeploymentLifecycleHookStage"}
    for key, shape in enums.items():
        values = service_model("ecs").shape_for(shape).enum  # type: ignore[attr-defined]
        if detail.get(key) not in values:
            found.append(f"detail.{key} {detail.get(key)!r} is not one of {values}")
    for key, pattern in (("serviceDeploymentArn", HOOK_ARNS["resourceArn"]), ("serviceArn", HOOK_ARNS["serviceArn"])):
        if not pattern.fullmatch(str(detail.get(key))):
            found.append(f"detail.{key} {detail.get(key)!r} is not of the form {pattern.pattern}")
    if found:
        raise NonConformingResponseError("ECS pause hook event unlike the guide's: " + "; ".join(found))
    return entry
