"""Finalize: decide the verdict, log and measure it, report it to CodeDeploy, return the verdict report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from common.aws import client, report_status
from common.models import FinalizeInput, ValidationResult, VerdictReport
from common.observability import METRICS_NAMESPACE, SERVICE, bind_request, logger, metrics, tracer
from finalize.report import build_report, collect_results

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient


class CallbackError(Exception):
    """CodeDeploy did not take the status; the state machine retries Finalize (the verdict is recomputed, same)."""


def log_results(results: list[ValidationResult]) -> None:
    for result in results:
        logger.info(
            f"{result.name}: {result.status.value}: {result.reason}",
            extra={"validation": result.name, "status": result.status.value, "dry_run": result.dry_run},
        )


def emit_metrics(verdict: str, results: list[ValidationResult]) -> None:
    """Outcome and duration per validation (dimension `Validation`), and the verdict."""
    for result in results:
        dimensions = {"service": SERVICE, "Validation": result.name}
        for name, unit, value in (
            (f"Validation_{result.status.value}", MetricUnit.Count, 1.0),
            ("ValidationDuration", MetricUnit.Milliseconds, float(result.duration_ms)),
        ):
            with single_metric(name, unit, value, namespace=METRICS_NAMESPACE, default_dimensions=dimensions):
                pass
    recorder = metrics()
    recorder.add_metric(name=f"Verdict_{verdict}", unit=MetricUnit.Count, value=1)
    recorder.flush_metrics()


def finalize(event: dict[str, Any], codedeploy: CodeDeployClient) -> VerdictReport:
    given = FinalizeInput.model_validate(event)
    request = given.request
    bind_request(request.deployment_id, request.lifecycle_event_hook_execution_id)
    results = collect_results(given)
    report = build_report(given, results)
    log_results(results)
    logger.info(f"Verdict {report.verdict.value}: {report.reason}", extra={"verdict": report.verdict.value})
    try:
        report.callback = report_status(
            codedeploy, request.deployment_id, request.lifecycle_event_hook_execution_id, report.verdict.value
        )
    except ClientError as error:
        raise CallbackError(f"PutLifecycleEventHookExecutionStatus failed: {error}") from error
    # Only once the verdict is delivered: a retried Finalize must not count the same verdict twice.
    emit_metrics(report.verdict.value, results)
    return report


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return finalize(event, client("codedeploy")).model_dump(mode="json")
