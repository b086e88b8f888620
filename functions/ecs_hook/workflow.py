"""The validation workflow as the ECS hook sees it: started once per hook execution, then read on every call."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from common.aws_errors import on_aws_side
from common.names import execution_name
from common.observability import logger
from common.outcomes import OUTAGE_POLICIES
from ecs_hook.contract import FAILED, IN_PROGRESS, SUCCEEDED, EcsHookEvent, answer

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

    from common.settings import EcsHookSettings

# Starting the workflow may fail for reasons on AWS's side (throttling, a service fault); the hook answers
# IN_PROGRESS and tries again on ECS's next call, this many calls in all, then follows the outage policy.
MAX_START_ATTEMPTS = 3
ENDED_WITHOUT_VERDICT = {"FAILED", "TIMED_OUT", "ABORTED"}
STILL_RUNNING = {"RUNNING", "PENDING_REDRIVE"}


def execution_arn(state_machine_arn: str, name: str) -> str:
    """arn:...:stateMachine:<name>[:<alias or version>] -> arn:...:execution:<name>:<execution name>.

    An execution started through an alias or a version is named after the state machine itself.
    """
    parts = state_machine_arn.split(":")
    if len(parts) < 7 or parts[5] != "stateMachine":
        raise ValueError(f"STATE_MACHINE_ARN {state_machine_arn!r} is not a state machine ARN")
    return ":".join([*parts[:5], "execution", parts[6], name])


@dataclass(frozen=True)
class Workflow:
    sfn: SFNClient
    state_machine_arn: str
    outage_policy: str = "fail"
    callback_delay: int = 15

    @classmethod
    def of(cls, sfn: SFNClient, settings: EcsHookSettings) -> Workflow:
        if not settings.state_machine_arn:
            raise ValueError("STATE_MACHINE_ARN is not set: the stack is misconfigured")
        return cls(sfn, settings.state_machine_arn, settings.outage_policy, int(settings.callback_delay_seconds))


def judge(event: EcsHookEvent, workflow: Workflow) -> dict[str, Any]:
    """Answer from the execution of this hook execution, starting it when there is none yet."""
    name = execution_name(event.execution_id)
    try:
        described = workflow.sfn.describe_execution(executionArn=execution_arn(workflow.state_machine_arn, name))
    except workflow.sfn.exceptions.ExecutionDoesNotExist:
        if event.mine.get("started"):
            logger.error("The validation workflow's execution is gone", extra={"execution_name": name})
            return answer(event, FAILED, f"the validation workflow's execution {name} is gone")
        return start(event, workflow, name)
    except (ClientError, BotoCoreError) as error:
        if not on_aws_side(error):
            raise
        logger.warning("Could not read the workflow (on AWS's side); asking ECS to call again")
        return answer(event, IN_PROGRESS, f"could not read the workflow: {error}", workflow.callback_delay)
    return from_execution(event, workflow, described)


def start(event: EcsHookEvent, workflow: Workflow, name: str) -> dict[str, Any]:
    attempts = int(event.mine.get("start_attempts", 0)) + 1
    try:
        workflow.sfn.start_execution(
            stateMachineArn=workflow.state_machine_arn, name=name, input=json.dumps(event.workflow_input())
        )
    except workflow.sfn.exceptions.ExecutionAlreadyExists:
        logger.info("Workflow already started for this hook execution", extra={"execution_name": name})
    except (ClientError, BotoCoreError) as error:
        return start_failed(event, workflow, error, attempts)
    logger.info("Started the validation workflow", extra={"execution_name": name, "stage": event.lifecycle_stage})
    reason = f"validating {event.lifecycle_stage} in execution {name}"
    return answer(event, IN_PROGRESS, reason, workflow.callback_delay, started=True, execution=name)


def start_failed(event: EcsHookEvent, workflow: Workflow, error: Exception, attempts: int) -> dict[str, Any]:
    """Retry on ECS's next call while AWS's side may recover, then follow the outage policy (as the CodeDeploy hook)."""
    problem = f"the validation workflow could not start: {type(error).__name__}: {error}"
    transient = on_aws_side(error)
    if transient and attempts < MAX_START_ATTEMPTS:
        logger.warning("Could not start the workflow; trying again on ECS's next call", extra={"attempt": attempts})
        return answer(event, IN_PROGRESS, problem, workflow.callback_delay, start_attempts=attempts)
    if workflow.outage_policy not in OUTAGE_POLICIES:
        logger.error("Unknown OUTAGE_POLICY; treated as fail", extra={"outage_policy": workflow.outage_policy})
    if transient and workflow.outage_policy == "allow":
        logger.warning("Could not start the workflow (on AWS's side); the outage policy allows the deployment")
        return answer(event, SUCCEEDED, f"{problem} (the outage policy allows it)", start_attempts=attempts)
    logger.error("Could not start the validation workflow; answering FAILED", extra={"problem": problem})
    return answer(event, FAILED, problem, start_attempts=attempts)


def from_execution(event: EcsHookEvent, workflow: Workflow, described: Any) -> dict[str, Any]:
    status, name = described["status"], described["name"]
    if status in STILL_RUNNING:
        return answer(event, IN_PROGRESS, f"execution {name} is {status}", workflow.callback_delay, started=True)
    if status in ENDED_WITHOUT_VERDICT:
        logger.error("The validation workflow ended without a verdict", extra={"status": status})
        return answer(event, FAILED, f"execution {name} ended {status} without a verdict", started=True)
    verdict, reason = verdict_of(described.get("output"))
    logger.info(f"Verdict {verdict}: {reason}", extra={"verdict": verdict, "stage": event.lifecycle_stage})
    return answer(event, SUCCEEDED if verdict == "Succeeded" else FAILED, reason, started=True, verdict=verdict)


def verdict_of(output: Any) -> tuple[str, str]:
    """The verdict report's verdict and reason; an output that is not one is a Failed verdict saying so."""
    try:
        report = json.loads(output) if isinstance(output, str) else None
    except ValueError:
        report = None
    if not isinstance(report, dict) or report.get("verdict") not in ("Succeeded", "Failed"):
        return "Failed", "the workflow ended without a verdict report in its output"
    return str(report["verdict"]), str(report.get("reason", ""))
