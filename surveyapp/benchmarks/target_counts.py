"""Whether an organisation met the targets it set: the pure rule, and per-organisation tallies for groups.

A target is a level of an indicator's scale. It is met when the organisation's
score on that indicator in the round it applies to, rounded as reports show
it, is at least that level. A target on an indicator the organisation gave
no scoring answer to is not assessed: it counts neither as set nor as met.
The group counts built from these tallies leave this package only through
benchmarks.publish.publish_target_counts, under the disclosure rules. No Flask.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from surveyapp.benchmarks.aggregation import RoundBenchmark

# scores are rounded before comparing; this absorbs float noise in the rounding
EPSILON = 1e-9
TALLY_COLUMNS = ("organisation_id", "n_set", "n_met")


def target_met(score, level: float, precision: int = 1) -> bool | None:
    """Return True when a score, rounded to `precision`, reaches the target level; None when there is no score."""
    if score is None or (isinstance(score, float) and math.isnan(score)) or score is pd.NA:
        return None
    return round(float(score), precision) >= float(level) - EPSILON


def organisation_tallies(bench: RoundBenchmark, targets, precision: int = 1) -> pd.DataFrame:
    """Count, per organisation with results, its assessed targets and how many it met.

    `targets` holds mappings with organisation_id, indicator_id and level.
    """
    scores = {(int(o), str(i)): s for o, i, s in zip(bench.org_indicator["organisation_id"].tolist(),
                                                      bench.org_indicator["indicator"].astype(str).tolist(),
                                                      bench.org_indicator["score"].tolist())}
    tally: dict[int, list[int]] = {}
    for target in targets:
        key = (int(target["organisation_id"]), str(target["indicator_id"]))
        met = target_met(scores.get(key), target["level"], precision)
        if met is None:
            continue
        counts = tally.setdefault(key[0], [0, 0])
        counts[0] += 1
        counts[1] += int(met)
    return pd.DataFrame([(o, s, m) for o, (s, m) in tally.items()], columns=list(TALLY_COLUMNS))


def in_span(row: np.ndarray, rows: list[np.ndarray]) -> bool:
    """Return True when a group's sum can be worked out from the other shown sums (row in their span)."""
    if not rows or not row.any():
        return False
    shown = np.array(rows, dtype=float)
    return np.linalg.matrix_rank(np.vstack([shown, row.astype(float)])) == np.linalg.matrix_rank(shown)
