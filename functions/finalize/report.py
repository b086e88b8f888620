"""Turn the results into a verdict and the report a person reads when a deployment is stopped."""

from __future__ import annotations

from typing import Any

from common.config import InconclusivePolicy
from common.models import HookRequest, Plan, ValidationResult, ValidationStatus, utcnow
from common.verdict import decide


def collect_results(event: dict[str, Any], plan: Plan | None) -> list[ValidationResult]:
    """The branch results, an `error` result for a failed state, and a line for each planned check cut short."""
    results = [ValidationResult.model_validate(result) for result in event.get("results") or []]
    problem = event.get("problem")
    if problem:
        reason = f"The {problem.get('state')} step failed: {problem.get('error')}: {problem.get('cause')}"
        results.append(
            ValidationResult(
                name=str(problem.get("state", "workflow")).lower(), status=ValidationStatus.ERROR, reason=reason
            )
        )
    for result in results:
        section = plan.config.get(result.name) if plan else None
        if result.status is ValidationStatus.SKIPPED and isinstance(section, dict) and section.get("enabled") is False:
            result.reason = "Disabled in the config."
    seen = {result.name for result in results}
    for name, planned in (plan.planned if plan else {}).items():
        if planned and name not in seen and not problem:
            reason = "Not finished: fail_fast ended the run when another validation failed."
            results.append(ValidationResult(name=name, status=ValidationStatus.SKIPPED, reason=reason))
    return results


def build_report(request: HookRequest, plan: Plan | None, results: list[ValidationResult]) -> dict[str, Any]:
    policy = InconclusivePolicy(plan.config.get("inconclusive_policy", "fail")) if plan else InconclusivePolicy.FAIL
    verdict, reason = decide(results, policy)
    report: dict[str, Any] = {
        "verdict": verdict.value,
        "reason": reason,
        "deployment_id": request.deployment_id,
        "lifecycle_event_hook_execution_id": request.lifecycle_event_hook_execution_id,
        "inconclusive_policy": policy.value,
        "validations": [result.model_dump(mode="json") for result in results],
        "decided_at": utcnow().isoformat(),
    }
    if plan is not None:
        report |= {
            "lifecycle_event": plan.lifecycle_event,
            "application_name": plan.application_name,
            "deployment_group_name": plan.deployment_group_name,
            "test_url": plan.test_url,
            "green_target_group": plan.green.name,
            "config_source": plan.config_source,
        }
    return report
