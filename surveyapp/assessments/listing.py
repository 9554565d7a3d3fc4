"""Every organisation's place in a round: not started, in progress, reopened or submitted.

One row per response, and one for each invited organisation with no response yet (an organisation with a
response counts as invited); by_organisation folds them to one row per round and organisation. For the
facilitator's responses page, the home pages and the round confirmations. Pure SQL and Python: no Flask here.
"""
from __future__ import annotations

import json

STATUSES = {"not_started": "Not started", "in_progress": "In progress", "reopened": "Reopened",
            "submitted": "Submitted"}

PLACES_SQL = """
WITH members AS (
    SELECT rounds.id AS round_id, organisations.id AS organisation_id
      FROM rounds JOIN organisations
     WHERE (:round_id IS NULL OR rounds.id = :round_id)
       AND (:organisations IS NULL OR organisations.id IN (SELECT value FROM json_each(:organisations)))
       AND (NOT EXISTS (SELECT 1 FROM round_organisations WHERE round_id = rounds.id)
            OR organisations.id IN (SELECT organisation_id FROM round_organisations WHERE round_id = rounds.id))
    UNION
    SELECT round_id, organisation_id FROM responses
     WHERE (:round_id IS NULL OR round_id = :round_id)
       AND (:organisations IS NULL OR organisation_id IN (SELECT value FROM json_each(:organisations)))
)
SELECT members.round_id, rounds.title AS round_title, rounds.status AS round_status, rounds.opens_on,
       rounds.closes_on,
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
 ORDER BY rounds.id DESC, organisations.name, responses.id
"""


def place_status(response_status: str | None, reopened: bool) -> str:
    """Name where an organisation stands: not_started, in_progress, reopened or submitted."""
    if response_status == "submitted":
        return "submitted"
    if response_status is None:
        return "not_started"
    return "reopened" if reopened else "in_progress"


def round_places(db, round_id: int | None = None, organisations: list[int] | None = None) -> list[dict]:
    """Return one row per response (or per organisation with none) in every round or one, with its status.

    With `organisations`, only those organisations' places: the filters apply before the rounds are
    crossed with the organisations, so one round or one lead's organisations cost only their own rows.
    """
    wanted = None if organisations is None else json.dumps(list(organisations))
    rows = list(db.query(PLACES_SQL, {"round_id": round_id, "organisations": wanted}))
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


# Open means what rounds.is_open says: status open, and today within its dates (ISO dates compare as text).
OPEN_SQL = """rounds.status = 'open' AND (rounds.opens_on IS NULL OR rounds.opens_on = '' OR rounds.opens_on <= :today)
 AND (rounds.closes_on IS NULL OR rounds.closes_on = '' OR rounds.closes_on >= :today)"""

OPEN_COUNTS_SQL = f"""
WITH shown AS (
    SELECT rounds.id FROM rounds WHERE {OPEN_SQL} ORDER BY rounds.id DESC LIMIT :limit
), members AS (
    SELECT shown.id AS round_id, organisations.id AS organisation_id
      FROM shown JOIN organisations
     WHERE NOT EXISTS (SELECT 1 FROM round_organisations WHERE round_id = shown.id)
        OR organisations.id IN (SELECT organisation_id FROM round_organisations WHERE round_id = shown.id)
    UNION
    SELECT round_id, organisation_id FROM responses WHERE round_id IN (SELECT id FROM shown)
)
SELECT members.round_id, organisations.area, count(*) AS invited,
       sum(EXISTS (SELECT 1 FROM responses
                    WHERE responses.round_id = members.round_id
                      AND responses.organisation_id = members.organisation_id
                      AND responses.status = 'submitted')) AS submitted
  FROM members JOIN organisations ON organisations.id = members.organisation_id
 GROUP BY members.round_id, organisations.area
"""


def open_rounds(db, today: str, limit: int) -> tuple[list[dict], int]:
    """Return the newest `limit` rounds open on `today` (an ISO date), and how many are open in all."""
    rows = list(db.query(
        f"""SELECT rounds.*, framework_versions.framework_id, framework_versions.title AS framework_title
              FROM rounds JOIN framework_versions ON framework_versions.key = rounds.framework_key
             WHERE {OPEN_SQL} ORDER BY rounds.id DESC LIMIT :limit""", {"today": today, "limit": limit}))
    total = db.execute(f"SELECT count(*) FROM rounds WHERE {OPEN_SQL}", {"today": today}).fetchone()[0]
    return rows, total


def open_round_counts(db, today: str, limit: int) -> list[dict]:
    """Count, in one statement, the organisations invited and submitted per area in the newest open rounds."""
    return list(db.query(OPEN_COUNTS_SQL, {"today": today, "limit": limit}))
