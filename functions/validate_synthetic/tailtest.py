"""Is GREEN's tail slower than BLUE's? Exact bootstrap confidence bounds of the ratio of two sample quantiles.

A rank-sum test compares whole distributions, so a slow 3 % of answers barely moves it; the tail is judged on
its own. For each tail quantile (p95, p99) the ratio of GREEN's to BLUE's (nearest-rank, as the report's p99) gets a
one-sided lower confidence bound by the percentile bootstrap, computed exactly rather than by resampling: the k-th
smallest of n values drawn with replacement is at most the j-th smallest value with probability
P(Binomial(n, j/n) >= k) = I_{j/n}(k, n - k + 1), the regularized incomplete beta function (the exact bootstrap
distribution of an order statistic; Hutson and Ernst, "The exact bootstrap mean and variance of an L-estimator",
JRSS B 62, 2000). GREEN and BLUE are resampled independently, so the ratio's distribution is the product of
theirs. No random numbers: the same answers always give the same bound, equal to what an infinite number of
bootstrap resamples would give (tests/functions/validate_synthetic/test_tailtest.py checks both against scipy).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, groupby

TAIL_QUANTILES = (0.95, 0.99)
NEGLIGIBLE = 1e-13  # bootstrap probability mass below this is left out of the ratio's distribution
_EPSILON_MS = 1e-3  # a BLUE quantile of 0 ms (a clock's resolution) divides as 1 µs
_MAX_ITERATIONS = 100_000


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function, by the modified Lentz method."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, _MAX_ITERATIONS):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):  # fmt: skip
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            return result
    raise ArithmeticError("the incomplete beta function did not converge")  # not reached for a, b >= 1


def betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction(a, b, x) / a
    return 1.0 - front * _continued_fraction(b, a, 1.0 - x) / b


def rank(count: int, fraction: float) -> int:
    """The nearest rank of a quantile (1-based), as validate_synthetic.ranksum.percentile takes it."""
    return max(1, math.ceil(fraction * count))


def _first(count: int, holds: Callable[[int], bool]) -> int:
    """The first index in range(count) where a monotone condition holds (count when none)."""
    low, high = 0, count
    while low < high:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + 1
    return low


def order_statistic_distribution(sorted_values: list[float], k: int) -> tuple[list[float], list[float]]:
    """The exact bootstrap distribution of the k-th smallest of a resample: its values and their probabilities
    (only where the mass is above NEGLIGIBLE: a window of a few standard deviations around rank k)."""
    n = len(sorted_values)
    distinct = [(value, sum(1 for _ in group)) for value, group in groupby(sorted_values)]
    at_most = list(accumulate(count for _, count in distinct))

    def cumulative(index: int) -> float:
        """P(the resample's k-th smallest <= the index-th distinct value) = P(Binomial(n, at_most / n) >= k)."""
        return betainc(k, n - k + 1, at_most[index] / n)

    start = _first(len(distinct), lambda index: cumulative(index) > NEGLIGIBLE)
    end = _first(len(distinct), lambda index: cumulative(index) >= 1.0 - NEGLIGIBLE)
    values, masses = [], []
    below = cumulative(start - 1) if start else 0.0
    for index in range(start, min(end + 1, len(distinct))):
        here = cumulative(index)
        values.append(distinct[index][0])
        masses.append(here - below)
        below = here
    return values, masses


@dataclass(frozen=True)
class TailRatio:
    """GREEN's quantile over BLUE's, and the bound below which the ratio lies with probability `1 - confidence`."""

    quantile: float
    green_ms: float
    blue_ms: float
    ratio: float
    lower_bound: float
    confidence: float


def ratio_lower_bound(green: list[float], blue: list[float], quantile: float, alpha: float) -> float:
    """The alpha-quantile of the exact bootstrap distribution of GREEN's quantile over BLUE's (percentile method)."""
    g_values, g_masses = order_statistic_distribution(green, rank(len(green), quantile))
    b_values, b_masses = order_statistic_distribution(blue, rank(len(blue), quantile))
    g_cumulative = [sum(g_masses[: index + 1]) for index in range(len(g_masses))]

    def cdf(ratio: float) -> float:
        """P(G* / B* <= ratio)."""
        total = 0.0
        for b_value, b_mass in zip(b_values, b_masses, strict=True):
            position = bisect.bisect_right(g_values, ratio * max(b_value, _EPSILON_MS) * (1 + 1e-12))
            total += b_mass * (g_cumulative[position - 1] if position else 0.0)
        return total

    candidates = sorted({g / max(b, _EPSILON_MS) for g in g_values for b in b_values})
    low, high = 0, len(candidates) - 1
    while low < high:  # the smallest candidate whose cdf reaches alpha
        middle = (low + high) // 2
        if cdf(candidates[middle]) >= alpha - 1e-12:
            high = middle
        else:
            low = middle + 1
    return candidates[low]


def tail_ratios(green: list[float], blue: list[float], alpha: float) -> list[TailRatio]:
    """For p95 and p99: the ratio of GREEN's to BLUE's, and its one-sided lower bound; the confidence is split
    between the quantiles (Bonferroni), so together they hold at 1 - alpha."""
    green, blue = sorted(green), sorted(blue)
    each = alpha / len(TAIL_QUANTILES)
    ratios = []
    for quantile in TAIL_QUANTILES:
        green_ms = green[rank(len(green), quantile) - 1]
        blue_ms = blue[rank(len(blue), quantile) - 1]
        bound = ratio_lower_bound(green, blue, quantile, each)
        ratios.append(TailRatio(quantile, green_ms, blue_ms, green_ms / max(blue_ms, _EPSILON_MS), bound, 1 - each))
    return ratios
