"""Fictional targets for the demo: levels some organisations set on their 2025/26 development areas.

Each target is one level above the organisation's 2025/26 score on that
indicator (at most the top of the scale), so the 2026/27 reports show some
targets met and some not, and the area reports count them. All fictional.
"""
from __future__ import annotations

import math

from surveyapp.demo.plans import DEMO_ROUND_TITLE
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.plans.records import development_areas
from surveyapp.plans.targets import set_target

TARGETS_EACH = 3
SET_BY = "Sam Service-Lead (fictional)"


def load_demo_targets(db, min_group: int = 3) -> list[str]:
    """Set targets on the 2025/26 round for every demo organisation with development areas; return what was done."""
    if db.execute("SELECT 1 FROM targets LIMIT 1").fetchone():
        return ["Demo targets are already loaded."]
    row = db.execute("SELECT id FROM rounds WHERE title = ?", [DEMO_ROUND_TITLE]).fetchone()
    if row is None:
        return ["No 2025/26 demo round, so no demo targets."]
    round_id = row[0]
    framework = framework_for_round(db, round_id)
    organisations = [r[0] for r in db.execute(
        "SELECT DISTINCT organisation_id FROM responses WHERE round_id = ? AND status = 'submitted' "
        "ORDER BY organisation_id", [round_id])]
    count = 0
    for org_id in organisations:
        for area in development_areas(db, round_id, org_id, min_group)[:TARGETS_EACH]:
            indicator = framework.indicator(area["indicator"])
            score = area.get("score")
            if score is None or indicator is None or indicator.scale is None:
                continue
            higher = [v for v in indicator.scale.values if v >= math.floor(score) + 1]
            set_target(db, org_id, round_id, indicator.id, higher[0] if higher else max(indicator.scale.values),
                       set_by_name=SET_BY, check_window=False)
            count += 1
    return [f"{count} targets for the next round, set on 2025/26 results by {len(organisations)} fictional "
            "organisations"]
