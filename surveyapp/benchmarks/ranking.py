"""Order statistics within groups: quartiles and percentile ranks.

Pure numpy over one array of scores and one array of group numbers. Both
statistics need the scores sorted within each group, so one sort serves both;
at national scale that one sort replaces two slower pandas group operations.
docs/benchmarking.md defines both numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Scores closer than this count as tied: weighted means of equal scores can
# differ in the last bits, and a rank must not hang on that.
TIE_DECIMALS = 9
QUANTILES = {"q1": 0.25, "median": 0.5, "q3": 0.75}


@dataclass(frozen=True)
class GroupOrder:
    """Quartiles per group and a percentile rank per row."""

    quantiles: dict[str, np.ndarray]  # name in QUANTILES -> one value per group (NaN if empty)
    percentile: np.ndarray            # one value per row (NaN where the row has no score)


def scored_rows_by_score(scores: np.ndarray) -> np.ndarray:
    """Return the positions of the rows that have a score, lowest score first."""
    rows = np.flatnonzero(~np.isnan(scores))
    return rows[np.argsort(scores[rows], kind="stable")]


def group_order(
    scores: np.ndarray, numbers: np.ndarray, n_groups: int, by_score: np.ndarray | None = None,
) -> GroupOrder:
    """Sort scores within groups once; return each group's quartiles and each row's percentile rank.

    `by_score` (from scored_rows_by_score) may be passed in when several
    groupings of the same scores are ordered: the costly sort is then shared.
    """
    scores = np.asarray(scores, dtype=float)
    if by_score is None:
        by_score = scored_rows_by_score(scores)
    # A stable sort by group keeps each group's rows in score order. Group
    # numbers that fit 16 bits sort by radix, in linear time.
    keys = numbers[by_score].astype("uint16" if n_groups < 2**16 else "int64")
    order = by_score[np.argsort(keys, kind="stable")]
    group, value = numbers[order], scores[order]
    size = np.bincount(group, minlength=n_groups)
    start = np.cumsum(size) - size
    quantiles = {name: _quantile(value, start, size, q) for name, q in QUANTILES.items()}
    percentile = np.full(len(scores), np.nan)
    percentile[order] = _percentile(value, group, start, size)
    return GroupOrder(quantiles=quantiles, percentile=percentile)


def _quantile(value: np.ndarray, start: np.ndarray, size: np.ndarray, q: float) -> np.ndarray:
    """Interpolate linearly at position q * (n - 1) of each group's sorted scores."""
    out = np.full(len(size), np.nan)
    full = size > 0
    position = q * (size[full] - 1)
    whole = np.floor(position).astype("int64")
    low = start[full] + whole
    high = np.minimum(low + 1, start[full] + size[full] - 1)
    out[full] = value[low] + (position - whole) * (value[high] - value[low])
    return out


def _percentile(value: np.ndarray, group: np.ndarray, start: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Return 100 * (lower + tied / 2) / n for sorted scores, tied meaning equal to 9 places."""
    if not len(value):
        return value
    rounded = np.round(value, TIE_DECIMALS)
    new_run = np.r_[True, (group[1:] != group[:-1]) | (rounded[1:] != rounded[:-1])]
    run = np.cumsum(new_run) - 1
    run_start = np.flatnonzero(new_run)
    tied = np.bincount(run)[run]
    lower = run_start[run] - start[group]
    return 100 * (lower + tied / 2) / size[group]
