"""Amazon ECS lifecycle hook: start the validation workflow on the first call, then answer from its state.

ECS calls again after `callBackDelay` while the answer is IN_PROGRESS. Every path ends in a valid `hookStatus`:
never a function error (ECS would roll back for the wrong reason), never a blocked rollback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from common.aws import client
from common.observability import bind_request, logger
from common.settings import EcsHookSettings
from ecs_hook.contract import FAILED, SUCCEEDED, EcsHookEvent, InvalidHookEventError, answer
from ecs_hook.workflow import Workflow, judge

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient


def respond(event: EcsHookEvent, workflow: Workflow) -> dict[str, Any]:
    if event.is_rollback:
        logger.info("ECS is rolling back; greenlight never blocks a rollback", extra={"stage": event.lifecycle_stage})
        return answer(event, SUCCEEDED, "ECS is rolling back (the target revision has no production weight)")
    return judge(event, workflow)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        hook_event = EcsHookEvent.parse(event)
    except InvalidHookEventError as error:
        logger.error("Not an Amazon ECS lifecycle hook event; answering FAILED", extra={"problem": str(error)})
        return answer(None, FAILED, f"not an Amazon ECS lifecycle hook event: {error}")
    bind_request(hook_event.resource_arn, hook_event.execution_id)
    try:
        settings = EcsHookSettings.from_environment()
        sfn: SFNClient = client("stepfunctions")
        return respond(hook_event, Workflow.of(sfn, settings))
    except Exception as error:  # a function error would roll ECS back without a reason: answer instead
        logger.exception("The ECS hook could not decide; answering FAILED")
        return answer(hook_event, FAILED, f"greenlight's hook could not decide: {type(error).__name__}: {error}")
