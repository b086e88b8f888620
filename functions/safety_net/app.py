"""Safety net: a workflow that ended FAILED, TIMED_OUT or ABORTED reports `Failed`, so no deployment waits an hour.

When its report is the one CodeDeploy takes, it counts and announces that verdict; when the verdict was already
in (Finalize's, or the workflow's own last-resort callback), it counts that and announces nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from common.aws import client, report_status
from common.models import HookRequest, Verdict, VerdictReport
from common.notifications import announce_verdict
from common.observability import bind_request, count, logger, tracer

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_stepfunctions import SFNClient


def execution_request(detail: dict[str, Any], sfn: SFNClient) -> HookRequest:
    """The execution's input names the hook; EventBridge omits it when large, so fall back to DescribeExecution."""
    raw = detail.get("input")
    if not raw:
        raw = sfn.describe_execution(executionArn=detail["executionArn"])["input"]
    return HookRequest.model_validate(json.loads(raw))


def report_failure(
    event: dict[str, Any], sfn: SFNClient, codedeploy: CodeDeployClient, events: EventBridgeClient
) -> dict[str, str]:
    detail = event.get("detail", {})
    request = execution_request(detail, sfn)
    bind_request(request.deployment_id, request.lifecycle_event_hook_execution_id)
    status = str(detail.get("status"))
    if request.engine == "ecs":
        logger.info("An ECS deployment: the hook's next answer is FAILED; nothing to report", extra={"status": status})
        return {"outcome": "not-codedeploy", "execution_status": status}
    logger.warning(
        "Validation workflow ended without a verdict; reporting Failed",
        extra={"execution_arn": detail.get("executionArn"), "status": status},
    )
    outcome = report_status(codedeploy, request.deployment_id, request.lifecycle_event_hook_execution_id, "Failed")
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


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    return report_failure(event, client("stepfunctions"), client("codedeploy"), client("events"))
