"""The maintained statistics against their reference: compare and rebuild.

The database keeps each round's organisation x indicator reduction of its
submitted answers in stats_org_indicator, updated by triggers in the
transaction of every change (migration 0006_maintained_stats). Every
benchmark is computed from those rows. This module recomputes them from the
answers, the way they were computed before they were maintained
(reduction.reduce_answers), to check them and, if ever needed, to replace
them: `surveyapp benchmark --rebuild`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveyapp.benchmarks.reduction import load_org_indicator_stats, reduce_answers
from surveyapp.storage.db import write_transaction

KEYS = ["organisation_id", "indicator"]
COUNTS = ["n_scoring", "n_non_scoring"]
VALUES = ["value_sum", "value_min", "value_max"]
TOLERANCE = 1e-12

REBUILD_SQL = """
INSERT INTO stats_org_indicator (round_id, organisation_id, indicator_id, n_scoring, value_sum, value_min,
                                 value_max, n_non_scoring)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""


@dataclass(frozen=True)
class Comparison:
    """How a round's maintained rows compare with the rows rebuilt from its answers."""

    round_id: int
    rows: int            # rows in the reference
    missing: int         # reference rows the maintained table lacks
    extra: int           # maintained rows the reference does not have
    different: int       # rows in both whose counts differ, or values by more than TOLERANCE

    @property
    def same(self) -> bool:
        """Return True when the maintained rows equal the reference."""
        return not (self.missing or self.extra or self.different)


def _meaningful(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows that say nothing (no scoring and no non-scoring answer): absent and empty rows are alike."""
    return frame[(frame["n_scoring"] > 0) | (frame["n_non_scoring"] > 0)]


def compare_round(db, round_id: int) -> Comparison:
    """Compare a round's maintained reduction with the one rebuilt from its answers."""
    reference = _meaningful(reduce_answers(db, round_id)).set_index(KEYS)
    kept = _meaningful(load_org_indicator_stats(db, round_id)).set_index(KEYS)
    both = reference.index.intersection(kept.index)
    ref, got = reference.loc[both], kept.loc[both]
    counts_differ = (ref[COUNTS].to_numpy() != got[COUNTS].to_numpy()).any(axis=1)
    a, b = ref[VALUES].to_numpy(dtype=float), got[VALUES].to_numpy(dtype=float)
    values_differ = ~(np.isclose(a, b, rtol=TOLERANCE, atol=TOLERANCE) | (np.isnan(a) & np.isnan(b))).all(axis=1)
    return Comparison(round_id=round_id, rows=len(reference), missing=len(reference.index.difference(kept.index)),
                      extra=len(kept.index.difference(reference.index)),
                      different=int((counts_differ | values_differ).sum()))


def rebuild_round(db, round_id: int) -> Comparison:
    """Replace a round's maintained rows by the reference; return how they compared before."""
    with write_transaction(db):
        before = compare_round(db, round_id)
        rows = reduce_answers(db, round_id)
        db.execute("DELETE FROM stats_org_indicator WHERE round_id = ?", [round_id])
        db.conn.executemany(REBUILD_SQL, [
            (round_id, int(org), str(ind), int(n), _number(total), _number(low), _number(high), int(other))
            for org, ind, n, total, low, high, other in zip(
                rows["organisation_id"], rows["indicator"], rows["n_scoring"], rows["value_sum"],
                rows["value_min"], rows["value_max"], rows["n_non_scoring"])])
    return before


def _number(value) -> float | None:
    """Return a float, None for NaN (stored as NULL)."""
    value = float(value)
    return None if value != value else value


def round_ids(db) -> list[int]:
    """Return every round's id."""
    return [row[0] for row in db.execute("SELECT id FROM rounds ORDER BY id")]
