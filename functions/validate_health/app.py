"""Validate Health: target health in the GREEN target group and HTTP health through the test listener."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from common.config import HealthConfig
from common.http.client import toward_green
from common.payload.validation import green_of, load, run
from common.runtime.aws import client
from common.runtime.observability import logger, tracer
from validate_health.checks import check_health

NAME = "health"


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    plan, config = load(event, NAME, HealthConfig)
    target = toward_green(plan, config.path)  # the listener's rule routes it to GREEN
    return run(
        NAME,
        config.dry_run,
        lambda: check_health(client("elbv2"), green_of(plan), target.url, config, target.tls, target.headers),
    )
