"""How a group's answers to one indicator spread over its levels, as one viewer may see it.

The counts sum over the same organisations as the group's published figures,
so they are shown only where those are; and never where every answer from
organisations the viewer does not know sits at one level, since that would
tell the viewer each of those organisations' answer (docs/disclosure.md).
"""
from __future__ import annotations

import numpy as np

from surveyapp.benchmarks.disclosure import ALIKE, Viewer, counts_pin_members

LEVEL_COUNTS_SQL = """
SELECT r.organisation_id, a.value, a.option, COUNT(*) AS n
FROM answers AS a
JOIN responses AS r ON r.id = a.response_id
JOIN organisations AS o ON o.id = r.organisation_id
WHERE r.round_id = :round_id AND r.status = 'submitted' AND a.indicator_id = :indicator
  AND (:area IS NULL OR o.area = :area) AND (:sector IS NULL OR o.sector = :sector)
GROUP BY r.organisation_id, a.value, a.option
"""


def level_counts(db, round_id: int, indicator: str, area: str | None, sector: str | None, viewer: Viewer,
                 record: dict | None, named: bool = False) -> tuple[dict | None, str]:
    """Return ({level value or option key: answers}, "") or (None, why hidden) for one group and indicator.

    `record` is the group's published record for the indicator (None: no such group).
    """
    if record is None or record.get("suppressed"):
        return None, (record or {}).get("reason") or "too-few"
    params = {"round_id": round_id, "indicator": indicator, "area": area, "sector": sector}
    rows = db.execute(LEVEL_COUNTS_SQL, params).fetchall()
    known = viewer.knows([row[0] for row in rows])
    counts: dict = {}
    unknown: dict = {}
    for (_, value, option, n), is_known in zip(rows, known):
        level = option if option is not None else float(value)
        counts[level] = counts.get(level, 0) + n
        if not is_known:
            unknown[level] = unknown.get(level, 0) + n
    if not named and counts_pin_members(np.array(list(unknown.values()) or [0])):
        return None, ALIKE
    return counts, ""
