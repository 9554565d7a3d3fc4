"""Quartiles and percentile ranks within groups, by hand and against pandas."""
import numpy as np
import pandas as pd
import pytest

from surveyapp.benchmarks.ranking import group_order


def test_quartiles_and_ranks_by_hand():
    # group 0: 2, 4, 5, 6 (and one row without a score); group 1: 3, 3, 1; group 2: nobody
    scores = np.array([4, 2, np.nan, 6, 5, 3, 3, 1])
    numbers = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    order = group_order(scores, numbers, 3)
    # group 0 sorted 2 4 5 6: q1 at 0.75 -> 2 + 0.75*2 = 3.5; median at 1.5 -> 4.5; q3 at 2.25 -> 5.25
    # group 1 sorted 1 3 3: q1 at 0.5 -> 2; median at 1 -> 3; q3 at 1.5 -> 3
    assert order.quantiles["q1"][:2].tolist() == [3.5, 2]
    assert order.quantiles["median"][:2].tolist() == [4.5, 3]
    assert order.quantiles["q3"][:2].tolist() == [5.25, 3]
    assert np.isnan(order.quantiles["median"][2])
    # 4 in group 0: 1 lower, 1 tied -> 100 * 1.5 / 4 = 37.5; 2: 0 lower -> 12.5; 6 -> 87.5; 5 -> 62.5
    # 3 in group 1: 1 lower, 2 tied -> 100 * (1 + 1) / 3 = 66.67; 1: 100 * 0.5 / 3 = 16.67
    expected = [37.5, 12.5, np.nan, 87.5, 62.5, 200 / 3, 200 / 3, 50 / 3]
    assert order.percentile == pytest.approx(expected, nan_ok=True)


def test_near_equal_scores_tie():
    # 13/3 from a weighted mean and 13/3 typed in differ in the last bit at most: still a tie
    scores = np.array([(2 * 5 + 3) / 3, 13 / 3 + 1e-12, 1.0])
    order = group_order(scores, np.zeros(3, dtype="int64"), 1)
    assert order.percentile.tolist() == pytest.approx([100 * 2 / 3, 100 * 2 / 3, 100 / 6])


def test_matches_pandas_linear_quantiles_and_average_ranks():
    rng = np.random.default_rng(7)
    scores = rng.integers(1, 7, 2_000).astype(float)
    scores[rng.random(2_000) < 0.1] = np.nan
    numbers = rng.integers(0, 40, 2_000)
    order = group_order(scores, numbers, 40)
    grouped = pd.Series(scores).groupby(numbers)
    for name, q in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        assert order.quantiles[name] == pytest.approx(grouped.quantile(q).to_numpy())
    # the definition: 100 * (average rank - 1/2) / count
    ranks = 100 * (grouped.rank(method="average") - 0.5) / grouped.transform("count")
    assert order.percentile == pytest.approx(ranks.to_numpy(), nan_ok=True)


def test_no_scores_at_all():
    order = group_order(np.array([np.nan, np.nan]), np.array([0, 1]), 2)
    assert np.isnan(order.quantiles["q1"]).all() and np.isnan(order.percentile).all()
    empty = group_order(np.array([]), np.array([], dtype="int64"), 0)
    assert len(empty.percentile) == 0
