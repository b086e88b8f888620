"""Validate Health: target health in the GREEN target group and HTTP health through the test listener."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from yarl import URL

from common.aws import client
from common.config import HealthConfig
from common.http import tls_target
from common.observability import logger, tracer
from common.validation import green_of, load, run
from validate_health.checks import check_health

NAME = "health"


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    plan, config = load(event, NAME, HealthConfig)
    url = plan.test_url.rstrip("/") + config.path
    if plan.test_request.query:
        url = str(URL(url).update_query(plan.test_request.query))
    headers = plan.test_request.all_headers()  # what the listener rule needs to send the probe to GREEN
    tls = tls_target(plan)
    return run(NAME, config.dry_run, lambda: check_health(client("elbv2"), green_of(plan), url, config, tls, headers))
