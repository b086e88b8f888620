"""What Prepare plans besides the built-in validations: the custom checks, and a plan small enough to carry."""

from __future__ import annotations

from common.config import GreenlightConfig, WebhookCheck
from common.payload.limits import PLAN_BUDGET_BYTES, size
from common.payload.models import Plan, PlannedCheck
from prepare.discovery import Discovery
from prepare.ecs_stages import runs_at


def planned_checks(found: Discovery, config: GreenlightConfig) -> list[PlannedCheck]:
    """Each custom check, with whether it runs at this event as a validation would (the `Run Custom Checks` Map's
    items)."""
    stage = getattr(found, "stage", None)

    def runs_here(events: list[str]) -> bool:
        return runs_at(events, found.lifecycle_event, stage) and found.green is not None

    return [
        PlannedCheck(
            name=check.name,
            kind="webhook" if isinstance(check, WebhookCheck) else "lambda",
            planned=check.enabled and runs_here(list[str](check.lifecycle_events)),
            enabled=check.enabled,
            dry_run=check.dry_run,
        )
        for check in config.checks()
    ]


def plan_too_large(plan: Plan) -> str | None:
    """Every state's payload holds the plan: past its budget, a clear refusal now rather than a data limit later."""
    plan_size = size(plan.model_dump(mode="json"))
    if plan_size <= PLAN_BUDGET_BYTES:
        return None
    return (
        f"the plan is {plan_size} bytes, over the {PLAN_BUDGET_BYTES} greenlight allows so that every state's payload "
        "stays far below Step Functions' 256 KiB; shorten the config (synthetic request bodies, expectations)"
    )
