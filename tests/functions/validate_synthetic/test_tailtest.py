"""The tail test against scipy: the incomplete beta function (scipy.special.betainc), the exact bootstrap
distribution of an order statistic (scipy.stats.binom), and the ratio's lower confidence bound against the
percentile bootstrap done by resampling (scipy.stats.bootstrap, many resamples, seeded)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import special, stats

from validate_synthetic.tailtest import betainc, order_statistic_distribution, rank, ratio_lower_bound, tail_ratios


@pytest.mark.parametrize(
    ("a", "b", "x"),
    [(3, 5, 0.2), (297, 4, 0.99), (285, 16, 0.95), (1, 1, 0.3), (300, 1, 0.5), (99_000, 1_001, 0.99), (57, 4, 0.9)],
)
def test_incomplete_beta_matches_scipy(a: float, b: float, x: float) -> None:
    assert betainc(a, b, x) == pytest.approx(float(special.betainc(a, b, x)), rel=1e-9, abs=1e-300)


def test_the_bootstrap_distribution_of_an_order_statistic_is_binomial() -> None:
    rng = random.Random(3)
    values = sorted([round(rng.uniform(5, 15), 1) for _ in range(200)])  # ties included
    k = rank(len(values), 0.99)
    support, masses = order_statistic_distribution(values, k)
    distinct = sorted(set(values))
    at_most = {value: sum(1 for v in values if v <= value) for value in distinct}
    for value, mass in zip(support, masses, strict=True):
        before = max((at_most[v] for v in distinct if v < value), default=0)
        expected = stats.binom.sf(k - 1, len(values), at_most[value] / 200) - stats.binom.sf(k - 1, 200, before / 200)
        assert mass == pytest.approx(expected, rel=1e-8, abs=1e-14)
    assert sum(masses) == pytest.approx(1.0, abs=1e-9)


def nearest_rank_ratio(quantile: float):  # type: ignore[no-untyped-def]
    def statistic(green: np.ndarray, blue: np.ndarray, axis: int = -1) -> np.ndarray:
        g, b = np.sort(green, axis=axis), np.sort(blue, axis=axis)
        g_rank, b_rank = rank(green.shape[axis], quantile), rank(blue.shape[axis], quantile)
        return np.take(g, g_rank - 1, axis=axis) / np.take(b, b_rank - 1, axis=axis)

    return statistic


@pytest.mark.parametrize(("quantile", "tail_share"), [(0.99, 0.04), (0.95, 0.08), (0.99, 0.0)])
def test_the_lower_bound_is_what_resampling_converges_to(quantile: float, tail_share: float) -> None:
    # GIVEN GREEN with a slow tail (or none) and BLUE without, 150 answers each
    rng = random.Random(11)
    blue = [10 + rng.random() for _ in range(150)]
    green = [(150.0 if rng.random() < tail_share else 10.0) + rng.random() for _ in range(150)]
    alpha = 0.02
    exact = ratio_lower_bound(sorted(green), sorted(blue), quantile, alpha)
    # WHEN scipy's percentile bootstrap resamples 40,000 times (seeded)
    statistic = nearest_rank_ratio(quantile)
    result = stats.bootstrap(
        (np.array(green), np.array(blue)),
        statistic,
        n_resamples=40_000,
        method="percentile",
        alternative="greater",
        confidence_level=1 - alpha,
        rng=np.random.default_rng(5),
    )
    distribution = result.bootstrap_distribution
    # THEN the exact bound lies within the resampled alpha-quantile's sampling error (±0.4 points of probability)
    assert np.quantile(distribution, alpha - 0.004) <= exact <= np.quantile(distribution, alpha + 0.004)
    # (seeded, the resampled bound lands on the same value of the discrete distribution)
    assert result.confidence_interval.low == pytest.approx(exact, rel=1e-9)


def test_a_ten_percent_tail_of_seconds_against_milliseconds_is_far_above_any_threshold() -> None:
    rng = random.Random(2)
    blue = [10 + rng.random() for _ in range(300)]
    green = [(1500.0 if index % 10 == 0 else 10.0) + rng.random() for index in range(300)]
    p95, p99 = tail_ratios(green, blue, 0.01)
    assert (p95.quantile, p99.quantile) == (0.95, 0.99) and p95.confidence == 0.995
    assert p95.lower_bound > 100 and p99.lower_bound > 100


def test_the_same_distribution_gives_a_bound_at_or_below_one() -> None:
    rng = random.Random(4)
    blue = [rng.lognormvariate(2.3, 0.4) for _ in range(300)]
    green = [rng.lognormvariate(2.3, 0.4) for _ in range(300)]
    assert all(ratio.lower_bound < 1.05 for ratio in tail_ratios(green, blue, 0.01))


def test_identical_constant_answers_give_a_ratio_of_one() -> None:
    assert [(r.ratio, r.lower_bound) for r in tail_ratios([5.0] * 40, [5.0] * 40, 0.01)] == [(1.0, 1.0)] * 2
