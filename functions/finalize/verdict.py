"""The verdict rule: `Succeeded` only when every counted validation passed.

A validation counts unless it is dry-run or skipped. `inconclusive` follows the config's policy.
"""

from __future__ import annotations

from collections.abc import Iterable

from common.config import InconclusivePolicy
from common.payload.models import ValidationResult, ValidationStatus, Verdict


def counts(result: ValidationResult) -> bool:
    return not result.dry_run and result.status is not ValidationStatus.SKIPPED


def blocks(result: ValidationResult, inconclusive_policy: InconclusivePolicy) -> bool:
    """True when this result alone is enough to fail the deployment."""
    if not counts(result) or result.status is ValidationStatus.PASSED:
        return False
    if result.status is ValidationStatus.INCONCLUSIVE:
        return inconclusive_policy is InconclusivePolicy.FAIL
    return True


def decide(
    results: Iterable[ValidationResult], inconclusive_policy: InconclusivePolicy = InconclusivePolicy.FAIL
) -> tuple[Verdict, str]:
    """Return the verdict and one sentence that says why."""
    results = list(results)
    blocking = [result for result in results if blocks(result, inconclusive_policy)]
    if blocking:
        names = ", ".join(f"{result.name} ({result.status.value}: {result.reason})" for result in blocking)
        return Verdict.FAILED, f"Blocked by {names}"
    counted = [result for result in results if counts(result)]
    if not counted:
        dry = [
            f"{r.name} ({r.status.value})" for r in results if r.dry_run and r.status is not ValidationStatus.SKIPPED
        ]
        if dry:
            return Verdict.SUCCEEDED, f"Dry run only, nothing counted: {', '.join(dry)}."
        return Verdict.SUCCEEDED, "No validation was planned for this lifecycle event."
    passed = ", ".join(result.name for result in counted)
    return Verdict.SUCCEEDED, f"All validations passed: {passed}."
