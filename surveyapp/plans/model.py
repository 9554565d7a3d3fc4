"""What a plan is made of: actions, the indicators they address, progress notes, and their statuses.

Frozen records and the rules that need no database. May import nothing else from surveyapp.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

STATUSES = MappingProxyType({
    "not_started": "Not started", "on_track": "On track", "at_risk": "At risk", "done": "Done",
})
MAX_TITLE = 1_000
MAX_LEAD = 200
MAX_NOTE = 5_000

class PlanError(ValueError):
    """An action or note that breaks one of the plan's rules."""


class StaleAction(Exception):
    """The action changed after the person editing it opened it."""


@dataclass(frozen=True)
class LinkedIndicator:
    """One indicator an action addresses, with its domain in the action's round."""

    indicator_id: str
    domain_id: str


@dataclass(frozen=True)
class Note:
    """A dated progress note, and the status it left the action in."""

    id: int
    action_id: int
    noted_on: dt.date
    note: str
    status: str
    author_name: str
    created_at: str


@dataclass(frozen=True)
class Action:
    """One agreed action with its organisation, round and linked indicators."""

    id: int
    organisation_id: int
    organisation_name: str
    area: str
    sector: str
    round_id: int
    round_title: str
    framework_id: str
    framework_key: str
    title: str
    lead: str
    target_date: dt.date | None
    status: str
    completed_on: dt.date | None
    version: int
    created_at: str
    updated_at: str
    indicators: tuple[LinkedIndicator, ...] = ()
    latest_note: Note | None = None

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """Return the ids of the indicators this action addresses."""
        return tuple(i.indicator_id for i in self.indicators)

    @property
    def domain_ids(self) -> tuple[str, ...]:
        """Return the distinct domains of the indicators, in order."""
        return tuple(dict.fromkeys(i.domain_id for i in self.indicators))


def is_overdue(action: Action, today: dt.date) -> bool:
    """Return True when the target date has passed and the action is not done."""
    # due today is not yet overdue: the date is the last day to do it
    return action.target_date is not None and action.target_date < today and action.status != "done"
