"""The Amazon ECS lifecycle hook contract: what ECS sends, and the answer it reads (`hookStatus`).

Kept free of pydantic and of the AWS SDK, so the hook's cold start stays small and tests call it directly.
ECS invokes the hook synchronously and reads the answer: `SUCCEEDED`, `FAILED`, or `IN_PROGRESS` (then it calls
again after `callBackDelay` seconds, passing back the `hookDetails` returned). A missing or invalid status, or a
function error, rolls the deployment back (ECS developer guide, "Lambda hooks for Amazon ECS service deployments").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from common.runtime.lifecycle import ECS_STAGES

# ECS's hook answer (developer guide, "Lambda hooks for Amazon ECS service deployments").
HookStatus = Literal["SUCCEEDED", "FAILED", "IN_PROGRESS"]
SUCCEEDED: HookStatus = "SUCCEEDED"
FAILED: HookStatus = "FAILED"
IN_PROGRESS: HookStatus = "IN_PROGRESS"
DETAILS_KEY = "greenlight"  # greenlight's own entry in hookDetails; the rest (the service's hookDetails) is kept
DETAIL_FIELDS = ("serviceArn", "targetServiceRevisionArn", "testTrafficWeights", "productionTrafficWeights")


class InvalidHookEventError(Exception):
    """The event is not an ECS lifecycle hook invocation greenlight can act on."""


def _weights(value: Any, name: str) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(w, int | float) for w in value.values()):
        raise InvalidHookEventError(f"{name} must map service revision ARNs to weights")
    return {str(arn): float(weight) for arn, weight in value.items()}


def _text(event: dict[str, Any], name: str) -> str:
    value = event.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidHookEventError(f"{name} must be a non-empty string")
    return value


@dataclass(frozen=True)
class EcsHookEvent:
    execution_id: str
    lifecycle_stage: str
    resource_arn: str  # the service deployment
    service_arn: str
    target_service_revision_arn: str
    test_traffic_weights: dict[str, float] = field(default_factory=dict)
    production_traffic_weights: dict[str, float] = field(default_factory=dict)
    hook_details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, event: Any) -> EcsHookEvent:
        """Read the invocation; `executionDetails` may also sit at the top level (older versions of the guide)."""
        if not isinstance(event, dict):
            raise InvalidHookEventError("the event must be a JSON object")
        nested = event.get("executionDetails")
        details = nested if isinstance(nested, dict) else {k: event[k] for k in DETAIL_FIELDS if k in event}
        stage = _text(event, "lifecycleStage")
        if stage not in ECS_STAGES:
            raise InvalidHookEventError(f"lifecycleStage {stage!r} is not one of ECS's hook stages")
        hook_details = event.get("hookDetails")
        return cls(
            execution_id=_text(event, "executionId"),
            lifecycle_stage=stage,
            resource_arn=_text(event, "resourceArn"),
            service_arn=_text(details, "serviceArn"),
            target_service_revision_arn=_text(details, "targetServiceRevisionArn"),
            test_traffic_weights=_weights(details.get("testTrafficWeights"), "testTrafficWeights"),
            production_traffic_weights=_weights(details.get("productionTrafficWeights"), "productionTrafficWeights"),
            hook_details=dict(hook_details) if isinstance(hook_details, dict) else {},
        )

    @property
    def mine(self) -> dict[str, Any]:
        """What greenlight put in hookDetails on an earlier answer to this hook execution (empty on the first call).

        ECS keeps hookDetails returned at run time "between invocations of the same hook within a single deployment"
        (developer guide, "Lambda hooks for Amazon ECS service deployments"): a LINEAR or CANARY step arrives with the
        previous step's entry. An entry is this execution's only when it names this executionId.
        """
        value = self.hook_details.get(DETAILS_KEY)
        entry = dict(value) if isinstance(value, dict) else {}
        return entry if entry.get("execution_id") == self.execution_id else {}

    def workflow_input(self) -> dict[str, Any]:
        """The execution's input: the two request ids every state reads, and what ECS said about the deployment."""
        return {
            "deployment_id": self.resource_arn,
            "lifecycle_event_hook_execution_id": self.execution_id,
            "ecs": {
                "lifecycle_stage": self.lifecycle_stage,
                "service_arn": self.service_arn,
                "target_service_revision_arn": self.target_service_revision_arn,
                "test_traffic_weights": self.test_traffic_weights,
                "production_traffic_weights": self.production_traffic_weights,
            },
        }


def answer(
    event: EcsHookEvent | None,
    status: HookStatus,
    reason: str,
    delay: int | None = None,
    entry: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The hook's answer. hookDetails keeps what ECS passed and carries greenlight's entry (`entry`, or by default
    the one this hook execution had): the reason, the executionId it belongs to, and what the next call needs. An
    answer about a step (`entry` given) records its status: while it is IN_PROGRESS, ECS's next call is that step's."""
    passed = event.hook_details if event else {}
    mine = dict(entry if entry is not None else event.mine if event else {}) | {"reason": reason}
    if entry is not None:
        mine["status"] = status
    if event is not None:
        mine["execution_id"] = event.execution_id  # the hook execution this entry belongs to
    response: dict[str, Any] = {"hookStatus": status, "hookDetails": passed | {DETAILS_KEY: mine}}
    if status == IN_PROGRESS and delay is not None:
        response["callBackDelay"] = delay
    return response
