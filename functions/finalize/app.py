"""Finalize: decide the verdict, apply a bypass in force, report it to CodeDeploy or to an ECS pause hook
(ContinueServiceDeployment; an ECS Lambda hook reads it from the output), then log, measure and announce it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from common.payload.models import FinalizeInput, ValidationResult, VerdictReport, utcnow
from common.payload.notifications import announce_verdict
from common.runtime.aws import client, codedeploy_callback
from common.runtime.environment import FinalizeSettings
from common.runtime.observability import METRICS_NAMESPACE, SERVICE, bind_request, count, logger, metrics, tracer
from finalize import bypassing, pause
from finalize.verdict_report import build_report, collect_results

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_ssm import SSMClient


class CallbackError(Exception):
    """CodeDeploy (or ECS, for a pause hook) did not take the verdict; the state machine retries Finalize (the verdict
    is recomputed, the same)."""


@dataclass
class Services:
    """What Finalize talks to, and its clock (tests pass their own)."""

    codedeploy: CodeDeployClient
    events: EventBridgeClient
    ssm: SSMClient
    config_parameter_prefix: str = "/greenlight"
    now: Callable[[], datetime] = utcnow
    ecs: ECSClient | None = None  # an ECS pause hook's answer goes through it


def log_results(results: list[ValidationResult]) -> None:
    for result in results:
        logger.info(
            f"{result.name}: {result.status.value}: {result.reason}",
            extra={"validation": result.name, "status": result.status.value, "dry_run": result.dry_run},
        )


def emit_metrics(report: VerdictReport, results: list[ValidationResult]) -> None:
    """Outcome and duration per validation (dimension `Validation`), the verdict, and a bypass in force."""
    for result in results:
        dimensions = {"service": SERVICE, "Validation": result.name}
        for name, unit, value in (
            (f"Validation_{result.status.value}", MetricUnit.Count, 1.0),
            ("ValidationDuration", MetricUnit.Milliseconds, float(result.duration_ms)),
        ):
            with single_metric(name, unit, value, namespace=METRICS_NAMESPACE, default_dimensions=dimensions):
                pass
    if report.bypass is not None:
        count("Bypassed")
    recorder = metrics()
    recorder.add_metric(name=f"Verdict_{report.verdict.value}", unit=MetricUnit.Count, value=1)
    recorder.flush_metrics()


def finalize(event: dict[str, Any], services: Services) -> VerdictReport:
    given = FinalizeInput.model_validate(event)
    request = given.request
    bind_request(request.deployment_id, request.lifecycle_event_hook_execution_id)
    results = collect_results(given)
    report = build_report(given, results)
    prefix = services.config_parameter_prefix
    bypassing.apply(report, *bypassing.find(given, services.codedeploy, services.ssm, prefix, services.now()))
    log_results(results)
    logger.info(f"Verdict {report.verdict.value}: {report.reason}", extra={"verdict": report.verdict.value})
    if request.engine == "ecs" and request.hook_type != "PAUSE":
        # ECS reads the verdict from the execution's output, through the hook's next answer: nobody is called.
        announce_verdict(services.events, report, "finalize", given.execution_arn)
        emit_metrics(report, results)
        return report
    try:
        if request.hook_type == "PAUSE":
            pause.answer(services.ecs or client("ecs"), report)
        else:
            report.callback = codedeploy_callback(
                services.codedeploy,
                request.deployment_id,
                request.lifecycle_event_hook_execution_id,
                report.verdict.value,
            )
    except (ClientError, BotoCoreError) as error:
        called = "ContinueServiceDeployment" if request.hook_type == "PAUSE" else "PutLifecycleEventHookExecutionStatus"
        raise CallbackError(f"{called} failed: {error}") from error
    # Only the attempt that delivered the verdict counts and announces it: a retried Finalize, or one that finds
    # a verdict already in (a person's, another run's), must not count or announce the same deployment twice.
    if report.callback == "reported":
        announce_verdict(services.events, report, "finalize", given.execution_arn)
        emit_metrics(report, results)
    return report


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = FinalizeSettings.from_environment()
    services = Services(
        client("codedeploy"), client("events"), client("ssm"), settings.config_parameter_prefix, ecs=client("ecs")
    )
    return finalize(event, services).model_dump(mode="json")
