"""Benchmark numbers for one round: organisation scores and comparison groups.

One SQL pass reduces the stored answers to one row per organisation and
indicator; everything after that is vectorised pandas and numpy over those
rows, never over raw answers. Nothing here knows about Flask. docs/benchmarking.md defines
every number computed here.
"""
from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Mapping
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
from surveyapp.frameworks.model import Framework

LEVELS = ("indicator", "domain", "overall")
# Comparison groups and the organisation columns that define them.
GROUPINGS = MappingProxyType({
    "area": ("area",), "sector": ("sector",), "area-sector": ("area", "sector"), "tayside": (),
})
BY = ("organisation", *GROUPINGS)
STATS = ("n_organisations", "n_respondents", "mean", "median", "q1", "q3")
ANSWER_COUNTS = ("n_scoring", "n_non_scoring", "n_blank")
RECORD_DECIMALS = 6

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
    return _stats_frame(db.execute(MAINTAINED_SQL, (round_id,)))


def reduce_answers(db, round_id: int, organisation_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Reduce a round's submitted answers to one row per organisation and indicator, in SQL: the reference.

    `organisation_ids` are those with submitted responses (load_organisations);
    they are looked up when not given. The pages never call this: they read the
    maintained rows (load_org_indicator_stats).
    """
    if organisation_ids is None:
        organisation_ids = load_organisations(db, round_id)["organisation_id"]
    cursors = (db.execute(ORG_INDICATOR_SQL, (round_id, int(org))) for org in organisation_ids)
    return _stats_frame(itertools.chain.from_iterable(cursors))


def _stats_frame(rows: Iterable[tuple]) -> pd.DataFrame:
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


def group_table(bench: RoundBenchmark, by: str, level: str) -> pd.DataFrame:
    """Return one table of group statistics, organisations treated as groups of one."""
    if by != "organisation":
        return bench.groups[by, level]
    table = bench.org_table(level)
    names = bench.organisations.set_index("organisation_id")["name"]
    out = table[["organisation_id", "area", "sector", *item_columns(level)]].rename(
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
    out["reason"] = ""
    return out


def record_columns(by: str, level: str) -> list[str]:
    """Return the columns of benchmark records for one grouping and level."""
    keys = {"organisation": ["organisation", "organisation_name", "area", "sector"]}.get(
        by, list(GROUPINGS.get(by, ())))
    items = item_columns(level)
    counts = list(ANSWER_COUNTS) if level == "indicator" else []
    return [*keys, *items, *STATS, *counts, "suppressed", "reason"]


def benchmark_records(bench: RoundBenchmark, by: str, level: str) -> list[dict]:
    """Return one group table as plain records: the CSV and JSON rows."""
    if by not in BY or level not in LEVELS:
        raise ValueError(f"unknown grouping or level: {by!r}, {level!r}")
    table = group_table(bench, by, level)
    columns = record_columns(by, level)
    # column by column: an organisation-by-indicator table has millions of cells
    values = [_plain_column(table[c]) for c in columns]
    return [dict(zip(columns, row)) for row in zip(*values)]


def _plain_column(column: pd.Series) -> list:
    """Turn a column into plain JSON-ready values; missing becomes None."""
    if pd.api.types.is_bool_dtype(column):
        return [bool(v) for v in column.tolist()]
    if pd.api.types.is_float_dtype(column):
        return [None if v != v else round(v, RECORD_DECIMALS) for v in column.tolist()]
    if pd.api.types.is_integer_dtype(column):
        return [None if v is pd.NA else int(v) for v in column.tolist()]
    return [None if v is None else str(v) for v in column.astype(object).tolist()]


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
