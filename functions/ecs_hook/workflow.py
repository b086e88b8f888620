"""The validation workflow as the ECS hook sees it: one execution per step of a hook execution, started on the step's
first call, then read on every call."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from common.runtime import outage
from common.runtime.aws_errors import on_aws_side
from common.runtime.names import execution_arn
from common.runtime.observability import logger
from ecs_hook import announce
from ecs_hook.contract import FAILED, IN_PROGRESS, SUCCEEDED, EcsHookEvent, answer
from ecs_hook.steps import Step, execution_name_for

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

    from common.runtime.environment import EcsHookSettings

# Starting the workflow may fail for reasons on AWS's side (throttling, a service fault); the hook answers
# IN_PROGRESS and tries again on ECS's next call, this many calls in all, then follows the outage policy.
MAX_START_ATTEMPTS = 3
ENDED_WITHOUT_VERDICT = {"FAILED", "TIMED_OUT", "ABORTED"}
STILL_RUNNING = {"RUNNING", "PENDING_REDRIVE"}


def _no_events() -> Any:
    return None


@dataclass(frozen=True)
class Workflow:
    sfn: SFNClient
    state_machine_arn: str
    outage_policy: str = "fail"
    callback_delay: int = 15
    events: Callable[[], Any] = field(default=_no_events)  # the EventBridge client, made only when announcing

    @classmethod
    def of(cls, sfn: SFNClient, settings: EcsHookSettings, events: Callable[[], Any] = _no_events) -> Workflow:
        if not settings.state_machine_arn:
            raise ValueError("STATE_MACHINE_ARN is not set: the stack is misconfigured")
        return cls(
            sfn, settings.state_machine_arn, settings.outage_policy, int(settings.callback_delay_seconds), events
        )

    def arn(self, name: str) -> str:
        return execution_arn(self.state_machine_arn, name)


def step_of(event: EcsHookEvent, workflow: Workflow, key: str) -> Step:
    """The step this invocation belongs to. The same executionId with another step key is a new step (ECS reused
    the id), unless the step recorded for it is still under way: ECS calls a hook again only while its answer is
    IN_PROGRESS, and moves on only after a final one; so after an IN_PROGRESS (or while the execution recorded still
    runs) the payload changed within the step, and that step's execution answers, even if it has ended since."""
    entry, fresh = event.mine, execution_name_for(event.execution_id, key)
    if entry.get("step") == key:
        return Step(key, str(entry.get("execution") or fresh), entry)
    previous = entry.get("execution")
    if isinstance(previous, str) and (entry.get("status") == IN_PROGRESS or running(workflow, previous)):
        logger.warning("The payload changed within this step; its execution answers", extra={"step": key})
        return Step(str(entry.get("step")), previous, entry)
    return Step(key, fresh)


def running(workflow: Workflow, name: str) -> bool:
    try:
        return workflow.sfn.describe_execution(executionArn=workflow.arn(name))["status"] in STILL_RUNNING
    except workflow.sfn.exceptions.ExecutionDoesNotExist:
        return False


def judge(event: EcsHookEvent, workflow: Workflow, key: str) -> dict[str, Any]:
    """Answer from the execution of this step, starting it when there is none yet."""
    step = Step(key, execution_name_for(event.execution_id, key))
    try:
        step = step_of(event, workflow, key)
        described = workflow.sfn.describe_execution(executionArn=workflow.arn(step.name))
    except workflow.sfn.exceptions.ExecutionDoesNotExist:
        if step.entry.get("started"):
            return failed(event, workflow, step, f"the validation workflow's execution {step.name} is gone")
        return start(event, workflow, step)
    except (ClientError, BotoCoreError) as error:
        if not on_aws_side(error):
            raise
        logger.warning("Could not read the workflow (on AWS's side); asking ECS to call again")
        reason = f"could not read the workflow: {error}"
        return answer(event, IN_PROGRESS, reason, workflow.callback_delay, entry=step.record())
    return from_execution(event, workflow, described, step)


def failed(event: EcsHookEvent, workflow: Workflow, step: Step | None, reason: str, **changes: Any) -> dict[str, Any]:
    """A FAILED the hook decides itself (no verdict from the workflow): logged, counted and announced."""
    logger.error(f"Answering FAILED: {reason}", extra={"stage": event.lifecycle_stage})
    execution = workflow.arn(step.name) if step else None
    announce.failed(workflow.events, event, reason, execution, start_failed=bool(changes.get("start_attempts")))
    return answer(event, FAILED, reason, entry=step.record(**changes) if step else None)


def start(event: EcsHookEvent, workflow: Workflow, step: Step) -> dict[str, Any]:
    attempts = int(step.entry.get("start_attempts", 0)) + 1
    try:
        workflow.sfn.start_execution(
            stateMachineArn=workflow.state_machine_arn, name=step.name, input=json.dumps(event.workflow_input())
        )
    except workflow.sfn.exceptions.ExecutionAlreadyExists:
        logger.info("Workflow already started for this step", extra={"execution_name": step.name})
    except (ClientError, BotoCoreError) as error:
        return start_failed(event, workflow, step, error, attempts)
    logger.info("Started the validation workflow", extra={"execution_name": step.name, "stage": event.lifecycle_stage})
    reason = f"validating {event.lifecycle_stage} in execution {step.name}"
    return answer(event, IN_PROGRESS, reason, workflow.callback_delay, entry=step.record(started=True))


def start_failed(
    event: EcsHookEvent, workflow: Workflow, step: Step, error: Exception, attempts: int
) -> dict[str, Any]:
    """Retry on ECS's next call while AWS's side may recover, then follow the outage policy (as the CodeDeploy hook)."""
    problem = f"the validation workflow could not start: {outage.problem(error)}"
    if on_aws_side(error) and attempts < MAX_START_ATTEMPTS:
        logger.warning("Could not start the workflow; trying again on ECS's next call", extra={"attempt": attempts})
        return answer(event, IN_PROGRESS, problem, workflow.callback_delay, entry=step.record(start_attempts=attempts))
    if outage.allows(workflow.outage_policy, error):
        logger.warning("Could not start the workflow (on AWS's side); the outage policy allows the deployment")
        announce.outage_allowed(workflow.events, event, workflow.state_machine_arn, problem)
        reason = f"{problem} (the outage policy allows it)"
        return answer(event, SUCCEEDED, reason, entry=step.record(start_attempts=attempts, outage_allowed=True))
    return failed(event, workflow, step, problem, start_attempts=attempts)


def from_execution(event: EcsHookEvent, workflow: Workflow, described: Any, step: Step) -> dict[str, Any]:
    status, name = described["status"], described["name"]
    if status in STILL_RUNNING:
        reason = f"execution {name} is {status}"
        return answer(event, IN_PROGRESS, reason, workflow.callback_delay, entry=step.record(started=True))
    if status in ENDED_WITHOUT_VERDICT:
        return failed(event, workflow, step, f"execution {name} ended {status} without a verdict", started=True)
    verdict, reason = verdict_of(described.get("output"))
    if verdict is None:
        return failed(event, workflow, step, reason, started=True)
    logger.info(f"Verdict {verdict}: {reason}", extra={"verdict": verdict, "stage": event.lifecycle_stage})
    status_now = SUCCEEDED if verdict == "Succeeded" else FAILED
    return answer(event, status_now, reason, entry=step.record(started=True, verdict=verdict))


def verdict_of(output: Any) -> tuple[str | None, str]:
    """The verdict report's verdict and reason; None when the output is not a verdict report (saying so)."""
    try:
        report = json.loads(output) if isinstance(output, str) else None
    except ValueError:
        report = None
    if not isinstance(report, dict) or report.get("verdict") not in ("Succeeded", "Failed"):
        return None, "the workflow ended without a verdict report in its output"
    return str(report["verdict"]), str(report.get("reason", ""))
