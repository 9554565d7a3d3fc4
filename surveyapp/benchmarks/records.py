"""Benchmark tables as plain records: the rows of CSV and JSON exports and of report tables.

Organisations are treated as groups of one, so every grouping reads alike.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from surveyapp.benchmarks.aggregation import ANSWER_COUNTS, BY, GROUPINGS, LEVELS, STATS, RoundBenchmark, item_columns

RECORD_DECIMALS = 6


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
