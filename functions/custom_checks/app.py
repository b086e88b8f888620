"""Run Check: one custom check of the config (a webhook or a Lambda check), as the `Run Checks` Map hands it over.

Whatever happens, the answer is a ValidationResult named after the check (common.payload.validation.run); what a secret
header held is cut from all of it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from common.payload.limits import CHECK_BUDGETS
from common.payload.models import Plan, PlannedCheck
from common.payload.validation import run
from common.runtime.environment import CustomChecksSettings
from common.runtime.observability import bind_request, logger, tracer
from common.secrets.redact import Redactor
from common.secrets.values import resolver
from custom_checks.checks import find_check, run_check


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    plan = Plan.model_validate(event["plan"])
    item = PlannedCheck.model_validate(event["check"])
    bind_request(plan.request.deployment_id, plan.request.lifecycle_event_hook_execution_id)
    settings = CustomChecksSettings.from_environment()
    # Header secrets are read as synthetic ones are: scoped to this deployment group, cut from all that is reported.
    redactor = Redactor()
    resolve = resolver(plan, settings, redactor)
    return run(
        item.name,
        item.dry_run,
        lambda: run_check(plan, find_check(plan, item, settings.check_function_prefix), resolve),
        redactor,
        budgets=CHECK_BUDGETS,
    )
