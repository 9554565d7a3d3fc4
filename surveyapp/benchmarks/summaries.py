"""Read one organisation's or one group's story out of a RoundBenchmark.

Strengths, development areas, summary pages and change between rounds. Pure
functions over the benchmark's tables; they return plain records for a
report to render. One organisation's rows are found through an index kept
beside each benchmark, so many reports from one benchmark do not each scan it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveyapp.benchmarks.aggregation import GROUPINGS, RoundBenchmark
from surveyapp.benchmarks.organisation_rows import INDICATOR_CODES, group_means, organisation_columns, plain_list
from surveyapp.benchmarks.ranking import TIE_DECIMALS
from surveyapp.benchmarks.records import group_table, plain_value
from surveyapp.frameworks.model import Framework

GAP_COLUMNS = ("gap_area", "gap_sector", "gap_tayside", "percentile_area", "percentile_sector")
# Keys that identify the same group in two rounds; an organisation may move area or sector.
CHANGE_KEYS = {"organisation": ["organisation"], **{by: list(keys) for by, keys in GROUPINGS.items()}}


@dataclass(frozen=True)
class OrganisationSummary:
    """Everything an organisation's own summary page shows."""

    organisation: dict
    overall: dict
    domains: list[dict]
    indicators: list[dict]
    strengths: list[dict]
    development: list[dict]


@dataclass(frozen=True)
class GroupSummary:
    """Everything an area, sector or Tayside report shows about one group."""

    by: str
    key: object
    overall: dict
    domains: list[dict]
    indicators: list[dict] = field(default_factory=list)


def strengths_and_development(
    bench: RoundBenchmark, organisation_id: int, framework: Framework,
) -> tuple[list[dict], list[dict]]:
    """Pick an organisation's strengths and development areas among its indicators."""
    rows = [r for r in _benchmarked_indicators(bench, organisation_id, framework) if not _nan(r["score"])]
    rule = framework.development
    strengths = sorted((r for r in rows if r["score"] >= framework.strengths.min_score),
                       key=lambda r: (-r["score"], *_gap_key(-r["gap"]), r["position"]))
    # the threshold compares the gap rounded as pandas rounds (numpy), so ties break the same way
    gaps = np.round(np.array([r["gap"] for r in rows], dtype=float), TIE_DECIMALS)
    development = sorted((r for r, gap in zip(rows, gaps) if r["score"] <= rule.max_score or gap <= -rule.gap),
                         key=lambda r: (r["score"], *_gap_key(r["gap"]), r["position"]))
    columns = ("indicator", "domain", "text", "score", "benchmark", "benchmark_mean", "gap")
    return ([{c: plain_value(r[c]) for c in columns} for r in strengths[:framework.strengths.max]],
            [{c: plain_value(r[c]) for c in columns} for r in development[:rule.max]])


def _nan(value: float) -> bool:
    """Return True for NaN."""
    return value != value


def _gap_key(gap: float) -> tuple:
    """Sort a gap in order with missing gaps last, whichever way the others go."""
    return (True, 0.0) if _nan(gap) else (False, gap)


def _benchmarked_indicators(bench, organisation_id, framework) -> list[dict]:
    """Return an organisation's indicator scores beside the benchmark each is compared with."""
    org = _org_row(bench, organisation_id)
    found = organisation_columns(bench, "indicator", organisation_id, ("indicator", "domain", "score", INDICATOR_CODES))
    area = group_means(bench, "area", "indicator").get((org["area"],), {})
    tayside = group_means(bench, "tayside", "indicator").get((), {})
    texts = {i.id: i.text for i in framework.indicators}
    rows = []
    for indicator, domain, score, position in zip(*(found[c].tolist() for c in found)):
        indicator, domain = str(indicator), str(domain)
        # the area is the fairer comparison; Tayside stands in when the area is hidden
        area_mean = _float(area.get(indicator))
        use_area = not _nan(area_mean)
        benchmark_mean = area_mean if use_area else _float(tayside.get(indicator))
        rows.append({"indicator": indicator, "domain": domain, "score": score,
                     "benchmark": "area" if use_area else "tayside", "benchmark_mean": benchmark_mean,
                     "gap": score - benchmark_mean, "text": texts.get(indicator), "position": position})
    return rows


def _float(value) -> float:
    """Return a benchmark mean as a float, NaN when there is none."""
    return float("nan") if value is None else value


def organisation_summary(
    bench: RoundBenchmark, organisation_id: int, framework: Framework,
    previous: RoundBenchmark | None = None,
) -> OrganisationSummary:
    """Gather an organisation's scores, positions, strengths and development areas."""
    org = _org_row(bench, organisation_id)
    strengths, development = strengths_and_development(bench, organisation_id, framework)
    titles = {d.id: d.title for d in framework.domains}
    texts = {i.id: i.text for i in framework.indicators}
    overall = _org_level(bench, org, "overall", ["n_domains"])
    domains = _org_level(bench, org, "domain", ["n_indicators"])
    indicators = _org_level(bench, org, "indicator", ["n_scoring", "n_non_scoring", "n_blank"])
    agreement = _agreement_by_indicator(bench, organisation_id)
    for row in domains:
        row["title"] = titles.get(row["domain"], row["domain"])
    for row in indicators:
        row["text"] = texts.get(row["indicator"], row["indicator"])
        found = agreement.get(row["indicator"])
        for column in ("spread", "spread_levels", "low_agreement"):
            row[column] = found[column] if found is not None else None
    if previous is not None:
        _attach_change(domains, previous, bench, organisation_id, "domain")
        _attach_change(indicators, previous, bench, organisation_id, "indicator")
        _attach_change(overall, previous, bench, organisation_id, "overall")
    return OrganisationSummary(
        organisation={k: plain_value(v) for k, v in org.items()}, overall=overall[0], domains=domains,
        indicators=indicators, strengths=strengths, development=development,
    )


def organisation_agreement(bench: RoundBenchmark, organisation_id: int) -> list[dict]:
    """Return an organisation's rows of the agreement table as plain records, in table order."""
    found = organisation_columns(bench, "agreement", organisation_id, list(bench.agreement.columns))
    return [dict(zip(found, row)) for row in zip(*(values.tolist() for values in found.values()))]


def _agreement_by_indicator(bench, organisation_id) -> dict[str, dict]:
    """Return an organisation's spread of answers per indicator, as plain values."""
    columns = ("indicator", "spread", "spread_levels", "low_agreement")
    found = organisation_columns(bench, "agreement", organisation_id, columns)
    values = [[str(v) for v in found["indicator"].tolist()], *(plain_list(found[c]) for c in columns[1:])]
    return {row[0]: dict(zip(columns[1:], row[1:])) for row in zip(*values)}


def _org_row(bench: RoundBenchmark, organisation_id: int) -> dict:
    """Return an organisation's name, area, sector and respondents, or raise KeyError."""
    found = organisation_columns(bench, "organisations", organisation_id, list(bench.organisations.columns))
    if not len(found["organisation_id"]):
        raise KeyError(f"organisation {organisation_id} has no submitted responses in this round")
    return {column: values[0] for column, values in found.items()}


def _org_level(bench, org: dict, level, counts) -> list[dict]:
    """Return an organisation's rows at one level with each benchmark's mean beside them."""
    item = [c for c in ("domain", "indicator") if c in bench.org_table(level)]
    found = organisation_columns(bench, level, org["organisation_id"], [*item, "score", *counts, *GAP_COLUMNS])
    out = {c: [str(v) for v in values.tolist()] if c in item else plain_list(values) for c, values in found.items()}
    rows = len(found["score"])
    for by in ("area", "sector", "tayside"):
        means = group_means(bench, by, level).get(tuple(org[column] for column in GROUPINGS[by]), {})
        # the last item column (indicator, or domain) names the row
        out[f"{by}_mean"] = ([plain_value(means.get(key)) for key in out[item[-1]]] if item
                             else [plain_value(means.get(None))] * rows)
    return [dict(zip(out, row)) for row in zip(*out.values())]


def _attach_change(rows: list[dict], previous, current, organisation_id, level) -> None:
    """Add each row's score in the previous round and the change since, in place."""
    changes = organisation_change(previous, current, organisation_id, level)
    key = {"overall": None, "domain": "domain", "indicator": "indicator"}[level]
    for row in rows:
        row["previous"], row["change"] = changes.get(row[key] if key else None, (None, None))


def organisation_change(previous: RoundBenchmark, current: RoundBenchmark, organisation_id: int,
                        level: str) -> dict:
    """Return {item: (previous score, change)} for one organisation, items scored in both rounds.

    The same numbers as change_since(previous, current, "organisation", level) gives for this
    organisation's rows, read through the per-organisation index: one report builds one
    organisation's changes, not the whole round's (0.8 s at national scale).
    """
    if previous.framework_id != current.framework_id:
        raise ValueError(
            f"rounds use different frameworks: {previous.framework_id!r} and {current.framework_id!r}")
    item = {"indicator": "indicator", "domain": "domain", "overall": None}[level]
    columns = ["score", *([item] if item else [])]
    before, after = (organisation_columns(bench, level, organisation_id, columns) for bench in (previous, current))
    if not len(before["score"]) or not len(after["score"]):
        return {}
    keys = ([str(v) for v in b[item].tolist()] if item else [None] for b in (before, after))
    earlier = dict(zip(next(keys), before["score"].astype(float).tolist()))
    out = {}
    for key, score in zip(next(keys), after["score"].astype(float).tolist()):
        if key in earlier and key not in out:  # the first row, as the merged table's lookup took it
            was = earlier[key]
            change = score - was
            if change == change:  # both rounds scored it
                out[key] = (plain_value(was), plain_value(change))
    return out


def group_summary(bench: RoundBenchmark, by: str, key=None) -> GroupSummary:
    """Gather one comparison group's statistics at every level, with Tayside beside them."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}: use organisation_summary for one organisation")
    keys = list(GROUPINGS[by])
    values = [] if not keys else ([key] if len(keys) == 1 else list(key))
    levels = {}
    for level in ("overall", "domain", "indicator"):
        table = group_table(bench, by, level)
        for column, value in zip(keys, values):
            table = table[table[column] == value]
        tayside = group_table(bench, "tayside", level)
        item = [c for c in ("domain", "indicator") if c in table]
        if item:
            table = table.merge(tayside[[*item, "mean"]].rename(columns={"mean": "tayside_mean"}),
                                on=item, how="left")
        else:
            table = table.assign(tayside_mean=tayside["mean"].iloc[0] if len(tayside) else None)
        levels[level] = _records(table.drop(columns=keys).astype(dict.fromkeys(item, str)))
    if not levels["overall"]:
        raise KeyError(f"no {by} group {key!r} in this round")
    return GroupSummary(by=by, key=key, overall=levels["overall"][0], domains=levels["domain"],
                        indicators=levels["indicator"])


def change_since(
    previous: RoundBenchmark, current: RoundBenchmark, by: str = "organisation", level: str = "domain",
) -> pd.DataFrame:
    """Compare two rounds of the same framework per group and item present in both."""
    if previous.framework_id != current.framework_id:
        raise ValueError(
            f"rounds use different frameworks: {previous.framework_id!r} and {current.framework_id!r}")
    # match by id alone: a new framework version may move an indicator between domains
    item = {"indicator": ["indicator"], "domain": ["domain"], "overall": []}[level]
    group_keys = CHANGE_KEYS[by] or ["_all"]  # Tayside: one group, given a constant key
    extra = ["domain"] if level == "indicator" else []  # the current round's domain
    # plain strings: two rounds' categorical keys need not share categories
    labels = [c for c in (*group_keys, *extra, *item) if c in ("area", "sector", "domain", "indicator")]
    before, after = (
        group_table(bench, by, level).astype(dict.fromkeys(labels, str)).assign(_all=0)
        for bench in (previous, current)
    )
    both = after[[*group_keys, *extra, *item, "mean", "suppressed", "reason"]].merge(
        before[[*group_keys, *item, "mean", "suppressed", "reason"]], on=[*group_keys, *item], how="inner",
        suffixes=("", "_previous"))
    suppressed = both["suppressed"] | both["suppressed_previous"]
    out = both[[*group_keys, *extra, *item]].copy()
    # a change is hidden when either round's figure is: say the reason of the one that hides it
    out["reason"] = both["reason"].where(both["suppressed"], both["reason_previous"]).where(suppressed, "")
    out["previous"] = both["mean_previous"].astype(float).mask(suppressed)
    out["current"] = both["mean"].astype(float).mask(suppressed)
    out["change"] = out["current"] - out["previous"]
    out["suppressed"] = suppressed
    out = out[suppressed | out["change"].notna()].drop(columns=["_all"], errors="ignore")
    return out.reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Turn a frame into plain records."""
    return [{k: plain_value(v) for k, v in row.items()} for row in frame.to_dict("records")]
