"""The verdict rule, over every combination of status, dry-run and inconclusive policy."""

from __future__ import annotations

import itertools

import pytest

from common.config import InconclusivePolicy
from common.payload.models import ValidationResult, ValidationStatus, Verdict
from finalize.verdict import decide

STATUSES = list(ValidationStatus)


def expected_verdict(cases: tuple[tuple[ValidationStatus, bool], ...], policy: InconclusivePolicy) -> Verdict:
    """The rule as the README words it ("How it works"), written independently of the implementation."""
    for status, dry_run in cases:
        if dry_run or status in (ValidationStatus.PASSED, ValidationStatus.SKIPPED):
            continue
        if status is ValidationStatus.INCONCLUSIVE and policy is InconclusivePolicy.PASS:
            continue
        return Verdict.FAILED
    return Verdict.SUCCEEDED


CASES = [
    (combo, policy)
    for combo in itertools.product(itertools.product(STATUSES, [False, True]), repeat=2)
    for policy in InconclusivePolicy
]


@pytest.mark.parametrize(("cases", "policy"), CASES)
def test_verdict_table(cases: tuple[tuple[ValidationStatus, bool], ...], policy: InconclusivePolicy) -> None:
    # GIVEN two validation results with any status and dry-run flag
    results = [ValidationResult(name=f"v{i}", status=s, reason="r", dry_run=d) for i, (s, d) in enumerate(cases)]
    # WHEN the verdict is decided
    verdict, reason = decide(results, policy)
    # THEN it follows the rule, and a failure names what blocked it
    assert verdict is expected_verdict(cases, policy)
    if verdict is Verdict.FAILED:
        assert reason.startswith("Blocked by")


def test_table_covers_every_status_dry_run_and_policy() -> None:
    seen = {(s, d, p) for cases, p in CASES for s, d in cases}
    assert len(seen) == len(STATUSES) * 2 * len(InconclusivePolicy)


def test_dry_run_failure_never_fails_the_deployment() -> None:
    results = [ValidationResult(name="metrics", status=ValidationStatus.FAILED, reason="5xx", dry_run=True)]
    assert decide(results)[0] is Verdict.SUCCEEDED


def test_inconclusive_fails_by_default_and_reason_names_it() -> None:
    results = [ValidationResult(name="metrics", status=ValidationStatus.INCONCLUSIVE, reason="no traffic")]
    verdict, reason = decide(results)
    assert verdict is Verdict.FAILED
    assert "metrics (inconclusive: no traffic)" in reason


def test_nothing_planned_succeeds_and_says_so() -> None:
    results = [ValidationResult(name="health", status=ValidationStatus.SKIPPED, reason="not planned")]
    assert decide(results) == (Verdict.SUCCEEDED, "No validation was planned for this lifecycle event.")


def test_a_dry_run_only_verdict_says_what_would_have_blocked() -> None:
    """Rolling out in dry-run: the reason says what ran, and what would have failed, not that nothing was planned."""
    results = [
        ValidationResult(name="health", status=ValidationStatus.PASSED, reason="ok", dry_run=True),
        ValidationResult(name="metrics", status=ValidationStatus.FAILED, reason="5xx", dry_run=True),
    ]
    assert decide(results) == (Verdict.SUCCEEDED, "Dry run only, nothing counted: health (passed), metrics (failed).")
