"""Small-number suppression for tables of comparison groups.

Pure functions over pandas objects. A cell is a group in a breakdown (an
area, a sector, an area and sector); its size is how many organisations it
counts. Primary suppression hides cells that are too small to show; secondary
suppression hides one more cell wherever a single hidden cell could be worked
out by subtracting the visible cells from a visible total.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def primary_suppression(sizes: pd.Series, min_group: int) -> pd.Series:
    """Flag cells counting between 1 and min_group - 1 organisations."""
    # A zero describes no organisation, so it is shown; hiding it would also
    # force a needless second suppression next to it.
    return (sizes > 0) & (sizes < min_group)


def secondary_suppression(
    cells: pd.DataFrame,
    within: Sequence[str],
    size: str,
    suppressed: pd.Series,
    total_shown: pd.Series,
) -> pd.Series:
    """Also hide the smallest visible cell of each breakdown that hides exactly one cell.

    `cells` holds one row per cell; the columns named in `within` pick out
    each breakdown (one visible or hidden total each), `size` holds the cell
    sizes, and `suppressed` and `total_shown` are boolean Series aligned with
    `cells`. Ties between equally small cells go to the first in row order.
    """
    flags = suppressed.astype(bool).copy()
    if cells.empty:
        return flags
    keys = [cells[c] for c in within] if within else [pd.Series(0, index=cells.index)]
    sizes = cells[size]
    # Only a hidden non-empty cell can be recovered by subtraction; only a
    # visible non-empty cell adds uncertainty when hidden beside it.
    hidden = (flags & (sizes > 0)).astype(int)
    n_hidden = hidden.groupby(keys, observed=True, sort=False).transform("sum")
    needs_partner = total_shown.astype(bool) & (n_hidden == 1)
    candidates = needs_partner & ~flags & (sizes > 0)
    if candidates.any():
        picked = sizes[candidates].groupby(
            [k[candidates] for k in keys], observed=True, sort=False
        ).idxmin()
        flags.loc[picked.to_numpy()] = True
    return flags


def two_way_suppression(
    cells: pd.DataFrame,
    rows: Sequence[str],
    columns: Sequence[str],
    size: str,
    suppressed: pd.Series,
    row_total_shown: pd.Series,
    column_total_shown: pd.Series,
) -> pd.Series:
    """Apply secondary suppression along both margins of a cross-table until it settles."""
    flags = suppressed.astype(bool).copy()
    # Each pass only adds flags, so this ends after at most len(cells) passes.
    for _ in range(len(cells) + 1):
        after_rows = secondary_suppression(cells, rows, size, flags, row_total_shown)
        after_both = secondary_suppression(cells, columns, size, after_rows, column_total_shown)
        if after_both.equals(flags):
            break
        flags = after_both
    return flags
