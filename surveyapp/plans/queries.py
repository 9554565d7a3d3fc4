"""Read improvement plans back: actions with their indicators and latest note, notes, rounds with results."""
from __future__ import annotations

import datetime as dt

from surveyapp.plans.model import Action, LinkedIndicator, Note

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
