"""Amazon ECS lifecycle hook: start the validation workflow on the first call of each step, then answer from its state.

ECS calls again after `callBackDelay` while the answer is IN_PROGRESS. Every path ends in a valid `hookStatus`:
never a function error (ECS would roll back for the wrong reason), never a blocked rollback, and never SUCCEEDED for
an invocation greenlight could not classify as a rollback or judge.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from common.ecs.deployment import ServiceDeploymentView, describe
from common.runtime.environment import EcsHookSettings
from common.runtime.observability import bind_request, logger
from ecs_hook.contract import FAILED, IN_PROGRESS, SUCCEEDED, EcsHookEvent, InvalidHookEventError, answer
from ecs_hook.direction import DeploymentUnknownError, DeploymentUnreadableError, direction, read
from ecs_hook.steps import needs_requested_weight, step_key
from ecs_hook.workflow import Workflow, failed, judge

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

# ECS rolls the deployment back when this function fails, a timeout included, whatever the outage policy says. So
# every AWS call one invocation makes (at most MAX_AWS_CALLS: DescribeServiceDeployments, DescribeExecution twice,
# StartExecution, PutEvents), each at its worst, ends well before the function's Timeout (template.yaml; a test
# checks). A call that still times out is on AWS's side: answered IN_PROGRESS, or as the outage policy says.
HOOK_CLIENT_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=2, read_timeout=5)
MAX_AWS_CALLS = 5


@cache
def client(service: str) -> Any:
    """One client per service and execution environment, with the hook's short timeouts."""
    return boto3.client(service, config=HOOK_CLIENT_CONFIG)  # type: ignore[call-overload]


def respond(event: EcsHookEvent, workflow: Workflow, deployment: Callable[[], ServiceDeploymentView]) -> dict[str, Any]:
    """`deployment()` reads the service deployment from ECS; it is called only where the payload does not settle
    whether ECS is rolling back, or which production step this is."""
    try:
        requested = read(deployment).requested_production_weight if needs_requested_weight(event) else None
        key = step_key(event, requested)
        if not (event.mine.get("step") == key and event.mine.get("started")):  # a step not yet under way
            way = direction(event, deployment)
            if way.kind == "rollback":
                logger.info("ECS is rolling back; greenlight never blocks a rollback", extra={"reason": way.reason})
                return answer(event, SUCCEEDED, way.reason)
            if way.kind == "unknown":
                return failed(event, workflow, None, way.reason)
    except DeploymentUnreadableError as error:
        logger.warning("Could not read the service deployment (on AWS's side); asking ECS to call again")
        return answer(event, IN_PROGRESS, f"could not read the service deployment: {error}", workflow.callback_delay)
    except DeploymentUnknownError as error:
        return failed(event, workflow, None, f"cannot tell which step of the deployment this is: {error}")
    return judge(event, workflow, key)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        hook_event = EcsHookEvent.parse(event)
    except InvalidHookEventError as error:
        logger.error("Not an Amazon ECS lifecycle hook event; answering FAILED", extra={"problem": str(error)})
        return answer(None, FAILED, f"not an Amazon ECS lifecycle hook event: {error}")
    bind_request(hook_event.resource_arn, hook_event.execution_id)
    events = cache(lambda: client("events"))
    try:
        settings = EcsHookSettings.from_environment()
        sfn: SFNClient = client("stepfunctions")
        deployment = cache(lambda: describe(client("ecs"), hook_event.resource_arn))
        return respond(hook_event, Workflow.of(sfn, settings, events), deployment)
    except Exception as error:  # a function error would roll ECS back without a reason: answer instead
        logger.exception("The ECS hook could not decide; answering FAILED")
        reason = f"greenlight's hook could not decide: {type(error).__name__}: {error}"
        bare = Workflow(sfn=None, state_machine_arn="", events=events)  # type: ignore[arg-type]
        return failed(hook_event, bare, None, reason)
