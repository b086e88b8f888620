"""compare_with_blue's tail judged request kind by request kind: one endpoint's slow tail is not diluted by the
others' fast answers, and every reason names the request, GREEN's and BLUE's values, the ratio, its bound, the
limits and the centre's figures."""

from __future__ import annotations

import random

import pytest

from common.config.sections.synthetic import CompareWithBlueConfig
from common.payload.models import ValidationStatus
from validate_synthetic.baseline import compare
from validate_synthetic.traffic import Sample


def answers(request: str, count: int, tail_share: float, tail_ms: float, seed: int) -> list[Sample]:
    rng = random.Random(seed)
    return [
        Sample(request, 200, tail_ms + rng.random() if index < count * tail_share else 10.0 + rng.random())
        for index in range(count)
    ]


def test_one_endpoints_tail_fails_though_pooled_it_is_half_as_frequent() -> None:
    # GIVEN search with a 10 % tail at 1.5 s, list orders fast; BLUE fast on both
    green = answers("list orders", 150, 0.0, 0.0, 1) + answers("search", 150, 0.1, 1500.0, 2)
    blue = answers("list orders", 150, 0.0, 0.0, 3) + answers("search", 150, 0.0, 0.0, 4)
    comparison = compare(green, blue, CompareWithBlueConfig())
    # THEN it fails naming search, with both values, the ratio, its bound (confidence split between two kinds)
    assert comparison.status is ValidationStatus.FAILED
    assert comparison.sentence.startswith("GREEN's tail is slower than BLUE's (search: p99 1501 vs 11 ms (ratio 136, ")
    assert "with 99.75% confidence; limit 1.5x and +25 ms)" in comparison.sentence
    assert "list orders:" not in comparison.sentence
    assert "p50 10.5 vs 10.5 ms (Mann-Whitney p=0.33, P(GREEN slower) 0.52; limit 0.6 at alpha 0.01))" in (
        comparison.sentence
    )
    tails = {(t["request"], t["quantile"]): t for t in comparison.observed["tails"]}
    assert set(tails) == {("list orders", "p95"), ("list orders", "p99"), ("search", "p95"), ("search", "p99")}
    assert tails[("search", "p99")]["lower_bound"] > 100 and tails[("list orders", "p99")]["lower_bound"] < 1.1


def test_the_defaults_catch_a_ten_percent_tail_of_seconds_against_milliseconds() -> None:
    green, blue = answers("list", 300, 0.1, 1500.0, 5), answers("list", 300, 0.0, 0.0, 6)
    comparison = compare(green, blue, CompareWithBlueConfig())
    assert comparison.status is ValidationStatus.FAILED
    assert comparison.sentence.startswith("GREEN's tail is slower than BLUE's (p95 1501 vs 11 ms (ratio 137, at least")
    assert "; p99 1501 vs 11 ms (ratio 137, at least 136 with 99.50% confidence" in comparison.sentence


def test_the_same_release_passes_and_says_its_closest_tail() -> None:
    green, blue = answers("list", 300, 0.02, 30.0, 7), answers("list", 300, 0.02, 30.0, 8)
    comparison = compare(green, blue, CompareWithBlueConfig())
    assert comparison.status is ValidationStatus.PASSED
    assert comparison.sentence.startswith("no slower than BLUE on the same requests (p50 ")
    assert "; p99 30 vs 30 ms (ratio 1" in comparison.sentence


def test_a_tail_under_the_material_increase_passes_however_large_the_ratio() -> None:
    green, blue = answers("list", 300, 0.1, 20.0, 9), answers("list", 300, 0.0, 0.0, 10)  # 20 ms vs 10 ms
    comparison = compare(green, blue, CompareWithBlueConfig())
    assert comparison.status is ValidationStatus.PASSED
    failing = compare(green, blue, CompareWithBlueConfig(min_tail_increase_ms=5))
    assert failing.status is ValidationStatus.FAILED


@pytest.mark.parametrize(
    ("no_blue_data", "status"),
    [
        ("ignore", ValidationStatus.SKIPPED),
        ("inconclusive", ValidationStatus.INCONCLUSIVE),
        ("fail", ValidationStatus.FAILED),
    ],
)
def test_no_route_to_blue_is_what_the_config_says_not_judged_by_default(
    no_blue_data: str, status: ValidationStatus
) -> None:
    # GIVEN an event where no listener routes to BLUE (AfterAllowTraffic), so nothing was sent to BLUE
    green = answers("search", 100, 0.0, 0.0, 1)
    comparison = compare(green, None, CompareWithBlueConfig.model_validate({"no_blue_data": no_blue_data}))
    # THEN the default reports it not judged (never holding a good release), and the config may say otherwise
    assert comparison.status is status
    assert "no listener routes to BLUE at this event" in comparison.sentence
    assert f"no_blue_data: {no_blue_data}" in comparison.sentence


def test_a_tail_over_its_limit_here_but_within_chance_is_never_called_no_slower() -> None:
    # GIVEN the example: 3 % of 300 answers at 1.5 s, BLUE all fast (GREEN's p99 over 100 times BLUE's); with
    # so few answers a tail that size is within what the bound allows at 99.5 % confidence
    green, blue = answers("list", 300, 0.03, 1500.0, 11), answers("list", 300, 0.0, 0.0, 12)
    comparison = compare(green, blue, CompareWithBlueConfig())
    # THEN it is not failed on chance, and the reason says what was seen and what would tell, never "no slower"
    assert comparison.status is ValidationStatus.PASSED
    assert comparison.sentence.startswith(
        "not shown slower than BLUE: GREEN's tail is over its limit in these answers, but not beyond chance with so "
        "few of them (p99 1501 vs 11 ms (ratio 1"
    )
    assert "more requests (total_requests) would tell (p50 " in comparison.sentence
    assert "no slower" not in comparison.sentence
    # AND four times as many requests catch the same tail
    green, blue = answers("list", 1200, 0.03, 1500.0, 11), answers("list", 1200, 0.0, 0.0, 12)
    assert compare(green, blue, CompareWithBlueConfig()).status is ValidationStatus.FAILED
