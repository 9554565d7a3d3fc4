"""Which group and item each row of a benchmark table belongs to, as publishing reads them."""
from __future__ import annotations

import numpy as np
import pandas as pd

from surveyapp.benchmarks.aggregation import GROUPINGS, item_columns


def group_keys(frame: pd.DataFrame, by: str) -> list[tuple]:
    """Return each row's group key as a tuple of strings (empty for Tayside)."""
    columns = GROUPINGS[by]
    if not columns:
        return [()] * len(frame)
    return list(zip(*(frame[c].astype(str).tolist() for c in columns)))


def item_key(frame: pd.DataFrame, level: str) -> list:
    """Return each row's item (indicator or domain id), or None at the overall level."""
    columns = item_columns(level)
    return frame[columns[-1]].astype(str).tolist() if columns else [None] * len(frame)


def group_row(group: pd.DataFrame, table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Return, for each row of `table`, the position of the last row of `group` with the same key, or -1."""
    if not columns:  # one group for everyone
        return np.full(len(table), len(group) - 1, dtype="int64")
    # labels, not category codes: the two tables' categories need not be the same
    keys = pd.MultiIndex.from_arrays([group[c].astype(str).to_numpy() for c in columns])
    last = ~keys.duplicated(keep="last")
    found = keys[last].get_indexer(pd.MultiIndex.from_arrays([table[c].astype(str).to_numpy() for c in columns]))
    return np.where(found >= 0, np.flatnonzero(last)[found], -1)
