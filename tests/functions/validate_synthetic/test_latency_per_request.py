"""Latency judged per request kind: one endpoint's tail regressing past its own limit fails the release, whatever
the overall figures say; slow answers are judged apart from the error budget."""

from __future__ import annotations

from common.config import Expectation, SyntheticConfig
from common.payload.models import ValidationStatus
from validate_synthetic.checks import judge
from validate_synthetic.traffic import Sample


def answers(request: str, count: int, latency_ms: float, budget: float | None = None) -> list[Sample]:
    slow = budget is not None and latency_ms > budget
    return [Sample(request, 200, latency_ms + index * 0.001, slow=slow) for index in range(count)]


def scenario(**expect: Expectation) -> dict[str, Expectation]:
    return {"health": Expectation(), **expect}


def test_one_endpoints_tail_past_its_own_p99_limit_fails_naming_it() -> None:
    # GIVEN 100 fast health answers, and list orders with a 10 % tail at 1.5 s against its own max_p99_ms of 800
    samples = answers("health", 300, 5.0) + answers("list orders", 90, 20.0) + answers("list orders", 10, 1500.0)
    expectations = scenario(**{"list orders": Expectation(max_p99_ms=800)})
    # WHEN the overall p99 limit is loose enough to pass
    outcome = judge(samples, SyntheticConfig(total_requests=1, max_p99_ms=2000), expectations)
    # THEN the release fails on that endpoint, naming it, its p99 with its unit, and its limit
    assert outcome.status is ValidationStatus.FAILED
    assert "list orders: p99 latency 1500 ms is over its limit of 800 ms (100 answers, p50 20 ms)" in outcome.reason
    assert "health" not in outcome.reason
    assert outcome.observed["per_request"]["list orders"] == {
        "answers": 100,
        "p50_ms": 20.0,
        "p99_ms": 1500.0,
        "max_p99_ms": 800,
    }


def test_slow_answers_within_the_tolerated_share_pass_and_say_how_many() -> None:
    budget = 500.0
    samples = answers("list orders", 199, 20.0, budget) + answers("list orders", 1, 700.0, budget)
    expect = Expectation(max_latency_ms=budget, max_slow_ratio=0.01)
    outcome = judge(samples, SyntheticConfig(total_requests=1), {"list orders": expect})
    assert outcome.status is ValidationStatus.PASSED, outcome.reason
    assert "list orders 1 of 200 over 500 ms" in outcome.reason
    assert outcome.observed["success_ratio"] == 1.0


def test_slow_answers_past_the_tolerated_share_fail_however_few_of_all_requests_they_are() -> None:
    # GIVEN the case: 3 % of list orders at 1.5 s, under 1 % of all requests, min_success_ratio 0.99
    budget = 1000.0
    samples = (
        answers("health", 700, 5.0)
        + answers("list orders", 291, 30.0, budget)
        + answers("list orders", 9, 1511.0, budget)
    )
    expectations = scenario(**{"list orders": Expectation(max_latency_ms=budget)})
    outcome = judge(samples, SyntheticConfig(total_requests=1, min_success_ratio=0.99, max_p99_ms=2000), expectations)
    # THEN it fails, the slow answers named per request with the share tolerated, not hidden in the error budget
    assert outcome.status is ValidationStatus.FAILED
    assert (
        "list orders: 9 of 300 answers (3.0%) took longer than 1000 ms, over the 1.0% tolerated (max_slow_ratio); "
        "the slowest took 1511 ms" in outcome.reason
    )
    assert outcome.observed["success_ratio"] == 1.0


def test_every_reason_names_quantity_unit_value_and_limit() -> None:
    samples = answers("health", 80, 5.0) + [Sample("health", 500, 5.0, None, ["status 500, expected [200]"])] * 20
    outcome = judge(samples, SyntheticConfig(total_requests=1, max_p99_ms=1), {"health": Expectation()})
    assert "80.0% of 100 requests succeeded, below the 99.0% required (20 status 500" in outcome.reason
    assert "p99 latency of all answers 5 ms is over the limit of 1 ms" in outcome.reason


def test_a_single_request_without_limits_lists_nothing_per_request() -> None:
    outcome = judge(answers("health", 50, 5.0), SyntheticConfig(total_requests=1), {"health": Expectation()})
    assert outcome.status is ValidationStatus.PASSED
    assert "per_request" not in outcome.observed
    assert outcome.reason == (
        "100.0% of 50 requests succeeded (at least 99.0% required), p99 latency 5 ms (limit 1000 ms)."
    )
