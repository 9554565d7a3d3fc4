"""A round's stored answers reduced to one row per organisation and indicator, and how it is read.

The reference reduction (`reduce_answers`) runs over the answers; the database keeps
its result current in stats_org_indicator (migration 0006_maintained_stats), which
every benchmark reads (`load_org_indicator_stats`). Nothing here knows about pandas
statistics or Flask: it returns typed frames for benchmarks.aggregation.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np
import pandas as pd

# Rows holding both a value and an option break the answer contract; the WHERE
# clause drops them (they count as blanks), which lets every aggregate read a
# plain column instead of a CASE per row: about a fifth cheaper at national scale.
# This is the reference reduction, read from the answers: the database keeps its
# result up to date in stats_org_indicator (migration 0006_maintained_stats, the
# same statement per organisation, run by triggers in the transaction of every
# change), and only `surveyapp benchmark --rebuild` and the tests run it for a whole
# round. One organisation at a time: the responses index hands over each one's rows
# together, and SQLite sorts a few hundred rows per GROUP BY instead of every
# answer in the round at once (2.6-2.8 s against 3.3-3.6 s for one GROUP BY over
# 1.8 million answers, which needs a temporary B-tree).
ORG_INDICATOR_SQL = """
SELECT r.organisation_id AS organisation_id,
       a.indicator_id AS indicator,
       COUNT(a.value) AS n_scoring,
       SUM(a.value) AS value_sum,
       MIN(a.value) AS value_min,
       MAX(a.value) AS value_max,
       COUNT(a.option) AS n_non_scoring
FROM responses AS r
JOIN answers AS a ON a.response_id = r.id
WHERE r.round_id = ? AND r.organisation_id = ? AND r.status = 'submitted'
  AND (a.option IS NULL OR a.value IS NULL)
GROUP BY a.indicator_id
"""

# The same rows as the reference gives, kept by the database: one range of the primary key.
MAINTAINED_SQL = """
SELECT organisation_id, indicator_id, n_scoring, value_sum, value_min, value_max, n_non_scoring
FROM stats_org_indicator WHERE round_id = ?
"""

ORGANISATIONS_SQL = """
SELECT o.id AS organisation_id, o.name AS name, o.area AS area, o.sector AS sector,
       COUNT(*) AS n_respondents
FROM responses AS r
JOIN organisations AS o ON o.id = r.organisation_id
WHERE r.round_id = ? AND r.status = 'submitted'
GROUP BY o.id
ORDER BY o.id
"""


# Column types of ORG_INDICATOR_SQL's rows; "O" where SQL may give NULL (no scoring answer).
STATS_DTYPE = np.dtype([
    ("organisation_id", "i8"), ("indicator", "O"), ("n_scoring", "i8"), ("value_sum", "O"),
    ("value_min", "O"), ("value_max", "O"), ("n_non_scoring", "i8"),
])


def load_org_indicator_stats(db, round_id: int) -> pd.DataFrame:
    """Return a round's maintained reduction: one row per organisation and indicator.

    The database keeps these rows current (stats_org_indicator), so this reads
    180,000 rows at national scale instead of reducing 1.8 million answers.
    """
    return stats_frame(db.execute(MAINTAINED_SQL, (round_id,)))


def reduce_answers(db, round_id: int, organisation_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Reduce a round's submitted answers to one row per organisation and indicator, in SQL: the reference.

    `organisation_ids` are those with submitted responses (load_organisations);
    they are looked up when not given. The pages never call this: they read the
    maintained rows (load_org_indicator_stats).
    """
    if organisation_ids is None:
        organisation_ids = load_organisations(db, round_id)["organisation_id"]
    cursors = (db.execute(ORG_INDICATOR_SQL, (round_id, int(org))) for org in organisation_ids)
    return stats_frame(itertools.chain.from_iterable(cursors))


def stats_frame(rows: Iterable[tuple]) -> pd.DataFrame:
    """Turn reduction rows into a typed frame."""
    # Straight from the cursors into typed arrays: no list of 180,000 tuples, no type guessing.
    rows = np.fromiter(rows, dtype=STATS_DTYPE)
    frame = pd.DataFrame({name: rows[name] for name in STATS_DTYPE.names})
    frame["indicator"] = frame["indicator"].astype(str)
    for column in ("value_sum", "value_min", "value_max"):
        frame[column] = frame[column].astype(float)  # NULL (None) becomes NaN
    return frame


def load_organisations(db, round_id: int) -> pd.DataFrame:
    """Return the organisations with submitted responses in a round, with their respondent counts."""
    cursor = db.execute(ORGANISATIONS_SQL, (round_id,))
    return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])


SERIAL_SQL = "SELECT ifnull(max(serial), 0) FROM stats_changes"
