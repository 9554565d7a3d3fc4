"""One organisation's rows out of a benchmark's round-wide tables, found through indexes made once.

Each report reads one organisation out of tables that hold the whole round; `report --all`
and the results pages read one benchmark many times. So each table's rows are indexed by
organisation once per benchmark (storage/memo.py `derived`: the index lives as long as the
benchmark), and the group means are looked up the same way.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from surveyapp.benchmarks.aggregation import GROUPINGS, RoundBenchmark
from surveyapp.benchmarks.records import RECORD_DECIMALS, group_table, plain_value
from surveyapp.storage.memo import derived

INDICATOR_CODES = "indicator codes"  # a pseudo-column: the indicator's category code, its framework position
_NO_ROWS = np.array([], dtype=np.intp)


def _organisation_table(bench: RoundBenchmark, name: str) -> pd.DataFrame:
    """Return a benchmark table that has one or more rows per organisation, by name."""
    if name == "organisations":
        return bench.organisations
    if name == "agreement":
        return bench.agreement
    return bench.org_table(name)


def _table_index(bench: RoundBenchmark, name: str) -> dict:
    """Return one table's row positions by organisation and its columns as arrays, made once."""
    # "columns" fills as columns are asked for: still one index per benchmark and table
    return derived(bench, ("organisation rows", name), lambda: {
        "rows": _organisation_table(bench, name).groupby("organisation_id", sort=False).indices, "columns": {}})


def organisation_columns(bench: RoundBenchmark, name: str, organisation_id: int, columns) -> dict[str, np.ndarray]:
    """Return one organisation's values in some columns of a benchmark table, in the table's order."""
    index = _table_index(bench, name)
    positions = index["rows"].get(organisation_id, _NO_ROWS)
    arrays = index["columns"]
    for column in columns:
        if column not in arrays:
            table = _organisation_table(bench, name)
            arrays[column] = (table["indicator"].cat.codes.to_numpy() if column == INDICATOR_CODES
                              else table[column].to_numpy())
    return {column: arrays[column][positions] for column in columns}


def group_means(bench: RoundBenchmark, by: str, level: str) -> dict[tuple, dict]:
    """Return {group key: {item: mean}} for one grouping and level (item None for overall), made once."""
    return derived(bench, ("group means", by, level), lambda: _means_by_group(bench, by, level))


def _means_by_group(bench: RoundBenchmark, by: str, level: str) -> dict[tuple, dict]:
    """Collect one grouping's means by group and item."""
    table = group_table(bench, by, level)
    item = [c for c in ("domain", "indicator") if c in table]
    keys = [table[c].tolist() for c in GROUPINGS[by]]
    items = [str(v) for v in table[item[-1]].tolist()] if item else [None] * len(table)
    means: dict[tuple, dict] = {}
    for group, key, mean in zip(zip(*keys) if keys else [()] * len(table), items, table["mean"].tolist()):
        means.setdefault(group, {}).setdefault(key, mean)  # the first row, as .iloc[0] took it
    return means


def plain_list(values: np.ndarray) -> list:
    """Turn an array into plain values, as plain_value does one at a time."""
    if values.dtype.kind == "f":
        return [None if v != v else round(v, RECORD_DECIMALS) for v in values.tolist()]
    if values.dtype.kind in "iub":
        return values.tolist()
    return [plain_value(v) for v in values.tolist()]
