"""One custom check, run: the document built from the plan, sent to a webhook or a function, the answer judged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from common.config import CheckConfig, LambdaCheck, WebhookCheck
from common.config.sections.checks import CHECK_FUNCTION_PREFIX_CONTEXT
from common.payload.check_contract import CheckRequest, Green, TargetGroupRef
from common.payload.models import Plan, PlannedCheck, TargetGroup, utcnow
from common.payload.validation import Outcome
from common.secrets.values import SecretResolver
from custom_checks.answer import judge
from custom_checks.invoke import invoke_check, lambda_client
from custom_checks.webhook import call_webhook


class UnknownCheckError(Exception):
    """The Map gave a check the plan's config does not have (a plan and a Map item that disagree)."""


def find_check(plan: Plan, item: PlannedCheck, check_function_prefix: str) -> CheckConfig:
    """The check as the plan's config gives it, validated as Prepare validated it."""
    section, model = ("webhooks", WebhookCheck) if item.kind == "webhook" else ("lambda_checks", LambdaCheck)
    for given in plan.config.get(section, []):
        if isinstance(given, dict) and given.get("name") == item.name:
            context = {CHECK_FUNCTION_PREFIX_CONTEXT: check_function_prefix}
            return model.model_validate(given, context=context)
    raise UnknownCheckError(f"the plan's config has no {section} entry named {item.name}")


def _target_group(group: TargetGroup | None) -> TargetGroupRef | None:
    return TargetGroupRef(name=group.name, arn=group.arn, dimension=group.dimension) if group else None


def request_for(plan: Plan, check: CheckConfig, deadline: datetime) -> CheckRequest:
    """The document the check receives: the deployment, the stage, and how to reach GREEN as greenlight does."""
    green = Green(
        test_url=plan.test_url,
        server_name=plan.server_name,
        headers=plan.test_request.all_headers(),
        query=plan.test_request.query,
        target_group=_target_group(plan.green),
    )
    return CheckRequest(
        check=check.name,
        dry_run=check.dry_run,
        deployment_id=plan.request.deployment_id,
        lifecycle_event_hook_execution_id=plan.request.lifecycle_event_hook_execution_id,
        engine=plan.engine,
        lifecycle_event=plan.lifecycle_event,
        stage=plan.stage,
        application=plan.application_name,
        group=plan.deployment_group_name,
        green=green,
        blue_target_group=_target_group(plan.blue),
        deadline=deadline,
    )


def run_check(
    plan: Plan,
    check: CheckConfig,
    resolve: SecretResolver,
    lambda_client_for: Callable[[], Any] = lambda_client,
    now: Callable[[], datetime] = utcnow,
) -> Outcome:
    """Send the document, wait at most the check's deadline, judge what came back."""
    document = request_for(plan, check, now() + timedelta(seconds=check.timeout_seconds)).model_dump(mode="json")
    expected: dict[str, Any] = {"timeout_seconds": check.timeout_seconds}
    if isinstance(check, WebhookCheck):
        reply = call_webhook(check, document, resolve)
        expected["url"] = check.url
    elif isinstance(check, LambdaCheck):
        reply = invoke_check(lambda_client_for(), check, document)
        expected["function"] = check.function
    else:  # pragma: no cover - the config has two kinds of check
        raise TypeError(type(check).__name__)
    return judge(check, reply, expected)
