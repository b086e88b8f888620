"""Amazon ECS service deployments, service revisions and pause hooks' ContinueServiceDeployment, which moto 5.2.5 does
not have.

The stand-in keeps them on moto's ECS backend (reset with every mock); every answer passes the conformance check
before it is sent. `greenlight.engine.standins.ecs` fills them and plays ECS's part in a deployment;
`greenlight.engine.run.ecs_pause_hook` opens pause hooks.

ContinueServiceDeployment is taken while the hook is AWAITING_ACTION and the deployment IN_PROGRESS (developer guide,
"Continuing service deployments"): CONTINUE makes the hook SUCCEEDED, ROLLBACK makes it FAILED and the deployment
roll back ("Amazon ECS service deployment hook state change events": HOOK_SUCCEEDED, HOOK_FAILED). The API reference
names no error for a hook that no longer awaits action: the stand-in answers `refusal` (ClientException unless a test
plays InvalidParameterException, the other reading), and every call, taken or refused, is recorded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

from greenlight.engine.guards import conformance
from greenlight.engine.patches.codedeploy import kept_on
from greenlight.engine.patches.originals import PatchList

NOT_FOUND = "MISSING"  # ecs Failure.reason for an ARN ECS does not know (the API reference's example answers)
AWAITING, TIMED_OUT = "AWAITING_ACTION", "TIMED_OUT"
TAKEN = {"CONTINUE": "SUCCEEDED", "ROLLBACK": "FAILED"}  # the hook's status once ECS took the action


@dataclass
class EcsStandIn:
    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)  # by serviceDeploymentArn
    revisions: dict[str, dict[str, Any]] = field(default_factory=dict)  # by serviceRevisionArn
    hook_deadlines: dict[str, float] = field(default_factory=dict)  # pause hookId -> when it times out (monotonic)
    continue_calls: list[dict[str, Any]] = field(default_factory=list)  # every ContinueServiceDeployment
    refusal: str = "ClientException"  # what a call on a hook no longer awaiting action is answered (docs: silent)


def ecs_stand_in(backend: EC2ContainerServiceBackend) -> EcsStandIn:
    return kept_on(backend, EcsStandIn)


def expire(state: EcsStandIn, now: float | None = None) -> None:
    """A pause hook past its timeout is TIMED_OUT, and ECS takes its timeout action (ROLLBACK: the deployment rolls
    back; CONTINUE: it goes on)."""
    now = time.monotonic() if now is None else now
    for deployment in state.deployments.values():
        for hook in deployment.get("lifecycleHookDetails") or []:
            deadline = state.hook_deadlines.get(hook["hookId"])
            if hook.get("status") == AWAITING and deadline is not None and now >= deadline:
                hook["status"] = TIMED_OUT
                if hook.get("timeoutAction") == "ROLLBACK":
                    deployment["status"] = "ROLLBACK_REQUESTED"


def _described(found: dict[str, dict[str, Any]], arns: list[str], key: str) -> dict[str, Any]:
    return {
        key: [found[arn] for arn in arns if arn in found],
        "failures": [{"arn": arn, "reason": NOT_FOUND} for arn in arns if arn not in found],
    }


def describe_service_deployments(self: EC2ContainerServiceResponse) -> ActionResult:
    arns = list(self._get_param("serviceDeploymentArns", []))
    state = ecs_stand_in(self.ecs_backend)
    expire(state)
    answer = _described(state.deployments, arns, "serviceDeployments")
    return ActionResult(dict(conformance.check("ecs", "DescribeServiceDeployments", answer)))


def describe_service_revisions(self: EC2ContainerServiceResponse) -> ActionResult:
    arns = list(self._get_param("serviceRevisionArns", []))
    answer = _described(ecs_stand_in(self.ecs_backend).revisions, arns, "serviceRevisions")
    return ActionResult(dict(conformance.check("ecs", "DescribeServiceRevisions", answer)))


def _refuse(code: str, message: str) -> JsonRESTError:
    return JsonRESTError(conformance.check_error("ecs", "ContinueServiceDeployment", code), message)


def continue_service_deployment(self: EC2ContainerServiceResponse) -> ActionResult:
    arn, hook_id = self._get_param("serviceDeploymentArn"), self._get_param("hookId")
    action = self._get_param("action") or "CONTINUE"  # the API reference: CONTINUE when no action is given
    state = ecs_stand_in(self.ecs_backend)
    expire(state)
    call = {"serviceDeploymentArn": arn, "hookId": hook_id, "action": action, "accepted": False}
    state.continue_calls.append(call)
    if action not in TAKEN:
        call["error"] = "InvalidParameterException"
        raise _refuse("InvalidParameterException", f"action {action!r} is not one of {sorted(TAKEN)}")
    deployment = state.deployments.get(arn)
    if deployment is None:
        call["error"] = "ServiceDeploymentNotFoundException"
        raise _refuse("ServiceDeploymentNotFoundException", f"The service deployment {arn} does not exist.")
    hook = next((h for h in deployment.get("lifecycleHookDetails") or [] if h.get("hookId") == hook_id), None)
    if hook is None or hook.get("status") != AWAITING or deployment.get("status") != "IN_PROGRESS":
        call["error"] = state.refusal
        seen = hook.get("status") if hook else "not known"
        raise _refuse(state.refusal, f"The lifecycle hook {hook_id} is {seen}, not awaiting action.")
    hook["status"] = TAKEN[action]
    if action == "ROLLBACK":
        deployment["status"] = "ROLLBACK_REQUESTED"
    call["accepted"] = True
    answer = {"serviceDeploymentArn": arn}
    return ActionResult(dict(conformance.check("ecs", "ContinueServiceDeployment", answer)))


PATCHES: PatchList = [
    (EC2ContainerServiceResponse, "describe_service_deployments", describe_service_deployments),
    (EC2ContainerServiceResponse, "describe_service_revisions", describe_service_revisions),
    (EC2ContainerServiceResponse, "continue_service_deployment", continue_service_deployment),
]
