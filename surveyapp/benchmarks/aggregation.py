"""Benchmark numbers for one round: organisation scores and comparison groups.

One SQL pass reduces the stored answers to one row per organisation and
indicator; everything after that is vectorised pandas and numpy over those
rows, never over raw answers. Nothing here knows about Flask. docs/benchmarking.md defines
every number computed here.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from surveyapp.benchmarks.ranking import (
    TIE_DECIMALS,  # noqa: F401 - re-exported: reports import it from here
    GroupOrder,
    group_order,
    scored_rows_by_score,
)
from surveyapp.benchmarks.reduction import (
    SERIAL_SQL,
    load_org_indicator_stats,
    load_organisations,
    reduce_answers,
)
from surveyapp.frameworks.model import Framework

LEVELS = ("indicator", "domain", "overall")
# Comparison groups and the organisation columns that define them.
GROUPINGS = MappingProxyType({
    "area": ("area",), "sector": ("sector",), "area-sector": ("area", "sector"), "tayside": (),
})
BY = ("organisation", *GROUPINGS)
STATS = ("n_organisations", "n_respondents", "mean", "median", "q1", "q3")
ANSWER_COUNTS = ("n_scoring", "n_non_scoring", "n_blank")


@dataclass(frozen=True, eq=False)
class RoundBenchmark:
    """Every benchmark number for one round, as read-only tables.

    As computed here every figure is raw, for the publishing step only
    (benchmarks.publish): never show a benchmark that is not `published`.
    """

    framework_id: str
    framework_key: str
    min_group: int
    organisations: pd.DataFrame
    org_indicator: pd.DataFrame
    org_domain: pd.DataFrame
    org_overall: pd.DataFrame
    agreement: pd.DataFrame
    groups: Mapping[tuple[str, str], pd.DataFrame]
    # Set by benchmarks.publish: whom the figures are for, under which rules, and the group
    # counts it publishes (organisations per score band, agreement per indicator).
    viewer: str = ""
    rules: object = None
    published: bool = False
    bands: Mapping = field(default_factory=lambda: MappingProxyType({}))
    agreement_counts: Mapping = field(default_factory=lambda: MappingProxyType({}))
    # How it was built, so a change can be applied to it (benchmarks.refresh): the highest change
    # number of the round's organisations it includes (stats_changes; -1: unknown) and, per level
    # and grouping, each row's group number and the groups' keys.
    serial: int = -1
    numbering: Mapping = field(default_factory=dict)  # plain dicts: the report batch pickles it

    def org_table(self, level: str) -> pd.DataFrame:
        """Return the organisation scores at one level."""
        return {"indicator": self.org_indicator, "domain": self.org_domain,
                "overall": self.org_overall}[level]


def benchmark_round(db, round_id: int, framework: Framework, min_group: int = 3) -> RoundBenchmark:
    """Compute a round's benchmark from the maintained reduction of its answers."""
    # read first: a change committed while the rows are read is then applied again later, never missed
    serial = db.execute(SERIAL_SQL).fetchone()[0]
    bench = compute_round_benchmark(load_org_indicator_stats(db, round_id), load_organisations(db, round_id),
                                    framework, min_group)
    return dataclasses.replace(bench, serial=serial)


def rebuilt_benchmark(db, round_id: int, framework: Framework, min_group: int = 3) -> RoundBenchmark:
    """Compute a round's benchmark from its answers, ignoring the maintained rows: the reference."""
    organisations = load_organisations(db, round_id)
    return compute_round_benchmark(reduce_answers(db, round_id, organisations["organisation_id"]), organisations,
                                   framework, min_group)


def compute_round_benchmark(
    stats: pd.DataFrame, organisations: pd.DataFrame, framework: Framework, min_group: int = 3,
) -> RoundBenchmark:
    """Compute organisation scores, group statistics, positions and agreement."""
    indicators = indicator_frame(framework)
    # Categorical keys throughout: pandas groups and joins on small integer codes.
    organisations = organisations.sort_values("organisation_id", ignore_index=True).astype(
        {"area": "category", "sector": "category"})
    org_indicator = _org_indicator(stats, organisations, indicators)
    agreement = _agreement(org_indicator, indicators, framework)
    org_indicator = org_indicator.drop(columns=["value_min", "value_max"])
    org_domain = _org_domain(org_indicator)
    org_overall = _org_overall(org_domain, organisations)
    tables = {"indicator": org_indicator, "domain": org_domain, "overall": org_overall}
    groups, numberings = {}, {}
    for level, table in tables.items():
        numbering = {by: _group_numbers(table, [*keys, *item_columns(level)]) for by, keys in GROUPINGS.items()}
        scores = table["score"].to_numpy()
        by_score = scored_rows_by_score(scores)  # one sort of the scores serves every grouping
        orders = {by: group_order(scores, numbers, len(keys), by_score)
                  for by, (numbers, keys) in numbering.items()}
        level_groups = {by: _group_stats(table, *numbering[by], orders[by]) for by in GROUPINGS}
        for by, group in level_groups.items():
            groups[by, level] = group
        tables[level] = _add_positions(table, level_groups, numbering, orders)
        numberings[level] = numbering
    return RoundBenchmark(
        framework_id=framework.id, framework_key=framework.key, min_group=min_group,
        organisations=organisations, org_indicator=tables["indicator"], org_domain=tables["domain"],
        org_overall=tables["overall"], agreement=agreement, groups=MappingProxyType(groups),
        numbering=numberings,
    )


def indicator_frame(framework: Framework) -> pd.DataFrame:
    """Return the framework's scored indicators with their domain, weight and scale, in order."""
    rows = [
        {"indicator": i.id, "domain": d.id, "weight": i.weight, "scale": i.scale.id, "text": i.text}
        for d in framework.domains for i in d.scored_indicators
    ]
    frame = pd.DataFrame(rows, columns=["indicator", "domain", "weight", "scale", "text"])
    frame["indicator"] = pd.Categorical(frame["indicator"], categories=frame["indicator"])
    frame["domain"] = pd.Categorical(frame["domain"], categories=frame["domain"].unique())
    return frame


def item_columns(level: str) -> list[str]:
    """Return the columns naming the item a level scores."""
    # an indicator's domain rides along as a key: it splits no group, and it
    # keeps every indicator-level table self-describing
    return {"indicator": ["domain", "indicator"], "domain": ["domain"], "overall": []}[level]


def _org_indicator(stats: pd.DataFrame, organisations: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Lay the SQL rows out as one row per organisation and scored indicator, and score them."""
    n_orgs, n_indicators = len(organisations), len(indicators)
    org_pos = pd.Index(organisations["organisation_id"]).get_indexer(stats["organisation_id"])
    ind_pos = pd.Index(indicators["indicator"].astype(str)).get_indexer(stats["indicator"])
    # -1 marks indicators the framework does not score (text, number...): drop them
    found = (org_pos >= 0) & (ind_pos >= 0)
    cell = org_pos[found] * n_indicators + ind_pos[found]
    org_rows = np.repeat(np.arange(n_orgs), n_indicators)
    ind_rows = np.tile(np.arange(n_indicators), n_orgs)

    def on_grid(column: str) -> np.ndarray:
        """Place one SQL column on the full grid; cells nobody answered stay NaN."""
        out = np.full(n_orgs * n_indicators, np.nan)
        out[cell] = stats[column].to_numpy(dtype=float)[found]
        return out

    frame = pd.DataFrame({
        "organisation_id": organisations["organisation_id"].to_numpy()[org_rows],
        "area": organisations["area"].array.take(org_rows),
        "sector": organisations["sector"].array.take(org_rows),
        "domain": indicators["domain"].array.take(ind_rows),
        "indicator": indicators["indicator"].array.take(ind_rows),
        "weight": indicators["weight"].to_numpy(dtype=float)[ind_rows],
        "n_respondents": organisations["n_respondents"].to_numpy(dtype="int64")[org_rows],
        "n_scoring": np.nan_to_num(on_grid("n_scoring")).astype("int64"),
        "n_non_scoring": np.nan_to_num(on_grid("n_non_scoring")).astype("int64"),
    })
    frame["n_blank"] = frame["n_respondents"] - frame["n_scoring"] - frame["n_non_scoring"]
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["score"] = np.where(frame["n_scoring"] > 0, on_grid("value_sum") / frame["n_scoring"], np.nan)
    frame["value_min"] = on_grid("value_min")
    frame["value_max"] = on_grid("value_max")
    return frame


def _agreement(org_indicator: pd.DataFrame, indicators: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Measure the spread of answers within organisations with two or more scoring answers."""
    rows = org_indicator.loc[org_indicator["n_scoring"] >= 2].reset_index(drop=True)
    scale_of = indicators["scale"].to_numpy()[rows["indicator"].cat.codes.to_numpy()]
    spread_levels = np.zeros(len(rows), dtype="int64")
    for scale in framework.scales:  # a handful of scales, each handled in one vector step
        mask = scale_of == scale.id
        levels = np.asarray(scale.values)
        low = np.searchsorted(levels, rows["value_min"].to_numpy()[mask])
        high = np.searchsorted(levels, rows["value_max"].to_numpy()[mask])
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
    keys = ["organisation_id", "area", "sector", "domain", "n_respondents"]
    parts = org_indicator[keys].assign(
        # indicators without a score drop out of both sums: the weights renormalise
        weighted=(org_indicator["weight"] * org_indicator["score"]).where(has_score, 0.0),
        weight=org_indicator["weight"].where(has_score, 0.0),
        n_indicators=has_score.astype("int64"),
    )
    # area, sector and respondents follow the organisation: grouping by them splits nothing
    sums = parts.groupby(keys, observed=True, sort=True).sum().reset_index()
    sums["score"] = sums["weighted"] / sums["weight"].where(sums["weight"] > 0)
    return sums[[*keys, "n_indicators", "score"]]


def _org_overall(org_domain: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """Average each organisation's domain scores into an overall score."""
    grouped = org_domain.groupby("organisation_id", sort=True)["score"]
    out = organisations[["organisation_id", "area", "sector", "n_respondents"]].copy()
    out["n_domains"] = grouped.count().reindex(out["organisation_id"]).fillna(0).astype("int64").to_numpy()
    out["score"] = grouped.mean().reindex(out["organisation_id"]).to_numpy()
    return out


def _group_numbers(table: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Number each row's group in sorted key order; return the numbers and each group's keys."""
    if not columns or table.empty:
        n_groups = 1 if len(table) and not columns else 0
        keys = pd.DataFrame({c: table[c].iloc[:0] for c in columns}, index=range(n_groups))
        return np.zeros(len(table), dtype="int64"), keys
    numbers, uniques = pd.factorize(_combined_codes(table, columns), sort=True)
    sizes = [len(table[c].cat.categories) for c in columns]
    keys = pd.DataFrame({
        c: pd.Categorical.from_codes(k, dtype=table[c].dtype)
        for c, k in zip(columns, np.unravel_index(uniques, sizes))
    })
    return numbers, keys


def _combined_codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Combine categorical key columns into one integer per row."""
    # far cheaper to group, rank and look up by than several columns of labels
    codes = [frame[c].cat.codes.to_numpy().astype("int64") for c in columns]
    return np.ravel_multi_index(codes, [len(frame[c].cat.categories) for c in columns])


def _group_stats(table: pd.DataFrame, numbers: np.ndarray, keys: pd.DataFrame, order: GroupOrder) -> pd.DataFrame:
    """Summarise organisation scores per group, counting each organisation once."""
    score = table["score"].to_numpy()
    scored = ~np.isnan(score)
    n_groups = len(keys)

    def total(values: np.ndarray) -> np.ndarray:
        """Sum values over each group's organisations that have a score."""
        return np.bincount(numbers[scored], weights=values[scored], minlength=n_groups)

    out = keys.copy()
    out["n_organisations"] = np.bincount(numbers[scored], minlength=n_groups).astype("int64")
    # Respondents (and answers) count only for organisations that have a score here.
    for column in ("n_respondents", *ANSWER_COUNTS):
        if column in table:
            out[column] = total(table[column].to_numpy(dtype=float)).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean"] = total(score) / out["n_organisations"].to_numpy()
    for name in ("median", "q1", "q3"):
        out[name] = order.quantiles[name]
    out["suppressed"] = False  # decided per viewer by benchmarks.publish
    out["reason"] = ""
    return out


def _add_positions(table: pd.DataFrame, level_groups: dict, numbering: dict, orders: dict) -> pd.DataFrame:
    """Add each organisation's gap to every benchmark and its percentile ranks."""
    table = table.copy()
    score = table["score"].to_numpy()
    for by in ("area", "sector", "tayside"):
        numbers, _ = numbering[by]
        table[f"gap_{by}"] = score - level_groups[by]["mean"].to_numpy()[numbers]
    for by in ("area", "sector"):
        table[f"percentile_{by}"] = orders[by].percentile  # publish shows it only beside a group's spread
    return table


