"""Every organisation's place in a round: not started, in progress, reopened or submitted.

One row per round and invited organisation (an organisation with a response counts as invited), for the
facilitator's responses page and the home pages. Pure SQL and Python: no Flask here.
"""
from __future__ import annotations

STATUSES = {"not_started": "Not started", "in_progress": "In progress", "reopened": "Reopened",
            "submitted": "Submitted"}

PLACES_SQL = """
WITH members AS (
    SELECT rounds.id AS round_id, organisations.id AS organisation_id
      FROM rounds JOIN organisations
     WHERE NOT EXISTS (SELECT 1 FROM round_organisations WHERE round_id = rounds.id)
        OR organisations.id IN (SELECT organisation_id FROM round_organisations WHERE round_id = rounds.id)
    UNION
    SELECT round_id, organisation_id FROM responses
), best AS (   -- the response that speaks for the organisation: a submitted one first, then the latest
    SELECT members.round_id, members.organisation_id,
           (SELECT id FROM responses r WHERE r.round_id = members.round_id
               AND r.organisation_id = members.organisation_id
             ORDER BY r.status = 'submitted' DESC, r.updated_at DESC, r.id DESC LIMIT 1) AS response_id
      FROM members
)
SELECT best.round_id, rounds.title AS round_title, rounds.status AS round_status, rounds.closes_on,
       framework_versions.framework_id, framework_versions.title AS framework_title,
       organisations.id AS organisation_id, organisations.name AS organisation_name,
       organisations.area, organisations.sector,
       responses.id AS response_id, responses.status AS response_status, responses.reference,
       responses.submitted_at, responses.updated_at,
       EXISTS (SELECT 1 FROM reopenings WHERE reopenings.response_id = responses.id) AS reopened
  FROM best
  JOIN rounds ON rounds.id = best.round_id
  JOIN framework_versions ON framework_versions.key = rounds.framework_key
  JOIN organisations ON organisations.id = best.organisation_id
  LEFT JOIN responses ON responses.id = best.response_id
 WHERE (:round_id IS NULL OR best.round_id = :round_id)
 ORDER BY rounds.id DESC, organisations.name
"""


def place_status(response_status: str | None, reopened: bool) -> str:
    """Name where an organisation stands: not_started, in_progress, reopened or submitted."""
    if response_status == "submitted":
        return "submitted"
    if response_status is None:
        return "not_started"
    return "reopened" if reopened else "in_progress"


def round_places(db, round_id: int | None = None) -> list[dict]:
    """Return one row per round and organisation in it (or in one round), with its status."""
    rows = list(db.query(PLACES_SQL, {"round_id": round_id}))
    for row in rows:
        row["status"] = place_status(row["response_status"], bool(row["reopened"]))
    return rows


def count_by(rows: list[dict], key: str) -> dict:
    """Count rows by one column's value, in first-seen order."""
    counts: dict = {}
    for row in rows:
        counts[row[key]] = counts.get(row[key], 0) + 1
    return counts
