"""Whether the indicators an action addresses moved by the next round of the same framework.

An action answers one round's results. Once the next round of the same
framework has submitted answers from the organisation, each indicator the
action addresses shows its score before and after, for the organisation and
for its area (hidden where the area's numbers are suppressed). The movement
functions are pure, over change_since tables; one loader reads the benchmarks.
No Flask.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from surveyapp.benchmarks.aggregation import RoundBenchmark
from surveyapp.benchmarks.disclosure import Viewer
from surveyapp.benchmarks.round_cache import published_benchmark
from surveyapp.benchmarks.summaries import change_since

# Scores are shown to one decimal place: a smaller move would read as "0.0",
# so calling it "up" or "down" would contradict the numbers beside it.
NO_CHANGE = 0.05
HIDDEN_WORDS = {"too-few": "hidden: too few organisations",
                "complement": "hidden so that another hidden figure cannot be worked out"}
# Why an action has no movement to show yet.
NO_NEXT_ROUND = "no_next_round"
AWAITING_RESULTS = "awaiting_results"
COMPARED = "compared"


@dataclass(frozen=True)
class Movement:
    """One score in the action's round and the next, and the change; numbers None when suppressed."""

    previous: float | None
    current: float | None
    change: float | None
    suppressed: bool = False
    reason: str = ""  # why it is hidden: benchmarks.disclosure's reason

    @property
    def direction(self) -> str | None:
        """Return "up", "down" or "same", or None when the numbers are hidden."""
        return direction(self.change)


@dataclass(frozen=True)
class IndicatorProgress:
    """How one indicator moved for the organisation and for its area; None where not scored in both."""

    indicator_id: str
    organisation: Movement | None
    area: Movement | None


@dataclass(frozen=True)
class ActionProgress:
    """An action's indicators compared with the next round, or why they cannot be yet."""

    action_id: int
    state: str
    next_round_id: int | None = None
    next_round_title: str | None = None
    indicators: tuple[IndicatorProgress, ...] = ()


def direction(change: float | None) -> str | None:
    """Name the direction of a change in score."""
    if change is None:
        return None
    if abs(change) < NO_CHANGE:
        return "same"
    return "up" if change > 0 else "down"


def describe_movement(movement: Movement | None) -> str:
    """Put a movement in words, e.g. "up 0.5 (2.0 to 2.5)"."""
    if movement is None:
        return "not scored in both rounds"
    if movement.suppressed:
        return HIDDEN_WORDS.get(movement.reason, HIDDEN_WORDS["too-few"])
    scores = f"({movement.previous:.1f} to {movement.current:.1f})"
    if movement.direction == "same":
        return f"no change {scores}"
    return f"{movement.direction} {abs(movement.change):.1f} {scores}"


def _number(value) -> float | None:
    """Return a plain float, or None for a missing value."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _movement(row) -> Movement:
    """Build a Movement from one row of a change_since table."""
    return Movement(previous=_number(row["previous"]), current=_number(row["current"]),
                    change=_number(row["change"]), suppressed=bool(row["suppressed"]),
                    reason=str(row.get("reason") or "") if row["suppressed"] else "")


def indicator_movements(change: pd.DataFrame, key_column: str, key, indicator_ids) -> dict[str, Movement]:
    """Pick one group's movement on each indicator out of an indicator-level change_since table."""
    rows = change[change[key_column] == key]
    rows = rows[rows["indicator"].astype(str).isin(list(indicator_ids))]
    return {str(row["indicator"]): _movement(row) for _, row in rows.iterrows()}


def compare_action(action_id: int, indicator_ids, organisation_id: int, area: str,
                   org_change: pd.DataFrame, area_change: pd.DataFrame,
                   next_round_id: int, next_round_title: str) -> ActionProgress:
    """Compare an action's indicators for its organisation and area from two change_since tables."""
    mine = indicator_movements(org_change, "organisation", organisation_id, indicator_ids)
    theirs = indicator_movements(area_change, "area", area, indicator_ids)
    return ActionProgress(
        action_id=action_id, state=COMPARED, next_round_id=next_round_id, next_round_title=next_round_title,
        indicators=tuple(IndicatorProgress(i, mine.get(i), theirs.get(i)) for i in indicator_ids))


def next_round(db, round_id: int) -> dict | None:
    """Return the earliest later round of the same framework, if any."""
    rows = list(db.query(
        """
        SELECT r2.id, r2.title FROM rounds r1
          JOIN framework_versions f1 ON f1.key = r1.framework_key
          JOIN rounds r2 ON r2.id > r1.id
          JOIN framework_versions f2 ON f2.key = r2.framework_key AND f2.framework_id = f1.framework_id
         WHERE r1.id = ? ORDER BY r2.id LIMIT 1
        """, [round_id]))
    return rows[0] if rows else None


def has_results(db, round_id: int, organisation_id: int) -> bool:
    """Return True when the organisation has a submitted response in the round."""
    # a cheap check first: a benchmark costs far more than this query
    return db.execute(
        "SELECT 1 FROM responses WHERE round_id = ? AND organisation_id = ? AND status = 'submitted' LIMIT 1",
        [round_id, organisation_id]).fetchone() is not None


class BenchmarkCache:
    """Benchmarks and change tables read once per round and per pair of rounds, for one page or report.

    Each benchmark is published for the viewer of that page or report.
    """

    def __init__(self, db, min_group: int, viewer: Viewer):
        self.db, self.min_group, self.viewer = db, min_group, viewer
        self._benches: dict[int, RoundBenchmark] = {}
        self._changes: dict[tuple, pd.DataFrame] = {}

    def bench(self, round_id: int) -> RoundBenchmark:
        """Return one round's benchmark."""
        if round_id not in self._benches:
            self._benches[round_id] = published_benchmark(self.db, round_id, self.viewer, self.min_group)
        return self._benches[round_id]

    def change(self, before: int, after: int, by: str) -> pd.DataFrame:
        """Return the indicator-level change between two rounds for one grouping."""
        key = (before, after, by)
        if key not in self._changes:
            self._changes[key] = change_since(self.bench(before), self.bench(after), by, "indicator")
        return self._changes[key]


def progress_for_actions(db, actions, viewer: Viewer, min_group: int = 3, upto_round: int | None = None,
                         benchmarks: BenchmarkCache | None = None) -> dict[int, ActionProgress]:
    """Return each action's progress as a viewer may see it, by action id; rounds after `upto_round` are ignored."""
    benchmarks = benchmarks or BenchmarkCache(db, min_group, viewer)
    nexts: dict[int, dict | None] = {}
    out = {}
    for action in actions:
        if action.round_id not in nexts:
            nexts[action.round_id] = next_round(db, action.round_id)
        later = nexts[action.round_id]
        if later is None or (upto_round is not None and later["id"] > upto_round):
            out[action.id] = ActionProgress(action.id, NO_NEXT_ROUND)
            continue
        if not has_results(db, later["id"], action.organisation_id):
            out[action.id] = ActionProgress(action.id, AWAITING_RESULTS, later["id"], later["title"])
            continue
        out[action.id] = compare_action(
            action.id, action.indicator_ids, action.organisation_id, action.area,
            benchmarks.change(action.round_id, later["id"], "organisation"),
            benchmarks.change(action.round_id, later["id"], "area"), later["id"], later["title"])
    return out
