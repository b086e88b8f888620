"""The Mann-Whitney U test (Wilcoxon rank-sum), as Kayenta judges a canary's metric against its baseline.

Two samples of latencies (GREEN's and BLUE's answers to the same requests) are ranked together; U counts how often
a GREEN value is above a BLUE one (ties count a half). The p-value comes from the normal approximation with the
tie correction of the variance and a continuity correction, as `scipy.stats.mannwhitneyu(method="asymptotic")`
computes it; the effect size is the probability that a GREEN answer is slower than a BLUE one (U / n1 n2, the
common-language effect size: 0.5 means no difference), which a large sample cannot inflate the way it shrinks p.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class RankSum:
    u: float  # U of the first sample (GREEN): pairs where it is larger, ties counting a half
    p_value: float  # two-sided
    probability_larger: float  # U / (n1 n2): how likely a first-sample value is above a second-sample one
    n1: int
    n2: int


def _ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def mann_whitney(first: list[float], second: list[float]) -> RankSum:
    """Two-sided Mann-Whitney U test of `first` against `second`; both must hold at least one value."""
    n1, n2 = len(first), len(second)
    if not n1 or not n2:
        raise ValueError("both samples need at least one value")
    ranks = _ranks([*first, *second])
    u1 = sum(ranks[:n1]) - n1 * (n1 + 1) / 2
    n = n1 + n2
    ties = sum(count**3 - count for count in Counter([*first, *second]).values())
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    if variance <= 0:  # every value equal: nothing tells the samples apart
        return RankSum(u1, 1.0, u1 / (n1 * n2), n1, n2)
    mean = n1 * n2 / 2
    z = (abs(u1 - mean) - 0.5) / math.sqrt(variance)
    p_value = min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2)))
    return RankSum(u1, p_value, u1 / (n1 * n2), n1, n2)
