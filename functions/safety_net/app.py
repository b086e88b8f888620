"""Safety net: a workflow that ended FAILED, TIMED_OUT or ABORTED answers `Failed`, so no deployment waits an hour.

CodeDeploy is told `Failed`; an ECS pause hook `ROLLBACK` (ContinueServiceDeployment); an ECS Lambda hook needs
nothing (its next call reads the failed execution). When its answer is the one taken, it counts and announces that
verdict; when the verdict was already in (Finalize's, the workflow's last resort, a person's, the hook's timeout),
it counts that and announces nothing.

The workflow also invokes it directly as the last resort of a pause hook (`{"last_resort": ...}`: Finalize failed
after its retries): Step Functions' SDK integration for ContinueServiceDeployment cannot be relied on
(docs/ecs.md, "Why not Step Functions' SDK integration for the last resort").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from common.ecs.continuation import ROLLBACK, continue_deployment, summary
from common.payload.ecs import ecs_names
from common.payload.models import HookRequest, PauseAnswer, Verdict, VerdictReport
from common.payload.notifications import announce_verdict
from common.runtime.aws import client, codedeploy_callback
from common.runtime.observability import bind_request, count, logger, tracer
from common.runtime.outcomes import CallbackOutcome

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_stepfunctions import SFNClient


def execution_request(detail: dict[str, Any], sfn: SFNClient) -> HookRequest:
    """The execution's input names the hook; EventBridge omits it when large, so fall back to DescribeExecution."""
    raw = detail.get("input")
    if not raw:
        raw = sfn.describe_execution(executionArn=detail["executionArn"])["input"]
    return HookRequest.model_validate(json.loads(raw))


def roll_back(
    request: HookRequest, ecs: ECSClient, events: EventBridgeClient, why: str, execution_arn: str | None
) -> CallbackOutcome:
    """ROLLBACK for a pause hook whose workflow ended without telling ECS; announced only when ECS took it."""
    result = continue_deployment(ecs, request.deployment_id, request.lifecycle_event_hook_execution_id, ROLLBACK)
    count(f"SafetyNet_{result.outcome}")
    if result.outcome == "reported":
        count("Verdict_Failed")
        cluster, service = ecs_names(request.deployment_id)
        report = VerdictReport(
            verdict=Verdict.FAILED,
            reason=f"{why}; the safety net told ECS ROLLBACK.",
            deployment_id=request.deployment_id,
            lifecycle_event_hook_execution_id=request.lifecycle_event_hook_execution_id,
            application_name=cluster,
            deployment_group_name=service,
            engine="ecs",
            stage=request.ecs.lifecycle_stage if request.ecs else None,
            callback=result.outcome,
            pause_answer=PauseAnswer.model_validate(summary(result)),
        )
        announce_verdict(events, report, "safety-net", execution_arn)
    return result.outcome


def report_failure(
    event: dict[str, Any],
    sfn: SFNClient,
    codedeploy: CodeDeployClient,
    events: EventBridgeClient,
    ecs: Callable[[], Any] = lambda: client("ecs"),
) -> dict[str, str]:
    detail = event.get("detail", {})
    request = execution_request(detail, sfn)
    bind_request(request.deployment_id, request.lifecycle_event_hook_execution_id)
    status = str(detail.get("status"))
    if request.hook_type == "PAUSE":
        logger.warning("Validation workflow ended without a verdict; telling the pause hook ROLLBACK")
        why = f"The validation workflow ended {status} without a verdict"
        outcome = roll_back(request, ecs(), events, why, detail.get("executionArn"))
        return {"outcome": outcome, "execution_status": status}
    if request.engine == "ecs":
        logger.info("An ECS deployment: the hook's next answer is FAILED; nothing to report", extra={"status": status})
        return {"outcome": "not-codedeploy", "execution_status": status}
    logger.warning(
        "Validation workflow ended without a verdict; reporting Failed",
        extra={"execution_arn": detail.get("executionArn"), "status": status},
    )
    outcome = codedeploy_callback(
        codedeploy, request.deployment_id, request.lifecycle_event_hook_execution_id, "Failed"
    )
    count(f"SafetyNet_{outcome}")
    if outcome == "reported":
        count("Verdict_Failed")
        report = VerdictReport(
            verdict=Verdict.FAILED,
            reason=f"The validation workflow ended {status} without a verdict; the safety net reported Failed.",
            deployment_id=request.deployment_id,
            lifecycle_event_hook_execution_id=request.lifecycle_event_hook_execution_id,
        )
        announce_verdict(events, report, "safety-net", detail.get("executionArn"))
    return {"outcome": outcome, "execution_status": status}


def last_resort(given: dict[str, Any], ecs: ECSClient, events: EventBridgeClient) -> dict[str, str]:
    """The workflow's last state for a pause hook when Finalize failed after its retries: tell ECS ROLLBACK now,
    without waiting for the execution's status change to reach the safety net."""
    request = HookRequest.model_validate(given.get("request"))
    bind_request(request.deployment_id, request.lifecycle_event_hook_execution_id)
    error = given.get("error")
    why = f"Finalize failed ({error.get('Error') if isinstance(error, dict) else 'unknown error'})"
    logger.warning("Finalize failed; the workflow's last resort tells the pause hook ROLLBACK", extra={"why": why})
    return {"outcome": roll_back(request, ecs, events, why, given.get("execution_arn")), "execution_status": "RUNNING"}


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    if isinstance(event.get("last_resort"), dict):
        return last_resort(event["last_resort"], client("ecs"), client("events"))
    return report_failure(event, client("stepfunctions"), client("codedeploy"), client("events"))
