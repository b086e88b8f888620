"""Validate Synthetic: send the scenario through the test listener and judge the answers."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from common.config import HealthConfig, RequestSpec, SyntheticConfig
from common.http.client import tls_target
from common.payload.ecs import TestRequest
from common.payload.validation import load, run
from common.runtime.environment import SyntheticSettings
from common.runtime.observability import logger, tracer
from common.secrets.redact import Redactor
from common.secrets.values import resolver
from validate_synthetic.checks import check_synthetic

NAME = "synthetic"


def through_rule(config: SyntheticConfig, default_path: str, rule: TestRequest) -> SyntheticConfig:
    """Every request also sends what the listener rule's conditions need (an ECS test rule's host, headers, query);
    the rule's host may then be named in a Host header."""
    needed = rule.all_headers()
    if not (needed or rule.query):
        return config
    replaced = {name.lower() for name in needed}
    specs = [
        spec.model_copy(
            update={
                "headers": {k: v for k, v in spec.headers.items() if k.lower() not in replaced} | needed,
                "query": spec.query | rule.query,
            }
        )
        for spec in config.requests or [RequestSpec(path=default_path)]
    ]
    allowed = config.allowed_hosts + ([rule.host] if rule.host else [])
    return config.model_copy(update={"requests": specs, "allowed_hosts": allowed})


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    plan, config = load(event, NAME, SyntheticConfig)
    health_path = HealthConfig.model_validate(plan.config["health"]).path
    config = through_rule(config, health_path, plan.test_request)
    # Each secret is read through a session scoped to this deployment group (common.secrets) and registered as it is
    # read, so whatever the service echoes of it is cut from the result.
    redactor = Redactor()
    resolve = resolver(plan, SyntheticSettings.from_environment(), redactor)
    return run(
        NAME,
        config.dry_run,
        lambda: check_synthetic(plan.test_url, health_path, config, resolve, tls_target(plan), plan.blue_url),
        redactor,
    )
