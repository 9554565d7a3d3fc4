"""Shape an organisation's benchmark summary for its own results page."""
from __future__ import annotations

import math

from surveyapp.benchmarks.disclosure import Viewer
from surveyapp.benchmarks.round_cache import published_benchmark
from surveyapp.benchmarks.summaries import organisation_summary


def _number(value):
    """Return a float, or None for missing and suppressed values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def organisation_summary_for(db, round_row: dict, organisation: dict, framework, min_group: int,
                             viewer: Viewer) -> dict:
    """Return the scores, area benchmarks, strengths and development areas of one organisation, for a viewer."""
    bench = published_benchmark(db, round_row["id"], viewer, min_group)
    values = framework.scales[0].values
    base = {"n_respondents": 0, "scale_low": values[0], "scale_high": values[-1], "min_group": min_group,
            "benchmark_label": "Area average", "show_benchmark": True}
    try:
        summary = organisation_summary(bench, organisation["id"], framework)
    except KeyError:
        return base
    titles = {d.id: d.title for d in framework.domains}
    domains = [
        {"title": titles.get(row["domain"], row["domain"]), "score": _number(row["score"]),
         "benchmark": _number(row["area_mean"]), "benchmark_suppressed": _number(row["area_mean"]) is None}
        for row in summary.domains
    ]
    overall_benchmark = _number(summary.overall["area_mean"])

    def picked(items):
        return [{"text": i["text"], "domain_title": titles.get(i["domain"], i["domain"]),
                 "score": _number(i["score"]), "benchmark": _number(i["benchmark_mean"]), "comments": []}
                for i in items]

    return base | {
        "n_respondents": int(summary.organisation["n_respondents"]),
        "domains": domains,
        "overall": _number(summary.overall["score"]),
        "overall_benchmark": overall_benchmark,
        "overall_benchmark_suppressed": overall_benchmark is None,
        "any_suppressed": overall_benchmark is None or any(d["benchmark_suppressed"] for d in domains),
        "strengths": picked(summary.strengths),
        "development": picked(summary.development),
    }
