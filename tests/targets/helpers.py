"""Targets on the plan tests' two rounds: set on round one's results, met or not in round two.

Round two's response of an organisation is held back as a draft while its
targets are set (targets close once the next round has its results), then
submitted, as happens in real use.
"""
from __future__ import annotations

from surveyapp.plans.targets import set_target


def hold_back(db, round_id: int, org_id: int) -> None:
    """Return an organisation's response in a round to draft: that round has no results from it yet."""
    db.execute("UPDATE responses SET status = 'draft' WHERE round_id = ? AND organisation_id = ?", [round_id, org_id])


def submit(db, round_id: int, org_id: int) -> None:
    """Submit an organisation's held-back response again."""
    db.execute("UPDATE responses SET status = 'submitted' WHERE round_id = ? AND organisation_id = ?",
               [round_id, org_id])


def set_targets(db, two, org_id: int, levels: dict[str, float], name: str = "Lead A") -> None:
    """Set targets on round one for an organisation, as if before it answered round two."""
    hold_back(db, two.second, org_id)
    for indicator, level in levels.items():
        set_target(db, org_id, two.first, indicator, level, set_by_name=name)
    submit(db, two.second, org_id)
