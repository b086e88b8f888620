"""Finalize: decide the verdict, log and measure it, report it to CodeDeploy, return the verdict report."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from common.aws import client, report_status
from common.models import HookRequest, Plan, ValidationResult
from common.observability import bind_request, logger, metrics, tracer
from finalize.report import build_report, collect_results


class CallbackError(Exception):
    """CodeDeploy did not take the status; the state machine retries Finalize (the verdict is recomputed, same)."""


def emit_metrics(report: dict[str, Any], results: list[ValidationResult]) -> None:
    recorder = metrics()
    for result in results:
        logger.info(
            f"{result.name}: {result.status.value}: {result.reason}",
            extra={"validation": result.name, "status": result.status.value, "dry_run": result.dry_run},
        )
        recorder.add_metric(name=f"Validation_{result.status.value}", unit=MetricUnit.Count, value=1)
        recorder.add_metric(name="ValidationDuration", unit=MetricUnit.Milliseconds, value=result.duration_ms)
    recorder.add_metric(name=f"Verdict_{report['verdict']}", unit=MetricUnit.Count, value=1)
    recorder.flush_metrics()


def finalize(event: dict[str, Any], codedeploy: Any) -> dict[str, Any]:
    request = HookRequest.model_validate(event["request"])
    bind_request(request.deployment_id, request.lifecycle_event_hook_execution_id)
    plan = Plan.model_validate(event["plan"]) if event.get("plan") else None
    results = collect_results(event, plan)
    report = build_report(request, plan, results)
    emit_metrics(report, results)
    logger.info(f"Verdict {report['verdict']}: {report['reason']}", extra={"verdict": report["verdict"]})
    try:
        report["callback"] = report_status(
            codedeploy, request.deployment_id, request.lifecycle_event_hook_execution_id, report["verdict"]
        )
    except ClientError as error:
        raise CallbackError(f"PutLifecycleEventHookExecutionStatus failed: {error}") from error
    return report


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return finalize(event, client("codedeploy"))
