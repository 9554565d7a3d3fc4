"""Bring a kept benchmark up to date after a change, recomputing only the groups the change touches.

The database numbers every change to an organisation's figures in a round
(stats_changes, migration 0011_group_stats). A benchmark remembers the highest
number it includes; `refresh_benchmark` reads the organisations changed since,
rebuilds their own rows from the maintained reduction (stats_org_indicator),
and recomputes the statistics of the groups they belong to only: counts, sums
and means from the members' rows, quartiles and percentile ranks from those
groups' sorted scores. Every other group keeps its numbers, and every gap is one
vector subtraction. The result equals `benchmark_round` computed afresh
(tests/test_maintained_stats.py checks it after random changes): the same
functions run over the same rows, in the same order, so even the last bit of
each sum is the same.

When the change alters who is in the round (an organisation's first submitted
response, its last one withdrawn, a move to another area or sector) or touches
many organisations at once, it returns None and the caller computes the round
afresh.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from surveyapp.benchmarks.aggregation import (
    GROUPINGS,
    LEVELS,
    RoundBenchmark,
    _agreement,
    _group_stats,
    _org_domain,
    _org_indicator,
    _org_overall,
    indicator_frame,
)
from surveyapp.benchmarks.ranking import group_order
from surveyapp.benchmarks.reduction import MAINTAINED_SQL, ORGANISATIONS_SQL, SERIAL_SQL, stats_frame
from surveyapp.frameworks.model import Framework

# Above this share of the round's organisations changed at once (and this many), computing afresh is as cheap.
MAX_SHARE = 0.1
MAX_FIXED = 16
CHANGED_SQL = "SELECT organisation_id FROM stats_changes WHERE round_id = ? AND serial > ?"
SUMMED = ("score", "n_respondents", "n_scoring", "n_non_scoring", "n_blank")  # what _group_stats reads
KEYS = ("organisation_id", "area", "sector", "domain", "indicator")


def _in(sql: str, column: str, ids: list[int]) -> str:
    """Return a query narrowed to some organisations."""
    marks = ",".join("?" * len(ids))
    if "GROUP BY" in sql:
        return sql.replace("GROUP BY", f"AND {column} IN ({marks})\nGROUP BY")
    return f"{sql.strip()} AND {column} IN ({marks})"


def changed_organisations(db, round_id: int, serial: int) -> list[int]:
    """Return the organisations whose figures in a round changed after change number `serial`."""
    return sorted(row[0] for row in db.execute(CHANGED_SQL, [round_id, serial]))


def refresh_benchmark(db, bench: RoundBenchmark, round_id: int, framework: Framework) -> RoundBenchmark | None:
    """Return `bench` with every change since it was built applied, or None to compute the round afresh."""
    if bench.serial < 0 or not bench.numbering or framework.key != bench.framework_key:
        return None
    serial = db.execute(SERIAL_SQL).fetchone()[0]  # first, as benchmark_round does
    changed = changed_organisations(db, round_id, bench.serial)
    if not changed:
        return dataclasses.replace(bench, serial=serial)
    if len(changed) > max(MAX_FIXED, MAX_SHARE * len(bench.organisations)):
        return None
    organisations = _changed_rows(db, bench, round_id, changed)
    if organisations is None:
        return None
    stats = stats_frame(db.execute(_in(MAINTAINED_SQL, "organisation_id", changed), [round_id, *changed]))
    return dataclasses.replace(_apply(bench, organisations, stats, framework), serial=serial)


def _changed_rows(db, bench: RoundBenchmark, round_id: int, changed: list[int]) -> pd.DataFrame | None:
    """Return the changed organisations' new rows, or None if the round's membership changed."""
    cursor = db.execute(_in(ORGANISATIONS_SQL, "o.id", changed).replace("ORDER BY o.id", ""), [round_id, *changed])
    rows = pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])
    old = bench.organisations.set_index("organisation_id")
    if len(rows) != len(changed) or old.index.isin(changed).sum() != len(changed):
        return None  # an organisation joined or left the round
    rows = rows.sort_values("organisation_id", ignore_index=True)
    before = old.loc[rows["organisation_id"]]
    if (before["area"].astype(str).to_numpy() != rows["area"].astype(str).to_numpy()).any() or \
            (before["sector"].astype(str).to_numpy() != rows["sector"].astype(str).to_numpy()).any():
        return None  # a move changes which groups exist and who is in them
    return rows.astype({"area": bench.organisations["area"].dtype, "sector": bench.organisations["sector"].dtype})


def _apply(bench: RoundBenchmark, organisations: pd.DataFrame, stats: pd.DataFrame,
           framework: Framework) -> RoundBenchmark:
    """Replace the changed organisations' rows, then recompute the groups they are in."""
    changed = organisations["organisation_id"].to_numpy()
    indicators = indicator_frame(framework)
    org_indicator = _org_indicator(stats, organisations, indicators)
    agreement = _agreement(org_indicator, indicators, framework)
    org_indicator = org_indicator.drop(columns=["value_min", "value_max"])
    org_domain = _org_domain(org_indicator)
    fresh = {"indicator": org_indicator, "domain": org_domain, "overall": _org_overall(org_domain, organisations)}
    tables, groups = {}, dict(bench.groups)
    for level in LEVELS:
        table, rows = _replace_rows(bench.org_table(level), fresh[level], changed)
        tables[level] = _regroup(table, rows, bench.numbering[level], groups, level)
    return dataclasses.replace(
        bench, organisations=_replace_rows(bench.organisations, organisations, changed)[0],
        org_indicator=tables["indicator"], org_domain=tables["domain"], org_overall=tables["overall"],
        agreement=_replace_agreement(bench.agreement, agreement, changed), groups=type(bench.groups)(groups))


def _replace_rows(table: pd.DataFrame, new: pd.DataFrame, changed: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Return a copy of a table with the changed organisations' rows taken from `new`, and their positions."""
    rows = np.flatnonzero(np.isin(table["organisation_id"].to_numpy(), changed))
    if len(rows) != len(new):
        raise ValueError("the changed organisations' rows do not line up")  # membership is checked before
    out = table.copy()
    for column in new.columns:
        if column in KEYS or column not in out:
            continue
        values = out[column].to_numpy(copy=True)
        values[rows] = new[column].to_numpy()
        out[column] = values
    return out, rows


def _regroup(table: pd.DataFrame, rows: np.ndarray, numbering, groups: dict, level: str) -> pd.DataFrame:
    """Recompute the statistics of the groups holding `rows`, in place in `groups`; return the new positions."""
    scores = table["score"].to_numpy()
    for by in GROUPINGS:
        numbers, keys = numbering[by]
        touched = np.unique(numbers[rows])
        is_touched = np.zeros(len(keys), dtype=bool)
        is_touched[touched] = True
        members = np.flatnonzero(is_touched[numbers])  # in table order, as the full computation adds them
        local = np.searchsorted(touched, numbers[members])
        slim = pd.DataFrame({c: table[c].to_numpy()[members] for c in SUMMED if c in table})
        order = group_order(scores[members], local, len(touched))
        part = _group_stats(slim, local, keys.iloc[touched].reset_index(drop=True), order)
        group = groups[by, level].copy()
        for column in part.columns:
            if column in keys.columns:
                continue
            values = group[column].to_numpy(copy=True)
            values[touched] = part[column].to_numpy()
            group[column] = values
        groups[by, level] = group
        if f"percentile_{by}" in table:
            percentile = table[f"percentile_{by}"].to_numpy(copy=True)
            percentile[members] = order.percentile
            table[f"percentile_{by}"] = percentile
        if f"gap_{by}" in table:
            table[f"gap_{by}"] = scores - group["mean"].to_numpy()[numbers]
    return table


def _replace_agreement(old: pd.DataFrame, new: pd.DataFrame, changed: np.ndarray) -> pd.DataFrame:
    """Return the agreement rows with the changed organisations' replaced, in organisation and indicator order."""
    kept = old[~np.isin(old["organisation_id"].to_numpy(), changed)]
    both = pd.concat([kept, new], ignore_index=True)
    order = np.lexsort((both["indicator"].cat.codes.to_numpy(), both["organisation_id"].to_numpy()))
    return both.iloc[order].reset_index(drop=True)
