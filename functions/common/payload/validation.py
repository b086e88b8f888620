"""What every validator shares: read its part of the plan, time the check, and always return a ValidationResult."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from common.payload.limits import VALIDATION_BUDGETS, ResultBudgets, bounded, charts_within_budget, cut_text
from common.payload.models import Plan, TargetGroup, ValidationResult, ValidationStatus, utcnow
from common.runtime.observability import bind_request, logger
from common.secrets.redact import Redactor, in_force

SectionT = TypeVar("SectionT", bound=BaseModel)


@dataclass
class Outcome:
    status: ValidationStatus
    reason: str
    observed: dict[str, Any] = field(default_factory=dict)
    expected: dict[str, Any] = field(default_factory=dict)
    attempts: int = 1
    charts: dict[str, Any] = field(default_factory=dict)  # what the report draws (common.payload.limits bounds it)


def load(event: dict[str, Any], name: str, section_type: type[SectionT]) -> tuple[Plan, SectionT]:
    plan = Plan.model_validate(event["plan"])
    bind_request(plan.request.deployment_id, plan.request.lifecycle_event_hook_execution_id)
    return plan, section_type.model_validate(plan.config[name])


class NoGreenError(Exception):
    """A validation that judges GREEN ran where there is no GREEN task set (Prepare never plans that)."""


def green_of(plan: Plan) -> TargetGroup:
    if plan.green is None:
        raise NoGreenError(f"there is no GREEN task set at {plan.lifecycle_event} to validate")
    return plan.green


def run(
    name: str,
    dry_run: bool,
    check: Callable[[], Outcome],
    redactor: Redactor | None = None,
    budgets: ResultBudgets = VALIDATION_BUDGETS,
) -> dict[str, Any]:
    """Run one check; an exception becomes an `error` result, so a broken check never hides the others.

    `redactor` (common.secrets.redact) is in force while the check runs: the secrets the check registers with it are cut
    from every text it cuts and every line it logs, and from the whole result (reason, observed, expected, charts,
    the log of an exception) before anything is bounded. Then the result is bounded (common.payload.limits, `budgets`):
    however much a check saw, it stays far below Step Functions' limits.
    """
    redactor = Redactor() if redactor is None else redactor
    started_at, started = utcnow(), time.perf_counter()
    with in_force(redactor):
        try:
            outcome = check()
        except Exception as error:
            logger.error("Validation could not run", extra={"validation": name, "exception": traceback.format_exc()})
            outcome = Outcome(
                ValidationStatus.ERROR, f"The check could not run: {type(error).__name__}: {error}", attempts=1
            )
        result = ValidationResult(
            name=name,
            status=outcome.status,
            reason=cut_text(redactor.text(outcome.reason), budgets.reason_characters),
            observed=bounded(redactor.scrub(outcome.observed), budgets.observed_bytes),
            expected=bounded(redactor.scrub(outcome.expected), budgets.expected_bytes),
            charts=charts_within_budget(redactor.scrub(outcome.charts), budgets.charts_bytes),
            attempts=outcome.attempts,
            started_at=started_at,
            duration_ms=int((time.perf_counter() - started) * 1000),
            dry_run=dry_run,
        )
    logger.info(
        "Validation finished", extra={"validation": name, "status": result.status.value, "reason": result.reason}
    )
    return result.model_dump(mode="json")
