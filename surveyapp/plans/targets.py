"""Targets: the level an organisation aims for on an indicator in the next round of the same framework.

A target is set on one round's results (the round whose report prompted it)
and applies to the next round of the same framework (plans.progress.next_round).
It can be set, changed or cleared until the organisation submits a response in
that next round: after that it would be set in hindsight. It is met when the
organisation's score there, rounded as reports show it, reaches the level
(benchmarks.target_counts.target_met). Storage and plain rules only; no Flask.
"""
from __future__ import annotations

from dataclasses import dataclass

from surveyapp.assessments.rounds import previous_round_id
from surveyapp.benchmarks.target_counts import target_met
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.plans.actions import _writing
from surveyapp.plans.model import PlanError
from surveyapp.plans.progress import has_results, next_round


@dataclass(frozen=True)
class Target:
    """One indicator's target level, set on a round's results, and who set it when."""

    organisation_id: int
    round_id: int
    indicator_id: str
    domain_id: str
    level: float
    set_by_name: str
    set_at: str


def list_targets(db, organisation_id: int, round_id: int) -> dict[str, Target]:
    """Return the targets an organisation set on a round's results, by indicator id."""
    rows = db.query("SELECT * FROM targets WHERE organisation_id = ? AND round_id = ? ORDER BY rowid",
                    [organisation_id, round_id])
    return {r["indicator_id"]: Target(r["organisation_id"], r["round_id"], r["indicator_id"], r["domain_id"],
                                      float(r["level"]), r["set_by_name"], r["set_at"]) for r in rows}


def targets_due(db, round_id: int) -> list[dict]:
    """Return every target that applies to this round: those set on the previous round of its framework."""
    previous = previous_round_id(db, round_id)
    if previous is None:
        return []
    return list(db.query("SELECT organisation_id, indicator_id, domain_id, level FROM targets "
                         "WHERE round_id = ? ORDER BY organisation_id, rowid", [previous]))


def may_change_targets(db, organisation_id: int, round_id: int) -> bool:
    """Return True while targets set on this round's results may still be set or changed."""
    if not has_results(db, round_id, organisation_id):
        return False  # a target answers results: nothing to set it on yet
    later = next_round(db, round_id)
    return later is None or not has_results(db, later["id"], organisation_id)


def _scored(db, round_id: int, indicator_id: str):
    """Return the scored indicator and its domain id in a round's framework, or raise PlanError."""
    framework = framework_for_round(db, round_id)
    if framework is None:
        raise PlanError(f"there is no round {round_id}")
    for domain in framework.domains:
        for indicator in domain.scored_indicators:
            if indicator.id == indicator_id:
                return indicator, domain.id
    raise PlanError(f"not a scored indicator of {framework.key}: {indicator_id}")


def set_target(db, organisation_id: int, round_id: int, indicator_id: str, level: float, *,
               set_by: int | None = None, set_by_name: str = "", check_window: bool = True) -> None:
    """Set or change one indicator's target level, refusing a level not on its scale or a closed window.

    Only the demo loader, writing a fictional history, passes check_window=False.
    """
    indicator, domain_id = _scored(db, round_id, indicator_id)
    if indicator.scale is None or indicator.scale.level_for(float(level)) is None:
        raise PlanError(f"{level} is not a level of the scale of {indicator_id}")
    if check_window and not may_change_targets(db, organisation_id, round_id):
        raise PlanError("targets can no longer be changed: the next round already has results")
    with _writing(db):
        db.execute(
            "INSERT INTO targets (organisation_id, round_id, indicator_id, domain_id, level, set_by, set_by_name) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (organisation_id, round_id, indicator_id) DO UPDATE SET "
            "level = excluded.level, set_by = excluded.set_by, set_by_name = excluded.set_by_name, "
            "set_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            [organisation_id, round_id, indicator_id, domain_id, float(level), set_by, set_by_name])


def clear_target(db, organisation_id: int, round_id: int, indicator_id: str) -> bool:
    """Remove one indicator's target; return True when there was one."""
    if not may_change_targets(db, organisation_id, round_id):
        raise PlanError("targets can no longer be changed: the next round already has results")
    with _writing(db):
        return db.execute("DELETE FROM targets WHERE organisation_id = ? AND round_id = ? AND indicator_id = ?",
                          [organisation_id, round_id, indicator_id]).rowcount > 0


def target_records(targets, scores: dict, framework, precision: int = 1) -> list[dict]:
    """Describe targets against scores (indicator id -> score or None): met True, False, or None (not assessed)."""
    out = []
    for target in targets:
        indicator = framework.indicator(target.indicator_id)
        level = indicator.scale.level_for(target.level) if indicator and indicator.scale else None
        out.append({"indicator": target.indicator_id, "domain": target.domain_id,
                    "text": indicator.text if indicator else target.indicator_id, "level": target.level,
                    "level_label": level.label if level else "", "score": scores.get(target.indicator_id),
                    "met": target_met(scores.get(target.indicator_id), target.level, precision)})
    return out


def own_scores(bench, organisation_id: int) -> dict[str, float | None]:
    """Return one organisation's indicator scores from a benchmark published for someone who may see them."""
    rows = bench.org_indicator[bench.org_indicator["organisation_id"] == organisation_id]
    return {str(i): (None if s != s else float(s)) for i, s in zip(rows["indicator"].tolist(), rows["score"].tolist())}
