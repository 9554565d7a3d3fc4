"""Who has not submitted in a round, and the reminders sent to them (at most one per person, round and day)."""
from __future__ import annotations

import datetime as dt

NOT_SUBMITTED_SQL = """
WITH invited AS (
    SELECT organisations.* FROM organisations
     WHERE NOT EXISTS (SELECT 1 FROM round_organisations WHERE round_id = :round_id)
        OR id IN (SELECT organisation_id FROM round_organisations WHERE round_id = :round_id)
)
SELECT invited.id AS organisation_id, invited.name AS organisation_name, invited.area,
       (SELECT status FROM responses WHERE round_id = :round_id AND organisation_id = invited.id
         ORDER BY status = 'submitted' DESC LIMIT 1) AS response_status,
       users.id AS user_id, users.name, users.email,
       (SELECT max(sent_on) FROM reminders WHERE round_id = :round_id AND user_id = users.id) AS last_reminded
  FROM invited
  LEFT JOIN memberships ON memberships.organisation_id = invited.id
  LEFT JOIN users ON users.id = memberships.user_id AND users.active = 1 AND users.role = 'service_lead'
 WHERE NOT EXISTS (SELECT 1 FROM responses WHERE round_id = :round_id AND organisation_id = invited.id
                     AND status = 'submitted')
 ORDER BY invited.name, users.name
"""


def not_submitted(db, round_id: int) -> list[dict]:
    """Return each organisation in the round with no submitted response, once per service lead (or once
    with user_id None when it has nobody to remind)."""
    by_organisation: dict[int, list[dict]] = {}
    for row in db.query(NOT_SUBMITTED_SQL, {"round_id": round_id}):
        by_organisation.setdefault(row["organisation_id"], []).append(row)
    # a row with no person comes from an organisation with no active service lead (or an inactive member)
    return [row for rows in by_organisation.values()
            for row in ([r for r in rows if r["user_id"] is not None] or rows[:1])]


def claim_reminder(db, round_id: int, user_id: int, sent_by: int, today: dt.date | None = None) -> bool:
    """Record today's reminder for a person in a round; return False if they already had one today."""
    day = (today or dt.datetime.now(dt.UTC).date()).isoformat()
    return db.execute("INSERT OR IGNORE INTO reminders (round_id, user_id, sent_on, sent_by) VALUES (?, ?, ?, ?)",
                      [round_id, user_id, day, sent_by]).rowcount == 1


def link_message(db, round_id: int, user_id: int, outbox_id: int, today: dt.date | None = None) -> None:
    """Note which outbox message carried a reminder."""
    day = (today or dt.datetime.now(dt.UTC).date()).isoformat()
    db.execute("UPDATE reminders SET outbox_id = ? WHERE round_id = ? AND user_id = ? AND sent_on = ?",
               [outbox_id, round_id, user_id, day])
