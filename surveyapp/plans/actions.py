"""Improvement plans: agreed actions, the indicators they address, and dated progress notes.

An action belongs to one organisation and answers the results of one round;
plan_progress.py reads how its indicators moved in the next round of the same
framework. Storage and plain rules only: nothing here knows about Flask.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType

from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.db import write_transaction

STATUSES = MappingProxyType({
    "not_started": "Not started", "on_track": "On track", "at_risk": "At risk", "done": "Done",
})
MAX_TITLE = 1_000
MAX_LEAD = 200
MAX_NOTE = 5_000

ACTIONS_SQL = """
SELECT a.id, a.organisation_id, o.name AS organisation_name, o.area, o.sector,
       a.round_id, r.title AS round_title, f.framework_id, r.framework_key,
       a.title, a.lead, a.target_date, a.status, a.completed_on, a.version,
       a.created_at, a.updated_at
  FROM plan_actions a
  JOIN organisations o ON o.id = a.organisation_id
  JOIN rounds r ON r.id = a.round_id
  JOIN framework_versions f ON f.key = r.framework_key
"""


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


@contextmanager
def _writing(db):
    """Write in one transaction of our own, or inside the caller's when one is open (as demo loading does)."""
    if db.conn.in_transaction:
        with db.atomic():  # a savepoint: undone alone if this write fails
            yield
    else:
        with write_transaction(db):
            yield


def is_overdue(action: Action, today: dt.date) -> bool:
    """Return True when the target date has passed and the action is not done."""
    # due today is not yet overdue: the date is the last day to do it
    return action.target_date is not None and action.target_date < today and action.status != "done"


def check_status(status: str) -> str:
    """Return a known status, or raise PlanError."""
    if status not in STATUSES:
        raise PlanError(f"unknown status {status!r}")
    return status


def check_text(text: str, what: str, limit: int) -> str:
    """Return text stripped of edge spaces and NUL characters, refusing empty or over-long text."""
    cleaned = (text or "").replace("\x00", "").strip()
    if not cleaned:
        raise PlanError(f"{what} is empty")
    if len(cleaned) > limit:
        raise PlanError(f"{what} is longer than {limit:,} characters")
    return cleaned


def check_indicators(db, round_id: int, indicator_ids) -> dict[str, str]:
    """Map each indicator id to its domain in the round's framework, refusing unknown or unscored ones."""
    framework = framework_for_round(db, round_id)
    if framework is None:
        raise PlanError(f"there is no round {round_id}")
    scored = {i.id: d.id for d in framework.domains for i in d.scored_indicators}
    ids = list(dict.fromkeys(indicator_ids))
    if not ids:
        raise PlanError("an action must address at least one indicator")
    unknown = [i for i in ids if i not in scored]
    if unknown:
        raise PlanError(f"not a scored indicator of {framework.key}: {', '.join(unknown)}")
    return {i: scored[i] for i in ids}


def _iso(day: dt.date | None) -> str | None:
    """Store a date as ISO text."""
    return day.isoformat() if day else None


def create_action(db, organisation_id: int, round_id: int, *, title: str, lead: str, indicator_ids,
                  target_date: dt.date | None = None, status: str = "not_started",
                  created_by: int | None = None, today: dt.date | None = None) -> int:
    """Add an action to an organisation's plan, linked to its indicators; return its id."""
    title, lead = check_text(title, "what will be done", MAX_TITLE), check_text(lead, "the lead", MAX_LEAD)
    status = check_status(status)
    today = today or dt.date.today()
    with _writing(db):
        domains = check_indicators(db, round_id, indicator_ids)
        action_id = db.execute(
            "INSERT INTO plan_actions (organisation_id, round_id, title, lead, target_date, status, "
            "completed_on, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [organisation_id, round_id, title, lead, _iso(target_date), status,
             _iso(today) if status == "done" else None, created_by]).lastrowid
        _link_indicators(db, action_id, domains)
    return action_id


def _link_indicators(db, action_id: int, domains: dict[str, str]) -> None:
    """Replace the indicators an action addresses."""
    db.execute("DELETE FROM plan_action_indicators WHERE action_id = ?", [action_id])
    db.conn.executemany(
        "INSERT INTO plan_action_indicators (action_id, indicator_id, domain_id) VALUES (?, ?, ?)",
        [(action_id, i, d) for i, d in domains.items()])


def update_action(db, action_id: int, base_version: int, *, title: str, lead: str, indicator_ids,
                  target_date: dt.date | None, status: str, today: dt.date | None = None) -> int:
    """Change an action's fields and indicators; return its new version, or raise StaleAction."""
    title, lead = check_text(title, "what will be done", MAX_TITLE), check_text(lead, "the lead", MAX_LEAD)
    status = check_status(status)
    with _writing(db):
        row = _locked_row(db, action_id, base_version)
        domains = check_indicators(db, row["round_id"], indicator_ids)
        db.execute(
            "UPDATE plan_actions SET title = ?, lead = ?, target_date = ?, status = ?, completed_on = ?, "
            "version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
            [title, lead, _iso(target_date), status, _completed_on(row, status, today), action_id])
        _link_indicators(db, action_id, domains)
    return base_version + 1


def _locked_row(db, action_id: int, base_version: int | None) -> dict:
    """Return an action's stored row inside a write transaction, refusing a stale version."""
    cursor = db.execute("SELECT * FROM plan_actions WHERE id = ?", [action_id])
    found = cursor.fetchone()
    if found is None:
        raise PlanError(f"there is no action {action_id}")
    row = dict(zip([d[0] for d in cursor.description], found))
    if base_version is not None and row["version"] != base_version:
        raise StaleAction()
    return row


def _completed_on(row: dict, status: str, today: dt.date | None) -> str | None:
    """Return the completion date an action should carry after a status change."""
    if status != "done":
        return None
    # a done action keeps the day it was first marked done
    return row["completed_on"] or _iso(today or dt.date.today())


def set_status(db, action_id: int, status: str, *, base_version: int | None = None,
               today: dt.date | None = None) -> None:
    """Change an action's status only."""
    status = check_status(status)
    with _writing(db):
        row = _locked_row(db, action_id, base_version)
        _write_status(db, row, status, today)


def _write_status(db, row: dict, status: str, today: dt.date | None) -> None:
    """Store a status and its completion date, bumping the version when it changed."""
    if row["status"] == status:
        return
    db.execute(
        "UPDATE plan_actions SET status = ?, completed_on = ?, version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
        [status, _completed_on(row, status, today), row["id"]])


def complete_action(db, action_id: int, *, today: dt.date | None = None) -> None:
    """Mark an action done today (or keep the day it was first marked done)."""
    set_status(db, action_id, "done", today=today)


def add_note(db, action_id: int, note: str, *, noted_on: dt.date, status: str | None = None,
             author_id: int | None = None, author_name: str = "", today: dt.date | None = None) -> int:
    """Record a dated progress note, changing the action's status with it when given; return its id."""
    note = check_text(note, "the progress note", MAX_NOTE)
    today = today or dt.date.today()
    if noted_on > today:
        raise PlanError("a progress note cannot be dated in the future")
    with _writing(db):
        row = _locked_row(db, action_id, None)
        status = check_status(status or row["status"])
        _write_status(db, row, status, noted_on)  # done as of the day the note reports
        return db.execute(
            "INSERT INTO plan_notes (action_id, noted_on, note, status, author_id, author_name) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [action_id, noted_on.isoformat(), note, status, author_id, author_name]).lastrowid


def _date(text: str | None) -> dt.date | None:
    """Read a stored ISO date."""
    return dt.date.fromisoformat(text) if text else None


def _note(row: dict) -> Note:
    """Build a Note from a stored row."""
    return Note(id=row["id"], action_id=row["action_id"], noted_on=_date(row["noted_on"]), note=row["note"],
                status=row["status"], author_name=row["author_name"], created_at=row["created_at"])


def list_notes(db, action_id: int) -> list[Note]:
    """Return an action's progress notes, newest first."""
    return [_note(r) for r in db.query(
        "SELECT * FROM plan_notes WHERE action_id = ? ORDER BY noted_on DESC, id DESC", [action_id])]


def list_actions(db, *, organisation_id: int | None = None, areas=None,
                 round_ids=None, action_id: int | None = None) -> list[Action]:
    """Return actions, each with its indicators and latest note, soonest target date first."""
    where, params = [], []
    if organisation_id is not None:
        where.append("a.organisation_id = ?")
        params.append(organisation_id)
    if action_id is not None:
        where.append("a.id = ?")
        params.append(action_id)
    for column, values in (("o.area", areas), ("a.round_id", round_ids)):
        if values is not None:
            values = list(values)
            where.append(f"{column} IN ({','.join('?' * len(values))})" if values else "0")
            params.extend(values)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = list(db.query(ACTIONS_SQL + clause, params))
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    links, latest = _indicators_for(db, ids), _latest_notes(db, ids)
    actions = [_action(r, links.get(r["id"], ()), latest.get(r["id"])) for r in rows]
    # no date sorts last: "to be agreed" is not more urgent than a real deadline
    return sorted(actions, key=lambda a: (a.target_date is None, a.target_date or dt.date.max,
                                          a.organisation_name, a.id))


def _indicators_for(db, ids: list[int]) -> dict[int, tuple[LinkedIndicator, ...]]:
    """Return the linked indicators of many actions, in the order they were linked."""
    links: dict[int, list[LinkedIndicator]] = {}
    for chunk in _chunks(ids):
        for action_id, indicator, domain in db.execute(
                "SELECT action_id, indicator_id, domain_id FROM plan_action_indicators "
                f"WHERE action_id IN ({','.join('?' * len(chunk))}) ORDER BY action_id, rowid", chunk):
            links.setdefault(action_id, []).append(LinkedIndicator(indicator, domain))
    return {k: tuple(v) for k, v in links.items()}


def _latest_notes(db, ids: list[int]) -> dict[int, Note]:
    """Return each action's most recent note."""
    latest: dict[int, Note] = {}
    for chunk in _chunks(ids):
        for row in db.query(
                "SELECT * FROM plan_notes WHERE action_id IN "
                f"({','.join('?' * len(chunk))}) ORDER BY noted_on, id", chunk):
            latest[row["action_id"]] = _note(row)  # later rows overwrite earlier ones
    return latest


def _chunks(ids: list[int], size: int = 500):
    """Split ids into pieces below SQLite's limit on query parameters."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _action(row: dict, indicators, latest_note) -> Action:
    """Build an Action from a stored row."""
    return Action(
        **{k: row[k] for k in ("id", "organisation_id", "organisation_name", "area", "sector", "round_id",
                               "round_title", "framework_id", "framework_key", "title", "lead", "status",
                               "version", "created_at", "updated_at")},
        target_date=_date(row["target_date"]), completed_on=_date(row["completed_on"]),
        indicators=tuple(indicators), latest_note=latest_note)


def get_action(db, action_id: int) -> Action | None:
    """Return one action, or None."""
    found = list_actions(db, action_id=action_id)
    return found[0] if found else None


def rounds_with_results(db, organisation_id: int) -> list[dict]:
    """Return the rounds in which an organisation has submitted answers, newest first."""
    return list(db.query(
        """
        SELECT r.id, r.title, r.framework_key, f.framework_id, f.title AS framework_title
          FROM rounds r JOIN framework_versions f ON f.key = r.framework_key
         WHERE EXISTS (SELECT 1 FROM responses s WHERE s.round_id = r.id
                          AND s.organisation_id = ? AND s.status = 'submitted')
         ORDER BY r.id DESC
        """, [organisation_id]))
