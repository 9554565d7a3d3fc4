"""Read one organisation's or one group's story out of a RoundBenchmark.

Strengths, development areas, summary pages and change between rounds. Pure
functions over the benchmark's tables; they return plain records for a
report to render.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .aggregation import GROUPINGS, RoundBenchmark, group_table, plain_value
from .framework_model import Framework
from .ranking import TIE_DECIMALS

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
    rows = _benchmarked_indicators(bench, organisation_id, framework)
    rows = rows[rows["score"].notna()]
    gap = rows["gap"].round(TIE_DECIMALS)
    strong = rows[rows["score"] >= framework.strengths.min_score]
    strengths = strong.sort_values(
        ["score", "gap", "position"], ascending=[False, False, True], na_position="last",
    ).head(framework.strengths.max)
    rule = framework.development
    weak = rows[(rows["score"] <= rule.max_score) | (gap <= -rule.gap)]
    development = weak.sort_values(
        ["score", "gap", "position"], ascending=[True, True, True], na_position="last",
    ).head(rule.max)
    columns = ["indicator", "domain", "text", "score", "benchmark", "benchmark_mean", "gap"]
    return _records(strengths[columns]), _records(development[columns])


def _benchmarked_indicators(bench, organisation_id, framework) -> pd.DataFrame:
    """Return an organisation's indicator scores beside the benchmark each is compared with."""
    org = _org_row(bench, organisation_id)
    rows = bench.org_indicator[bench.org_indicator["organisation_id"] == organisation_id]
    area = bench.groups["area", "indicator"]
    area = area[area["area"] == org["area"]].set_index("indicator")
    tayside = bench.groups["tayside", "indicator"].set_index("indicator")
    area_mean = rows["indicator"].map(area["mean"]).astype(float)
    tayside_mean = rows["indicator"].map(tayside["mean"]).astype(float)
    # the area is the fairer comparison; Tayside stands in when the area is hidden
    use_area = area_mean.notna()
    out = rows[["indicator", "domain", "score"]].astype({"indicator": str, "domain": str})
    out["benchmark"] = use_area.map({True: "area", False: "tayside"})
    out["benchmark_mean"] = area_mean.where(use_area, tayside_mean)
    out["gap"] = out["score"] - out["benchmark_mean"]
    texts = {i.id: i.text for i in framework.indicators}
    out["text"] = out["indicator"].map(texts)
    out["position"] = rows["indicator"].cat.codes
    return out


def organisation_summary(
    bench: RoundBenchmark, organisation_id: int, framework: Framework,
    previous: RoundBenchmark | None = None,
) -> OrganisationSummary:
    """Gather an organisation's scores, positions, strengths and development areas."""
    org = _org_row(bench, organisation_id)
    strengths, development = strengths_and_development(bench, organisation_id, framework)
    titles = {d.id: d.title for d in framework.domains}
    texts = {i.id: i.text for i in framework.indicators}
    overall = _org_level(bench, organisation_id, "overall", ["n_domains"])
    domains = _org_level(bench, organisation_id, "domain", ["n_indicators"])
    indicators = _org_level(bench, organisation_id, "indicator", ["n_scoring", "n_non_scoring", "n_blank"])
    agreement = bench.agreement[bench.agreement["organisation_id"] == organisation_id]
    agreement = agreement.astype({"indicator": str}).set_index("indicator")
    for row in domains:
        row["title"] = titles.get(row["domain"], row["domain"])
    for row in indicators:
        row["text"] = texts.get(row["indicator"], row["indicator"])
        found = row["indicator"] in agreement.index
        for column in ("spread", "spread_levels", "low_agreement"):
            row[column] = plain_value(agreement.at[row["indicator"], column]) if found else None
    if previous is not None:
        _attach_change(domains, previous, bench, organisation_id, "domain")
        _attach_change(indicators, previous, bench, organisation_id, "indicator")
        _attach_change(overall, previous, bench, organisation_id, "overall")
    return OrganisationSummary(
        organisation={k: plain_value(v) for k, v in org.items()}, overall=overall[0], domains=domains,
        indicators=indicators, strengths=strengths, development=development,
    )


def _org_row(bench: RoundBenchmark, organisation_id: int) -> dict:
    """Return an organisation's name, area, sector and respondents, or raise KeyError."""
    found = bench.organisations[bench.organisations["organisation_id"] == organisation_id]
    if found.empty:
        raise KeyError(f"organisation {organisation_id} has no submitted responses in this round")
    return found.iloc[0].to_dict()


def _org_level(bench, organisation_id, level, counts) -> list[dict]:
    """Return an organisation's rows at one level with each benchmark's mean beside them."""
    org = _org_row(bench, organisation_id)
    table = bench.org_table(level)
    rows = table[table["organisation_id"] == organisation_id]
    item = [c for c in ("domain", "indicator") if c in rows]
    out = rows[[*item, "score", *counts, *GAP_COLUMNS]].astype({c: str for c in item})
    for by in ("area", "sector", "tayside"):
        group = group_table(bench, by, level)
        for column in GROUPINGS[by]:
            group = group[group[column] == org[column]]
        if item:  # the last item column (indicator, or domain) names the row
            means = group.set_index(group[item[-1]].astype(str))["mean"]
            out[f"{by}_mean"] = out[item[-1]].map(means)
        else:
            out[f"{by}_mean"] = group["mean"].iloc[0] if len(group) else float("nan")
    return _records(out)


def _attach_change(rows: list[dict], previous, current, organisation_id, level) -> None:
    """Add each row's score in the previous round and the change since, in place."""
    change = change_since(previous, current, "organisation", level)
    change = change[change["organisation"] == organisation_id]
    key = {"overall": None, "domain": "domain", "indicator": "indicator"}[level]
    lookup = change.set_index(key) if key else change
    for row in rows:
        if key is None:
            found = not lookup.empty
            source = lookup.iloc[0] if found else None
        else:
            found = row[key] in lookup.index
            source = lookup.loc[row[key]] if found else None
        row["previous"] = plain_value(source["previous"]) if found else None
        row["change"] = plain_value(source["change"]) if found else None


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
        levels[level] = _records(table.drop(columns=keys).astype({c: str for c in item}))
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
        group_table(bench, by, level).astype({c: str for c in labels}).assign(_all=0)
        for bench in (previous, current)
    )
    both = after[[*group_keys, *extra, *item, "mean", "suppressed"]].merge(
        before[[*group_keys, *item, "mean", "suppressed"]], on=[*group_keys, *item], how="inner",
        suffixes=("", "_previous"))
    suppressed = both["suppressed"] | both["suppressed_previous"]
    out = both[[*group_keys, *extra, *item]].copy()
    out["previous"] = both["mean_previous"].astype(float).mask(suppressed)
    out["current"] = both["mean"].astype(float).mask(suppressed)
    out["change"] = out["current"] - out["previous"]
    out["suppressed"] = suppressed
    out = out[suppressed | out["change"].notna()].drop(columns=["_all"], errors="ignore")
    return out.reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Turn a frame into plain records."""
    return [{k: plain_value(v) for k, v in row.items()} for row in frame.to_dict("records")]
