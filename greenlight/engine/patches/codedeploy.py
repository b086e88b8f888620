"""CodeDeploy's ECS deployment target and lifecycle hook callback, which moto does not have.

The stand-in keeps its state on moto's CodeDeploy backend (reset with every mock); every answer passes the
conformance check before it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from moto.codedeploy.models import CodeDeployBackend
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult

from greenlight.engine.guards import conformance
from greenlight.engine.patches.originals import PatchList

StateT = TypeVar("StateT")


@dataclass
class StandInState:
    """What the stand-in keeps on moto's CodeDeploy backend: ECS targets and received callbacks."""

    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    callbacks: list[dict[str, Any]] = field(default_factory=list)


def kept_on(backend: Any, factory: Callable[[], StateT]) -> StateT:
    """The stand-in's state kept on a moto backend (so it is reset with every mock), made on first use."""
    state = getattr(backend, "greenlight", None)
    if state is None:
        state = factory()
        setattr(backend, "greenlight", state)  # noqa: B010  (moto's backend has no such attribute to type)
    return state


def stand_in(backend: CodeDeployBackend) -> StandInState:
    return kept_on(backend, StandInState)


def _answer(operation: str, response: dict[str, Any]) -> ActionResult:
    return ActionResult(dict(conformance.check("codedeploy", operation, response)))


def list_deployment_targets(self: CodeDeployResponse) -> ActionResult:
    deployment_id = self._get_param("deploymentId")
    self.codedeploy_backend.get_deployment(deployment_id)
    target = stand_in(self.codedeploy_backend).targets.get(deployment_id)
    return _answer("ListDeploymentTargets", {"targetIds": [target["targetId"]] if target else []})


def get_deployment_target(self: CodeDeployResponse) -> ActionResult:
    deployment_id = self._get_param("deploymentId")
    self.codedeploy_backend.get_deployment(deployment_id)
    target = stand_in(self.codedeploy_backend).targets[deployment_id]
    return _answer(
        "GetDeploymentTarget", {"deploymentTarget": {"deploymentTargetType": "ECSTarget", "ecsTarget": target}}
    )


def put_lifecycle_event_hook_execution_status(self: CodeDeployResponse) -> ActionResult:
    deployment_id, hook_id = self._get_param("deploymentId"), self._get_param("lifecycleEventHookExecutionId")
    status = self._get_param("status")
    self.codedeploy_backend.get_deployment(deployment_id)
    state = stand_in(self.codedeploy_backend)
    if status not in ("Succeeded", "Failed"):
        raise JsonRESTError("InvalidLifecycleEventHookExecutionStatusException", f"status {status} is not allowed")
    already = any(c["lifecycleEventHookExecutionId"] == hook_id for c in state.callbacks)
    state.callbacks.append(
        {
            "deploymentId": deployment_id,
            "lifecycleEventHookExecutionId": hook_id,
            "status": status,
            "accepted": not already,
        }
    )
    if already:
        raise JsonRESTError("LifecycleEventAlreadyCompletedException", "the lifecycle event already completed")
    return _answer("PutLifecycleEventHookExecutionStatus", {"lifecycleEventHookExecutionId": hook_id})


PATCHES: PatchList = [
    (CodeDeployResponse, "list_deployment_targets", list_deployment_targets),
    (CodeDeployResponse, "get_deployment_target", get_deployment_target),
    (CodeDeployResponse, "put_lifecycle_event_hook_execution_status", put_lifecycle_event_hook_execution_status),
]
