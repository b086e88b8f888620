"""Validate Metrics: CloudWatch thresholds for the GREEN target group, read once the run's traffic is published."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from common.config import MetricsConfig
from common.payload.models import utcnow
from common.payload.validation import green_of, load, run
from common.runtime.aws import client
from common.runtime.observability import logger, tracer
from validate_metrics.checks import check_metrics
from validate_metrics.traffic import of_plan

NAME = "metrics"


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    plan, config = load(event, NAME, MetricsConfig)
    return run(
        NAME,
        config.dry_run,
        lambda: check_metrics(
            client("cloudwatch"), green_of(plan), plan.blue, config, plan.prepared_at, utcnow(), traffic=of_plan(plan)
        ),
    )
