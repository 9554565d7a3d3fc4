"""Every organisation's place in a round: not started, in progress, reopened or submitted.

One row per response, and one for each invited organisation with no response yet (an organisation with a
response counts as invited); by_organisation folds them to one row per round and organisation. For the
facilitator's responses page, the home pages and the round confirmations. Pure SQL and Python: no Flask here.
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
)
SELECT members.round_id, rounds.title AS round_title, rounds.status AS round_status, rounds.closes_on,
       framework_versions.framework_id, framework_versions.title AS framework_title,
       organisations.id AS organisation_id, organisations.name AS organisation_name,
       organisations.area, organisations.sector,
       responses.id AS response_id, responses.respondent, responses.status AS response_status,
       responses.reference,
       responses.submitted_at, responses.updated_at,
       EXISTS (SELECT 1 FROM reopenings WHERE reopenings.response_id = responses.id) AS reopened
  FROM members
  JOIN rounds ON rounds.id = members.round_id
  JOIN framework_versions ON framework_versions.key = rounds.framework_key
  JOIN organisations ON organisations.id = members.organisation_id
  LEFT JOIN responses ON responses.round_id = members.round_id
                     AND responses.organisation_id = members.organisation_id
 WHERE (:round_id IS NULL OR members.round_id = :round_id)
 ORDER BY rounds.id DESC, organisations.name, responses.id
"""


def place_status(response_status: str | None, reopened: bool) -> str:
    """Name where an organisation stands: not_started, in_progress, reopened or submitted."""
    if response_status == "submitted":
        return "submitted"
    if response_status is None:
        return "not_started"
    return "reopened" if reopened else "in_progress"


def round_places(db, round_id: int | None = None) -> list[dict]:
    """Return one row per response (or per organisation with none) in every round or one, with its status."""
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


RANK = {"submitted": 3, "reopened": 2, "in_progress": 1, "not_started": 0}


def by_organisation(rows: list[dict]) -> list[dict]:
    """Fold rows to one per round and organisation: a submitted response speaks for it, then one in progress."""
    best: dict[tuple, dict] = {}
    for row in rows:
        key = (row["round_id"], row["organisation_id"])
        if key not in best or RANK[row["status"]] > RANK[best[key]["status"]]:
            best[key] = row
    return list(best.values())
