"""Amazon ECS pause hook: an EventBridge rule delivers `HOOK_AWAITING_ACTION`; start the validation workflow once per
hookId, for the services that ask for it. Nothing else: Finalize answers ECS (ContinueServiceDeployment).

A function rather than the rule targeting the state machine: a rule's Step Functions target cannot name the execution
(AWS::Events::Rule's Target has no such parameter), so a repeated event would start a second workflow. Here the
execution is named from the hookId (a repeated event starts nothing new), the opt-in tag is read, and a start that
fails is answered as the outage policy says instead of leaving ECS to its timeout. Only when no workflow has this name:
EventBridge delivers at least once, and a repeated event whose start fails (throttled) must not answer a hook the
first event's workflow is still judging (ROLLBACK of a release it may pass, or under `allow`, CONTINUE of one it may
fail).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from common.ecs.pause_hook import NotAPauseHookEventError, PauseHookEvent, workflow_input
from common.runtime.environment import HookSettings
from common.runtime.names import execution_arn, execution_name
from common.runtime.observability import bind_request, count, logger
from common.runtime.outcomes import HookOutcome
from ecs_pause.gate import NotGatedError, check
from ecs_pause.outage import start_failed

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_stepfunctions import SFNClient

# A start that fails is answered at once as the outage policy says; for an endpoint that hangs that holds only if every
# AWS call one invocation makes (at most MAX_AWS_CALLS: ListTagsForResource, DescribeServiceDeployments, StartExecution,
# DescribeExecution, ContinueServiceDeployment, DescribeServiceDeployments again on a refusal, PutEvents), each at its
# worst, ends before the function's Timeout (template.yaml; a test checks). Otherwise the function times out, Lambda
# retries it, and ECS waits out the hook's timeout instead.
PAUSE_CLIENT_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=2, read_timeout=5)
MAX_AWS_CALLS = 7


@cache
def client(service: str) -> Any:
    """One client per service and execution environment, with the front door's short timeouts."""
    return boto3.client(service, config=PAUSE_CLIENT_CONFIG)  # type: ignore[call-overload]


def start(
    sfn: SFNClient,
    ecs: ECSClient,
    event: PauseHookEvent,
    settings: HookSettings,
    events: Callable[[], Any],
) -> HookOutcome:
    try:
        deployment = check(ecs, event)
    except NotGatedError as why:
        if not why.left_alone:
            logger.info(f"Not answered by greenlight: {why}", extra={"stage": event.stage})
            return "not-gated"
        why_text = f"{why}; ECS waits out the hook's timeout"
        logger.warning(f"Not answered by greenlight: {why_text}", extra={"stage": event.stage})
        count("PauseHookLeftAlone")
        return "not-gated"
    name = execution_name(event.hook_id)
    try:
        if not settings.state_machine_arn:
            raise ValueError("STATE_MACHINE_ARN is not set: the stack is misconfigured")
        payload = json.dumps(workflow_input(event, deployment))
        sfn.start_execution(stateMachineArn=settings.state_machine_arn, name=name, input=payload)
    except sfn.exceptions.ExecutionAlreadyExists:
        logger.info("Workflow already started for this pause hook")
        return "already-started"
    except Exception as error:
        if _under_way(sfn, settings.state_machine_arn, name):
            logger.warning("The start failed, but this pause hook's workflow exists: it answers ECS", exc_info=True)
            return "already-started"
        return start_failed(error, ecs, events, settings.state_machine_arn, event, settings.outage_policy)
    logger.info("Started the validation workflow", extra={"execution_name": name, "stage": event.stage})
    return "started"


def _under_way(sfn: SFNClient, state_machine_arn: str, name: str) -> bool:
    """Whether an execution of this name exists (running, or ended: its Finalize or the safety net answers ECS). Not
    known (Step Functions failing to describe it too) counts as no: the outage policy then answers, as before."""
    try:
        sfn.describe_execution(executionArn=execution_arn(state_machine_arn, name))
    except Exception as error:  # ExecutionDoesNotExist, or not known
        logger.info("No workflow of this pause hook found", extra={"problem": f"{type(error).__name__}: {error}"})
        return False
    return True


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, HookOutcome]:
    try:
        pause = PauseHookEvent.parse(event)
    except NotAPauseHookEventError as error:
        logger.error("Not a pause hook awaiting action; ignored", extra={"problem": str(error)})
        return {"outcome": "ignored"}
    bind_request(pause.deployment_arn, pause.hook_id)
    # An error reading AWS, or both the start and the answer failing, propagates on purpose: EventBridge invokes
    # the function asynchronously, so Lambda retries the event (and ECS's timeout action stands behind it).
    outcome = start(
        client("stepfunctions"), client("ecs"), pause, HookSettings.from_environment(), lambda: client("events")
    )
    return {"outcome": outcome}
