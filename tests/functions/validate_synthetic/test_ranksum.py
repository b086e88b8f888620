"""The Mann-Whitney U test against values scipy.stats.mannwhitneyu(method="asymptotic") gives (scipy 1.16)."""

from __future__ import annotations

import random

import pytest

from validate_synthetic.ranksum import mann_whitney, percentile


def test_scipys_documented_example() -> None:
    # scipy's mannwhitneyu docs: males [19, 22, 16, 29, 24], females [20, 11, 17, 12], asymptotic method
    result = mann_whitney([19, 22, 16, 29, 24], [20, 11, 17, 12])
    assert result.u == 17.0
    assert result.p_value == pytest.approx(0.11134688653314041, rel=1e-12)
    assert result.probability_larger == pytest.approx(17 / 20)


def test_ties_share_ranks_and_correct_the_variance() -> None:
    result = mann_whitney([1, 2, 2, 3, 3, 3, 4], [2, 3, 3, 4, 4, 5, 5, 5])
    assert result.u == 11.0
    assert result.p_value == pytest.approx(0.049238967838553395, rel=1e-12)


def test_large_samples_with_a_small_shift() -> None:
    rng = random.Random(1)
    first = [rng.gauss(10, 2) for _ in range(200)]
    second = [rng.gauss(10.5, 2) for _ in range(150)]
    result = mann_whitney(first, second)
    assert result.u == 11531.0
    assert result.p_value == pytest.approx(0.00021331987126602955, rel=1e-9)
    assert result.probability_larger < 0.5  # the first is the faster


def test_identical_samples_tell_nothing_apart() -> None:
    result = mann_whitney([5.0] * 4, [5.0] * 3)
    assert (result.u, result.p_value, result.probability_larger) == (6.0, 1.0, 0.5)


def test_an_empty_sample_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        mann_whitney([], [1.0])


def test_nearest_rank_percentile() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0 and percentile([], 0.99) == 0.0
