"""Response progress for a round: organisations invited, started and submitted.

Counts by area and by sector against a Tayside total, with small counts
suppressed exactly as benchmark groups are (docs/benchmarking.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from surveyapp.benchmarks.suppression import primary_suppression, secondary_suppression

MEASURES = ("invited", "started", "submitted")

# One row per organisation in the round: invited, or with any response in it
# (an imported response counts its organisation as invited).
PROGRESS_SQL = """
WITH answered AS (
    SELECT organisation_id, MAX(status = 'submitted') AS submitted
    FROM responses WHERE round_id = :round_id GROUP BY organisation_id
), members AS (
    SELECT organisation_id FROM round_organisations WHERE round_id = :round_id
    UNION
    SELECT organisation_id FROM answered
)
SELECT o.id AS organisation_id, o.area AS area, o.sector AS sector,
       answered.organisation_id IS NOT NULL AS started,
       COALESCE(answered.submitted, 0) AS submitted
FROM members
JOIN organisations AS o ON o.id = members.organisation_id
LEFT JOIN answered ON answered.organisation_id = members.organisation_id
ORDER BY o.id
"""


@dataclass(frozen=True, eq=False)
class ResponseProgress:
    """Progress counts by area and by sector, and the Tayside total."""

    by_area: pd.DataFrame
    by_sector: pd.DataFrame
    total: dict


def response_progress(db, round_id: int, min_group: int = 3) -> ResponseProgress:
    """Count a round's organisations invited, started and submitted, suppressing small counts."""
    cursor = db.execute(PROGRESS_SQL, {"round_id": round_id})
    statuses = pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])
    return progress_counts(statuses, min_group)


def progress_counts(statuses: pd.DataFrame, min_group: int = 3) -> ResponseProgress:
    """Count organisations per area and sector from one status row per organisation."""
    counts = statuses.assign(
        invited=1, started=statuses["started"].astype(int), submitted=statuses["submitted"].astype(int),
    )
    totals = counts[list(MEASURES)].sum()
    total_hidden = primary_suppression(totals, min_group)
    total = {m: (None if total_hidden[m] else int(totals[m])) for m in MEASURES}
    total.update({f"{m}_suppressed": bool(total_hidden[m]) for m in MEASURES})
    return ResponseProgress(
        by_area=_breakdown(counts, "area", total_hidden, min_group),
        by_sector=_breakdown(counts, "sector", total_hidden, min_group),
        total=total,
    )


def _breakdown(counts: pd.DataFrame, by: str, total_hidden: pd.Series, min_group: int) -> pd.DataFrame:
    """Sum the counts per group and suppress each measure against its total."""
    wide = counts.groupby(by, sort=True)[list(MEASURES)].sum().reset_index()
    # Long form: each measure is its own breakdown of the Tayside total.
    long = wide.melt(id_vars=[by], value_vars=list(MEASURES), var_name="measure", value_name="count")
    primary = primary_suppression(long["count"], min_group)
    shown = ~long["measure"].map(total_hidden).astype(bool)
    long["suppressed"] = secondary_suppression(long, ["measure"], "count", primary, shown)
    flags = long.pivot(index=by, columns="measure", values="suppressed")
    out = wide[[by]].copy()
    for measure in MEASURES:
        hidden = wide[by].map(flags[measure]).astype(bool)
        out[measure] = wide[measure].astype("Int64").mask(hidden)
        out[f"{measure}_suppressed"] = hidden
    return out
