"""Turn the results into a verdict and the report a person reads when a deployment is stopped."""

from __future__ import annotations

from common.config import InconclusivePolicy
from common.payload.models import FinalizeInput, Plan, ValidationResult, ValidationStatus, VerdictReport
from finalize.verdict import decide

CUT_SHORT = "Not finished: fail_fast ended the run when another validation failed."
DISABLED = "Disabled in the config."


def collect_results(given: FinalizeInput) -> list[ValidationResult]:
    """The branch results, an `error` result for a failed state, and a line for each planned check cut short."""
    results = list(given.results or [])
    problem, plan = given.problem, given.plan
    if problem:
        reason = f"The {problem.state} step failed: {problem.error}: {problem.cause}"
        results.append(ValidationResult(name=problem.state.lower(), status=ValidationStatus.ERROR, reason=reason))
    for result in results:
        if result.status is ValidationStatus.SKIPPED and _disabled(plan, result.name):
            result.reason = DISABLED
    seen = {result.name for result in results}
    for name, planned in (plan.planned if plan else {}).items():
        if planned and name not in seen and not problem:
            results.append(ValidationResult(name=name, status=ValidationStatus.SKIPPED, reason=CUT_SHORT))
    for check in plan.checks if plan else []:
        if check.planned and check.name not in seen and not problem:
            cut = ValidationResult(name=check.name, status=ValidationStatus.SKIPPED, reason=CUT_SHORT)
            results.append(cut.model_copy(update={"dry_run": check.dry_run}))
    return results


def _disabled(plan: Plan | None, name: str) -> bool:
    if plan is not None and any(check.name == name and not check.enabled for check in plan.checks):
        return True
    section = plan.config.get(name) if plan else None
    return isinstance(section, dict) and section.get("enabled") is False


def build_report(given: FinalizeInput, results: list[ValidationResult]) -> VerdictReport:
    plan = given.plan
    policy = InconclusivePolicy(plan.config.get("inconclusive_policy", "fail")) if plan else InconclusivePolicy.FAIL
    verdict, reason = decide(results, policy)
    report = VerdictReport(
        verdict=verdict,
        reason=reason,
        deployment_id=given.request.deployment_id,
        lifecycle_event_hook_execution_id=given.request.lifecycle_event_hook_execution_id,
        inconclusive_policy=policy.value,
        validations=results,
        engine=given.request.engine,
        stage=plan.stage if plan else given.request.ecs.lifecycle_stage if given.request.ecs else None,
    )
    if plan is not None:
        report.lifecycle_event = plan.lifecycle_event
        report.application_name = plan.application_name
        report.deployment_group_name = plan.deployment_group_name
        report.test_url = plan.test_url
        report.green_target_group = plan.green.name if plan.green else None
        report.config_source = plan.config_source
    return report
