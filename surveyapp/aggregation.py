"""Benchmark numbers for one round: organisation scores and comparison groups.

One SQL query reduces the stored answers to one row per organisation and
indicator; everything after that is vectorised pandas over those rows, never
over raw answers. Nothing here knows about Flask. docs/benchmarking.md defines
every number computed here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from .framework_model import Framework
from .suppression import primary_suppression, secondary_suppression, two_way_suppression

LEVELS = ("indicator", "domain", "overall")
# Comparison groups and the organisation columns that define them.
GROUPINGS = MappingProxyType({
    "area": ("area",), "sector": ("sector",), "area-sector": ("area", "sector"), "tayside": (),
})
BY = ("organisation", *GROUPINGS)
STATS = ("n_organisations", "n_respondents", "mean", "median", "q1", "q3")
ANSWER_COUNTS = ("n_scoring", "n_non_scoring", "n_blank")
# Scores closer than this count as tied: weighted means of equal scores can
# differ in the last bits, and a rank or rule must not hang on that.
TIE_DECIMALS = 9
RECORD_DECIMALS = 6

ORG_INDICATOR_SQL = """
SELECT r.organisation_id AS organisation_id,
       a.indicator_id AS indicator,
       COUNT(*) AS n_responses,  -- (response_id, indicator_id) is the key: one row per response
       COUNT(CASE WHEN a.option IS NULL THEN a.value END) AS n_scoring,
       SUM(CASE WHEN a.option IS NULL THEN a.value END) AS value_sum,
       MIN(CASE WHEN a.option IS NULL THEN a.value END) AS value_min,
       MAX(CASE WHEN a.option IS NULL THEN a.value END) AS value_max,
       COUNT(CASE WHEN a.value IS NULL THEN a.option END) AS n_non_scoring
FROM responses AS r
JOIN answers AS a ON a.response_id = r.id
WHERE r.round_id = ? AND r.status = 'submitted'
GROUP BY r.organisation_id, a.indicator_id
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


@dataclass(frozen=True, eq=False)
class RoundBenchmark:
    """Every benchmark number for one round, as read-only tables."""

    framework_id: str
    framework_key: str
    min_group: int
    organisations: pd.DataFrame
    org_indicator: pd.DataFrame
    org_domain: pd.DataFrame
    org_overall: pd.DataFrame
    agreement: pd.DataFrame
    groups: Mapping[tuple[str, str], pd.DataFrame]

    def org_table(self, level: str) -> pd.DataFrame:
        """Return the organisation scores at one level."""
        return {"indicator": self.org_indicator, "domain": self.org_domain,
                "overall": self.org_overall}[level]


def load_org_indicator_stats(db, round_id: int) -> pd.DataFrame:
    """Reduce a round's submitted answers to one row per organisation and indicator, in SQL."""
    return _query_frame(db, ORG_INDICATOR_SQL, (round_id,))


def load_organisations(db, round_id: int) -> pd.DataFrame:
    """Return the organisations with submitted responses in a round, with their respondent counts."""
    return _query_frame(db, ORGANISATIONS_SQL, (round_id,))


def _query_frame(db, sql: str, params: tuple) -> pd.DataFrame:
    """Run a query and return its rows as a DataFrame."""
    # Plain tuples: sqlite-utils' db.query builds a dict per row, too slow here.
    cursor = db.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def benchmark_round(db, round_id: int, framework: Framework, min_group: int = 3) -> RoundBenchmark:
    """Load a round's numbers from the database and compute its benchmark."""
    return compute_round_benchmark(
        load_org_indicator_stats(db, round_id), load_organisations(db, round_id), framework, min_group,
    )


def compute_round_benchmark(
    stats: pd.DataFrame, organisations: pd.DataFrame, framework: Framework, min_group: int = 3,
) -> RoundBenchmark:
    """Compute organisation scores, group statistics, positions and agreement."""
    indicators = indicator_frame(framework)
    organisations = organisations.reset_index(drop=True)
    org_indicator, agreement = _org_indicator(stats, organisations, indicators, framework)
    org_domain = _org_domain(org_indicator)
    org_overall = _org_overall(org_domain)
    tables = {"indicator": org_indicator, "domain": org_domain, "overall": org_overall}
    groups = {}
    for level, table in tables.items():
        level_groups = {by: _group_stats(table, keys, _item(level), min_group)
                        for by, keys in GROUPINGS.items()}
        _suppress_complements(level_groups, _item(level))
        for by, group in level_groups.items():
            groups[by, level] = _blank_suppressed(group)
        tables[level] = _add_positions(table, groups, level)
    return RoundBenchmark(
        framework_id=framework.id, framework_key=framework.key, min_group=min_group,
        organisations=organisations, org_indicator=tables["indicator"], org_domain=tables["domain"],
        org_overall=tables["overall"], agreement=agreement, groups=MappingProxyType(groups),
    )


def indicator_frame(framework: Framework) -> pd.DataFrame:
    """Return the framework's scored indicators with their domain, weight and scale, in order."""
    rows = [
        {"indicator": i.id, "domain": d.id, "weight": i.weight, "scale": i.scale.id, "text": i.text}
        for d in framework.domains for i in d.scored_indicators
    ]
    frame = pd.DataFrame(rows, columns=["indicator", "domain", "weight", "scale", "text"])
    frame["position"] = np.arange(len(frame))
    return frame


def _item(level: str) -> list[str]:
    """Return the columns naming the item a level scores."""
    # an indicator's domain rides along as a key: it splits no group, and it
    # keeps every indicator-level table self-describing
    return {"indicator": ["domain", "indicator"], "domain": ["domain"], "overall": []}[level]


def _org_indicator(stats, organisations, indicators, framework):
    """Score every organisation on every scored indicator, and measure agreement."""
    grid = pd.MultiIndex.from_product(
        [organisations["organisation_id"], indicators["indicator"]], names=["organisation_id", "indicator"],
    )
    counts = ["n_scoring", "n_non_scoring"]
    values = ["value_sum", "value_min", "value_max"]
    stats = stats.set_index(["organisation_id", "indicator"])[counts + values]
    # Reindexing to the full grid drops indicators the framework does not score
    # (text, number...) and adds rows for indicators nobody answered.
    frame = stats.reindex(grid).reset_index()
    frame[counts] = frame[counts].fillna(0).astype("int64")
    meta = indicators.set_index("indicator")
    orgs = organisations.set_index("organisation_id")
    frame["domain"] = frame["indicator"].map(meta["domain"])
    frame["weight"] = frame["indicator"].map(meta["weight"])
    for column in ("area", "sector", "n_respondents"):
        frame[column] = frame["organisation_id"].map(orgs[column])
    frame["n_blank"] = frame["n_respondents"] - frame["n_scoring"] - frame["n_non_scoring"]
    frame["score"] = frame["value_sum"] / frame["n_scoring"].where(frame["n_scoring"] > 0)
    frame = _categorise(frame, indicators)
    agreement = _agreement(frame, indicators, framework)
    columns = ["organisation_id", "area", "sector", "domain", "indicator", "weight",
               "n_respondents", *ANSWER_COUNTS, "score"]
    return frame[columns], agreement


def _categorise(frame: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Make domain and indicator ordered by the framework, so every sort follows it."""
    frame["indicator"] = pd.Categorical(frame["indicator"], categories=indicators["indicator"])
    frame["domain"] = pd.Categorical(frame["domain"], categories=indicators["domain"].unique())
    return frame


def _agreement(frame, indicators, framework):
    """Measure the spread of answers within organisations with two or more scoring answers."""
    rows = frame.loc[frame["n_scoring"] >= 2].reset_index(drop=True)
    spread_levels = np.zeros(len(rows), dtype="int64")
    scale_of = rows["indicator"].map(indicators.set_index("indicator")["scale"]).astype(str)
    for scale in framework.scales:  # a handful of scales, each handled in one vector step
        mask = (scale_of == scale.id).to_numpy()
        levels = np.asarray(scale.values)
        low = np.searchsorted(levels, rows.loc[mask, "value_min"].to_numpy())
        high = np.searchsorted(levels, rows.loc[mask, "value_max"].to_numpy())
        spread_levels[mask] = high - low
    out = rows[["organisation_id", "area", "sector", "domain", "indicator", "n_scoring"]].copy()
    out["min"] = rows["value_min"]
    out["max"] = rows["value_max"]
    out["spread"] = rows["value_max"] - rows["value_min"]
    out["spread_levels"] = spread_levels
    out["low_agreement"] = out["spread_levels"] >= 2
    return out


def _org_domain(org_indicator: pd.DataFrame) -> pd.DataFrame:
    """Weight each organisation's indicator scores into domain scores."""
    has_score = org_indicator["score"].notna()
    parts = pd.DataFrame({
        "organisation_id": org_indicator["organisation_id"],
        "domain": org_indicator["domain"],
        # indicators without a score drop out of both sums: the weights renormalise
        "weighted": (org_indicator["weight"] * org_indicator["score"]).where(has_score, 0.0),
        "weight": org_indicator["weight"].where(has_score, 0.0),
        "n_indicators": has_score.astype("int64"),
    })
    sums = parts.groupby(["organisation_id", "domain"], observed=True, sort=True).sum().reset_index()
    sums["score"] = sums["weighted"] / sums["weight"].where(sums["weight"] > 0)
    return _with_org_columns(sums, org_indicator)[
        ["organisation_id", "area", "sector", "domain", "n_respondents", "n_indicators", "score"]]


def _org_overall(org_domain: pd.DataFrame) -> pd.DataFrame:
    """Average each organisation's domain scores into an overall score."""
    grouped = org_domain.groupby("organisation_id", sort=True)["score"]
    overall = pd.DataFrame({"n_domains": grouped.count(), "score": grouped.mean()}).reset_index()
    return _with_org_columns(overall, org_domain)[
        ["organisation_id", "area", "sector", "n_respondents", "n_domains", "score"]]


def _with_org_columns(frame: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    """Add area, sector and respondent count, taken from a table that has them."""
    orgs = source.drop_duplicates("organisation_id").set_index("organisation_id")
    for column in ("area", "sector", "n_respondents"):
        frame[column] = frame["organisation_id"].map(orgs[column])
    return frame


def _group_stats(table: pd.DataFrame, keys, item: list[str], min_group: int) -> pd.DataFrame:
    """Summarise organisation scores per group, counting each organisation once."""
    columns = [*keys, *item]
    scored = table["score"].notna()
    # Respondents (and answers) count only for organisations that have a score here.
    sums = [c for c in ("n_respondents", *ANSWER_COUNTS) if c in table]
    frame = table[columns + ["score"]].copy()
    for column in sums:
        frame[column] = table[column].where(scored, 0)
    grouping = columns or [pd.Series(0, index=frame.index)]
    grouped = frame.groupby(grouping, observed=True, sort=True)
    score = grouped["score"]
    out = pd.concat([
        score.count().rename("n_organisations"), grouped[sums].sum(),
        score.mean().rename("mean"), score.median().rename("median"),
        score.quantile(0.25).rename("q1"), score.quantile(0.75).rename("q3"),
    ], axis=1)
    out = out.reset_index(drop=not columns)
    out["suppressed"] = primary_suppression(out["n_organisations"], min_group)
    return out


def _suppress_complements(level_groups: dict, item: list[str]) -> None:
    """Apply secondary suppression to area and sector breakdowns of one level, in place."""
    tayside = level_groups["tayside"]
    shown = _shown_lookup(tayside, item)
    for by in ("area", "sector"):
        cells = level_groups[by]
        cells["suppressed"] = secondary_suppression(
            cells, item, "n_organisations", cells["suppressed"], _lookup(cells, item, shown))
    grid = level_groups["area-sector"]
    grid["suppressed"] = two_way_suppression(
        grid, [*item, "area"], [*item, "sector"], "n_organisations", grid["suppressed"],
        _lookup(grid, [*item, "area"], _shown_lookup(level_groups["area"], [*item, "area"])),
        _lookup(grid, [*item, "sector"], _shown_lookup(level_groups["sector"], [*item, "sector"])),
    )


def _shown_lookup(totals: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Map a totals table's keys to whether its numbers are shown."""
    shown = ~totals["suppressed"] & (totals["n_organisations"] > 0)
    return pd.Series(shown.to_numpy(), index=_key_index(totals, keys))


def _lookup(frame: pd.DataFrame, keys: list[str], lookup: pd.Series) -> pd.Series:
    """Look up each row's keys in a Series indexed by the same keys."""
    found = lookup.reindex(_key_index(frame, keys)).fillna(False).astype(bool)
    return pd.Series(found.to_numpy(), index=frame.index)


def _key_index(frame: pd.DataFrame, keys: list[str]) -> pd.Index:
    """Build an index from key columns; a key-less table gets a single constant key."""
    if not keys:
        return pd.Index(np.zeros(len(frame), dtype="int64"))
    if len(keys) == 1:
        return pd.Index(frame[keys[0]].astype(str))
    return pd.MultiIndex.from_arrays([frame[k].astype(str) for k in keys])


def _blank_suppressed(group: pd.DataFrame) -> pd.DataFrame:
    """Empty every number of a suppressed group, keeping its keys and flag."""
    hidden = group["suppressed"]
    for column in ("mean", "median", "q1", "q3"):
        group[column] = group[column].mask(hidden)
    for column in ("n_organisations", "n_respondents", *ANSWER_COUNTS):
        if column in group:
            group[column] = group[column].astype("Int64").mask(hidden)
    return group


def _add_positions(table: pd.DataFrame, groups: dict, level: str) -> pd.DataFrame:
    """Add each organisation's gap to every benchmark and its percentile ranks."""
    item = _item(level)
    table = table.copy()
    for by in ("area", "sector", "tayside"):
        keys = [*GROUPINGS[by], *item]
        group = groups[by, level]
        if keys:
            mean = table[keys].merge(group[keys + ["mean"]], how="left", on=keys)["mean"]
        else:
            mean = pd.Series(group["mean"].iloc[0] if len(group) else math.nan, index=table.index)
        table[f"gap_{by}"] = table["score"].to_numpy() - mean.to_numpy()
    for by in ("area", "sector"):
        keys = [by, *item]
        table[f"percentile_{by}"] = percentile_rank(table, keys).where(table[f"gap_{by}"].notna())
    return table


def percentile_rank(table: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Return 100 * (organisations scoring lower + half of those tied) / organisations scored, per group."""
    score = table["score"].round(TIE_DECIMALS)
    grouped = score.groupby([table[k] for k in keys], observed=True, sort=False)
    # average rank = lower + (tied + 1) / 2, so lower + tied / 2 = rank - 1/2
    return 100 * (grouped.rank(method="average") - 0.5) / grouped.transform("count")


def group_table(bench: RoundBenchmark, by: str, level: str) -> pd.DataFrame:
    """Return one table of group statistics, organisations treated as groups of one."""
    if by != "organisation":
        return bench.groups[by, level]
    table = bench.org_table(level)
    names = bench.organisations.set_index("organisation_id")["name"]
    out = table[["organisation_id", "area", "sector", *_item(level)]].rename(
        columns={"organisation_id": "organisation"})
    out.insert(1, "organisation_name", table["organisation_id"].map(names))
    out["n_organisations"] = 1
    out["n_respondents"] = table["n_respondents"]
    for column in ("mean", "median", "q1", "q3"):
        # a group of one organisation: every statistic is its own score
        out[column] = table["score"]
    for column in ANSWER_COUNTS:
        if column in table:
            out[column] = table[column]
    out["suppressed"] = False
    return out


def record_columns(by: str, level: str) -> list[str]:
    """Return the columns of benchmark records for one grouping and level."""
    keys = {"organisation": ["organisation", "organisation_name", "area", "sector"]}.get(
        by, list(GROUPINGS.get(by, ())))
    items = _item(level)
    counts = list(ANSWER_COUNTS) if level == "indicator" else []
    return [*keys, *items, *STATS, *counts, "suppressed"]


def benchmark_records(bench: RoundBenchmark, by: str, level: str) -> list[dict]:
    """Return one group table as plain records: the CSV and JSON rows."""
    if by not in BY or level not in LEVELS:
        raise ValueError(f"unknown grouping or level: {by!r}, {level!r}")
    table = group_table(bench, by, level)
    columns = record_columns(by, level)
    return [{c: plain_value(row[c]) for c in columns} for row in table[columns].to_dict("records")]


def plain_value(value):
    """Turn a pandas or numpy value into a plain JSON-ready value; missing becomes None."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else round(float(value), RECORD_DECIMALS)
    return str(value)
