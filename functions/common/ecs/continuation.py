"""Answering an Amazon ECS pause hook: ContinueServiceDeployment with CONTINUE or ROLLBACK, and what a refusal means.

ECS takes the answer only while the hook is `AWAITING_ACTION` and the deployment `IN_PROGRESS` (developer guide,
"Continuing service deployments"). The API reference names no error for a hook that is no longer awaiting action
(timed out, continued by a person, the deployment stopped): of its errors, `ClientException` ("specifying an
identifier that isn't valid") and `InvalidParameterException` could both be it. So a refusal that is not on AWS's
side is settled by what ECS itself says of the hook (DescribeServiceDeployments): no longer awaiting action is
recorded (`already-completed`), never retried; still awaiting action, the refusal is a real error and propagates.
Throttling and service faults propagate too: the caller retries. Free of pydantic: the pause hook's front door
imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from common.ecs.deployment import ServiceDeploymentNotFoundError, service_deployment
from common.ecs.pause_hook import AWAITING_ACTION, hook_detail
from common.runtime.aws_errors import on_aws_side
from common.runtime.observability import logger
from common.runtime.outcomes import CallbackOutcome

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

Action = Literal["CONTINUE", "ROLLBACK"]  # botocore's DeploymentLifecycleHookAction
CONTINUE: Action = "CONTINUE"
ROLLBACK: Action = "ROLLBACK"
# Refusals that may mean the hook is no longer awaiting action; the hook's state decides (the docs do not say which).
MAYBE_NO_LONGER_AWAITING = frozenset({"ClientException", "InvalidParameterException"})


@dataclass(frozen=True)
class ContinueResult:
    action: Action
    outcome: CallbackOutcome  # reported: ECS took it; already-completed: the hook was no longer awaiting action
    hook_status: str | None = None  # what ECS said of the hook when it refused
    note: str = ""


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _no_longer_awaiting(ecs: ECSClient, deployment_arn: str, hook_id: str) -> tuple[bool, str | None, str]:
    """Whether ECS says the hook no longer awaits action, the hook's status, and the deployment's."""
    try:
        deployment = service_deployment(ecs, deployment_arn)
    except ServiceDeploymentNotFoundError:
        return True, None, "not found"
    status = str(deployment.get("status", ""))
    hook = hook_detail(deployment, hook_id)
    hook_status = str(hook["status"]) if hook and hook.get("status") else None
    awaiting = hook_status == AWAITING_ACTION and status == "IN_PROGRESS"
    return not awaiting, hook_status, status


def continue_deployment(ecs: ECSClient, deployment_arn: str, hook_id: str, action: Action) -> ContinueResult:
    """Tell ECS `action` for the pause hook `hook_id`. Returns `reported`, or `already-completed` when the hook no
    longer awaits action; raises ClientError or BotoCoreError otherwise (throttled, AccessDenied, refused while the
    hook awaits action)."""
    try:
        ecs.continue_service_deployment(serviceDeploymentArn=deployment_arn, hookId=hook_id, action=action)
    except ClientError as error:
        code = _code(error)
        if on_aws_side(error):
            raise
        if code == "ServiceDeploymentNotFoundException":
            note = f"ECS has no service deployment {deployment_arn}: nothing to {action}"
            logger.warning(note, extra={"action": action})
            return ContinueResult(action, "already-completed", None, note)
        if code not in MAYBE_NO_LONGER_AWAITING:
            raise
        gone, hook_status, status = _no_longer_awaiting(ecs, deployment_arn, hook_id)
        if not gone:
            raise
        note = (
            f"ECS refused {action} ({code}): the pause hook is {hook_status or 'no longer listed'} and the service "
            f"deployment {status}; the hook was answered before (a person, its timeout, or an earlier call)"
        )
        logger.info(note, extra={"action": action, "hook_status": hook_status})
        return ContinueResult(action, "already-completed", hook_status, note)
    logger.info(f"Told ECS {action} for the pause hook", extra={"action": action, "hook_id": hook_id})
    return ContinueResult(action, "reported")


def summary(result: ContinueResult) -> dict[str, Any]:
    """What the report records of the answer."""
    return {"action": result.action, "outcome": result.outcome, "hook_status": result.hook_status, "note": result.note}
