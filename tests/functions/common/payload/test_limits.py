"""Every result stays far below Step Functions' limits, however much its check saw; what was cut says so."""

from __future__ import annotations

import json

from common.config.sections.checks import MAX_CHECKS
from common.payload.limits import (
    CHARTS_BUDGET_BYTES,
    CHECK_BUDGETS,
    CHECK_RESULT_BUDGET_BYTES,
    CUT_MARK,
    FAIL_CAUSE_LIMIT_CHARACTERS,
    OBSERVED_BUDGET_BYTES,
    PLAN_BUDGET_BYTES,
    RESULT_BUDGET_BYTES,
    STATE_PAYLOAD_LIMIT_BYTES,
    bounded,
    size,
)
from common.payload.models import ValidationStatus
from common.payload.validation import Outcome, run


def huge_outcome() -> Outcome:
    failures = [{"request": f"#{i}", "problem": "json status = " + repr("x" * 5000)} for i in range(2000)]
    return Outcome(
        ValidationStatus.FAILED,
        "reason " * 10_000,
        observed={"requests": 2000, "first_failures": failures, "body": "y" * 1_000_000},
        expected={"statuses": list(range(10_000))},
    )


def test_a_result_is_bounded_however_much_its_check_saw() -> None:
    result = run("synthetic", False, huge_outcome)
    text = json.dumps(result)
    assert len(text.encode()) <= RESULT_BUDGET_BYTES + 1024
    assert len(text) < FAIL_CAUSE_LIMIT_CHARACTERS  # fail-fast carries it as a Fail state's cause
    assert 10 * len(text.encode()) < STATE_PAYLOAD_LIMIT_BYTES  # Finalize's input holds every result and the plan
    assert result["status"] == "failed" and result["observed"]["requests"] == 2000
    assert "cut" in result["observed"] and result["reason"].endswith("(cut)")


def test_small_values_pass_unchanged() -> None:
    observed = {"p99_ms": 12.5, "failures_by_kind": {"status 500": 3}}
    assert bounded(observed, 1024) is observed


def test_a_cut_list_says_how_many_it_kept() -> None:
    shrunk = bounded({"items": list(range(1000))}, 400)
    assert size(shrunk) <= 400
    assert shrunk["items"][-1].endswith("kept 20 of 1000") and shrunk["cut"]


def test_a_mapping_of_many_entries_is_cut_and_the_totals_kept() -> None:
    """A scenario of 100 request kinds (a layer past 8 KB holds one) lists each: the list is cut, not the totals."""
    figures = {"answers": 40, "p50_ms": 3.2, "p99_ms": 12.5, "max_p99_ms": 800, "slow": 0, "slow_ratio": 0.0}
    per_request = {f"item {i} of the orders catalogue": dict(figures, max_latency_ms=1000) for i in range(100)}
    assert size(per_request) > OBSERVED_BUDGET_BYTES
    observed = {"requests": 4000, "succeeded": 4000, "success_ratio": 1.0, "per_request": per_request}
    shrunk = bounded(observed, OBSERVED_BUDGET_BYTES)
    assert size(shrunk) <= OBSERVED_BUDGET_BYTES
    assert (shrunk["requests"], shrunk["succeeded"], shrunk["success_ratio"]) == (4000, 4000, 1.0)
    assert shrunk["per_request"][CUT_MARK] == "kept 20 of 100" and len(shrunk["per_request"]) == 21


def test_values_that_cannot_be_shortened_enough_become_a_note() -> None:
    note = bounded({f"key{i}": i for i in range(5000)}, 200)
    assert list(note) == ["cut"] and "bytes of values left out" in note["cut"]


BUILT_IN = ("health", "synthetic", "metrics")


def worst_outcome() -> Outcome:
    """Everything a check could report, in 4-byte characters where that costs most, and chart data at its budget."""
    outcome = huge_outcome()
    outcome.reason = "\U0001f6a8" * 10_000
    outcome.charts = {"latency": "z" * (CHARTS_BUDGET_BYTES - 100)}
    return outcome


def test_finalizes_input_stays_far_below_the_payload_limit_at_every_budget() -> None:
    # GIVEN a plan at Prepare's budget, every validation's result at its budgets, and the most custom checks, each
    # answering as much as it can
    plan = {
        "request": {"deployment_id": "d-WORST", "lifecycle_event_hook_execution_id": "hook"},
        "lifecycle_event": "AfterAllowTestTraffic",
        "application_name": "orders",
        "deployment_group_name": "orders-dg",
        "test_url": "http://lb:8080",
        "config": {"padding": "p" * (PLAN_BUDGET_BYTES - 400)},
    }
    assert PLAN_BUDGET_BYTES - 400 < size(plan) <= PLAN_BUDGET_BYTES
    # (the built-in validations: each one added later may add as much again, about 20 KiB, to this worst case)
    validations = [run(name, False, worst_outcome) for name in BUILT_IN]
    checks = [run(f"check-{i}", True, worst_outcome, budgets=CHECK_BUDGETS) for i in range(MAX_CHECKS)]
    assert max(size(check) for check in checks) <= CHECK_RESULT_BUDGET_BYTES
    # WHEN they reach Finalize, the custom checks' branch giving its list
    given = {"request": plan["request"], "plan": plan, "results": [*validations, checks], "problem": None}
    # THEN Finalize's input, the largest payload of the workflow, stays under 220 KiB of Step Functions' 256 KiB
    assert size(given) < 220 * 1024 < STATE_PAYLOAD_LIMIT_BYTES
