"""Improvement plans: add and change actions, link their indicators, record dated progress notes.

An action belongs to one organisation and answers the results of one round;
plans/progress.py reads how its indicators moved in the next round of the same
framework, plans/queries.py reads actions back. Storage and plain rules only:
nothing here knows about Flask.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from surveyapp.frameworks.registry import framework_for_round
from surveyapp.plans.model import MAX_LEAD, MAX_NOTE, MAX_TITLE, STATUSES, PlanError, StaleAction
from surveyapp.storage.db import write_transaction


@contextmanager
def _writing(db):
    """Write in one transaction of our own, or inside the caller's when one is open (as demo loading does)."""
    if db.conn.in_transaction:
        with db.atomic():  # a savepoint: undone alone if this write fails
            yield
    else:
        with write_transaction(db):
            yield


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


def adopt_next_step(db, organisation_id: int, round_id: int, area: dict, *, lead: str,
                    created_by: int | None = None) -> int:
    """Add a development area's suggested next step to the plan as an action on its indicator; return its id."""
    if not area.get("next_step"):
        raise PlanError("this development area has no suggested next step")
    return create_action(db, organisation_id, round_id, title=area["next_step"][:MAX_TITLE], lead=lead,
                         indicator_ids=[area["indicator"]], created_by=created_by)


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
