"""Counts a group publishes besides its figures: organisations per score band, and per agreement.

Part of the one publishing step (benchmarks/publish.py), which calls these with the groups it has
already decided: a hidden group's counts are hidden with its reason, and counts that would say
how every unknown member answered are hidden as alike.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from surveyapp.benchmarks.aggregation import GROUPINGS
from surveyapp.benchmarks.disclosure import ALIKE, COMPLEMENT, TOO_FEW, Rules, counts_pin_members
from surveyapp.benchmarks.group_keys import group_keys, group_row, item_key

HIDING = (TOO_FEW, COMPLEMENT)


def count_bands(overall, known_ids, groups, bands, rules: Rules) -> dict:
    """Count each group's organisations per overall-score band; None where hidden, with the reason."""
    if not bands:
        return {}
    scores = overall["score"].to_numpy(dtype=float)
    known = np.isin(overall["organisation_id"].to_numpy(), known_ids)
    band_of = np.full(len(scores), -1)
    for b, (low, high, last) in enumerate(bands):
        inside = (scores >= low) & ((scores <= high) if last else (scores < high))
        band_of[inside] = b
    band_of[(scores < bands[0][0])] = 0  # scores outside the first scale are not lost
    band_of[(scores > bands[-1][1])] = len(bands) - 1
    band_of[np.isnan(scores)] = -1
    out = {}
    n_bands = len(bands)
    for by in GROUPINGS:
        table = groups[by, "overall"]
        columns = list(GROUPINGS[by])
        # each organisation's group row, and each group row's first equal (keys are unique in practice)
        member, canonical = group_row(table, overall, columns), group_row(table, table, columns)
        rows = (band_of >= 0) & (member >= 0)
        cells = member * n_bands + band_of
        size = max(len(table), 1) * n_bands
        all_counts = np.bincount(cells[rows], minlength=size).reshape(-1, n_bands)
        unknown_counts = np.bincount(cells[rows & ~known], minlength=size).reshape(-1, n_bands)
        for row, (key, reason) in enumerate(zip(group_keys(table, by), table["reason"].tolist())):
            counts, unknown = all_counts[canonical[row]], unknown_counts[canonical[row]]
            if reason in HIDING:
                out[by, key] = (None, reason)
            elif not rules.named and counts_pin_members(unknown):
                out[by, key] = (None, ALIKE)
            else:
                out[by, key] = (tuple(int(c) for c in counts), "")
    return out


def count_agreement(agreement, known_ids, groups, rules: Rules) -> dict:
    """Count per group and indicator the organisations with 2+ answers and those with low agreement."""
    out = {}
    if agreement.empty:
        return out
    # each key column as numbers once; a group's rows counted with one bincount per tally
    labels = {c: pd.factorize(agreement[c].astype(str).to_numpy()) for c in ("area", "sector", "indicator")}
    named, min_unknown = rules.named, rules.min_unknown
    low = agreement["low_agreement"].to_numpy(dtype=bool)
    unknown = ~np.isin(agreement["organisation_id"].to_numpy(), known_ids)
    for by in GROUPINGS:
        table = groups[by, "indicator"]
        shown = {(k, i): r for k, i, r in zip(group_keys(table, by), item_key(table, "indicator"),
                                             table["reason"].tolist())}
        keys = [*GROUPINGS[by], "indicator"]
        combined = np.ravel_multi_index([labels[c][0] for c in keys], [len(labels[c][1]) for c in keys])
        numbers, uniques = pd.factorize(combined)  # groups in order of first appearance, as groupby(sort=False)
        parts = np.unravel_index(uniques, [len(labels[c][1]) for c in keys])
        names = [labels[c][1][part].tolist() for c, part in zip(keys, parts)]
        tallies = [np.bincount(numbers, weights=w, minlength=len(uniques)).astype("int64").tolist()
                   for w in (low, None, unknown, low & unknown)]
        keys_of_groups = list(zip(*names[:-1])) if len(names) > 1 else [()] * len(uniques)
        for key, item, n_low, n_all, n_unknown, n_unknown_low in zip(keys_of_groups, names[-1], *tallies):
            reason = shown.get((key, item), TOO_FEW)
            if not named and reason not in HIDING and n_unknown and (
                    n_unknown < min_unknown or n_unknown_low == n_unknown):
                reason = ALIKE
            out[by, key, item] = (None, reason) if reason in (*HIDING, ALIKE) else ((n_all, n_low), "")
    return out
