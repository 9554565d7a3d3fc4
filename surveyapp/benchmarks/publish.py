"""The one publishing step: a round's benchmark as one viewer may see it.

Every group figure a page, a PDF or an export shows comes out of `publish`:
it drops the organisations the viewer may not see one by one, decides per
item which group figures are safe for this viewer (benchmarks.disclosure),
blanks the rest with their reason, blanks spread statistics of groups too
small for them, counts organisations per score band and per agreement, and
rounds every number to the framework's precision. What it returns has the
shape of the raw benchmark, so the report and dashboard builders read it the
same way; nothing downstream sees a raw figure.
"""
from __future__ import annotations

import dataclasses
import hashlib
from types import MappingProxyType

import numpy as np
import pandas as pd

from surveyapp.benchmarks import target_counts
from surveyapp.benchmarks.aggregation import ANSWER_COUNTS, GROUPINGS, LEVELS, RoundBenchmark, item_columns
from surveyapp.benchmarks.disclosure import (
    ALIKE,
    COMPLEMENT,
    TOO_FEW,
    Decision,
    Rules,
    Viewer,
    decide,
)
from surveyapp.benchmarks.group_keys import group_keys, group_row, item_key
from surveyapp.benchmarks.published_counts import count_agreement, count_bands
from surveyapp.storage.memo import Memo

HIDING = (TOO_FEW, COMPLEMENT)
SPREAD_COLUMNS = ("median", "q1", "q3")
PERCENTILES = {"area": "percentile_area", "sector": "percentile_sector"}


# Decisions already taken, kept across publishes: the one costly step of publishing, taken once.
# A decision (benchmarks.disclosure.decide) depends only on its key: which organisations each group
# holds, which of them the viewer knows and owns, and the rules; never on a score. So it needs no
# stamp, and publishing again after a submission that changes no membership decides nothing again
# (1.5-3 s per viewer at national scale, most of it eigenvalues).
decision_cache = Memo(4096, "disclosure decisions")


def _digest(*parts: bytes) -> bytes:
    """Return a short digest of some bytes: the key of a membership pattern."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.digest()


@dataclasses.dataclass(frozen=True)
class Band:
    """One band of the scale and how many of a group's organisations' overall scores fall in it."""

    low: float
    high: float
    last: bool
    count: int


def publish(bench: RoundBenchmark, viewer: Viewer, rules: Rules, bands=()) -> RoundBenchmark:
    """Return the figures of a round that this viewer may be shown, rounded to the rules' precision.

    `bands` are (low, high, includes_high) score bands for counting organisations per band.
    """
    if rules.named:
        # shared by name by agreement (docs/disclosure.md): everyone sees every organisation
        viewer = dataclasses.replace(viewer, known=None)
    ids = bench.organisations["organisation_id"].to_numpy()
    known = viewer.knows(ids)
    own = np.isin(ids, list(viewer.own))
    known_ids = ids[known]
    by_id = dict(zip(ids.tolist(), range(len(ids))))
    groups, spread_ok = {}, {}
    decisions: dict[bytes, Decision] = {}
    for level in LEVELS:
        table = bench.org_table(level)
        reasons, spread = _level_decisions(table, level, known, own, by_id, rules, decisions)
        for by in GROUPINGS:
            groups[by, level] = _published_groups(bench.groups[by, level], by, level, reasons, spread, rules)
            spread_ok[by, level] = spread
    org_tables = {level: _published_organisations(bench.org_table(level), level, known_ids, groups, spread_ok,
                                                  rules) for level in LEVELS}
    band_counts = count_bands(bench.org_overall, known_ids, groups, bands, rules)
    agreement_counts = count_agreement(bench.agreement, known_ids, groups, rules)
    return dataclasses.replace(
        bench,
        min_group=rules.min_organisations,
        organisations=bench.organisations[known].reset_index(drop=True),
        org_indicator=org_tables["indicator"], org_domain=org_tables["domain"], org_overall=org_tables["overall"],
        agreement=bench.agreement[np.isin(bench.agreement["organisation_id"].to_numpy(), known_ids)]
        .reset_index(drop=True),
        groups=MappingProxyType(groups),
        viewer=viewer.label, rules=rules, published=True,
        bands=MappingProxyType(band_counts), agreement_counts=MappingProxyType(agreement_counts),
    )


def _level_decisions(table, level, known, own, by_id, rules, decisions):
    """Decide every group of one level, item by item; return {(by, key, item): reason} and spread flags."""
    positions = table["organisation_id"].map(by_id).to_numpy(dtype="int64")
    # who the columns are and what this viewer knows of them: part of every decision's key
    viewer_key = _digest(np.asarray(list(by_id), dtype="int64").tobytes(), np.asarray(known, dtype=bool).tobytes(),
                         np.asarray(own, dtype=bool).tobytes(), repr(rules).encode())
    scored = table["score"].notna().to_numpy()
    # The whole level's decisions hang on who is in which group and scored on which item, never on
    # a score: kept under that pattern, a submission that scores no new item decides nothing again
    # and does not even rebuild the membership matrices.
    layout = [table["organisation_id"].to_numpy(dtype="int64").tobytes(), scored.tobytes(), level.encode()]
    for column in ("area", "sector", *item_columns(level)):
        codes, names = pd.factorize(table[column].astype(str).to_numpy())
        layout += [codes.tobytes(), repr(names.tolist()).encode()]
    return decision_cache.get(_digest(viewer_key, *layout), (), lambda: _decide_level(
        table, level, known, own, rules, decisions, positions, viewer_key, scored))


def _decide_level(table, level, known, own, rules, decisions, positions, viewer_key, scored):
    """Decide every group of one level, item by item (see _level_decisions)."""
    items = item_key(table, level)
    item_names = list(dict.fromkeys(items))  # None alone at the overall level
    item_codes = np.array([item_names.index(i) for i in items] if len(item_names) < 2
                          else pd.Index(item_names).get_indexer(items), dtype="int64")
    # one number per (grouping, group) across all groupings: the rows of the membership matrix
    codes, labels = [], []
    for by in GROUPINGS:
        keys = group_keys(table, by)
        numbers, uniques = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=False)
        codes.append(numbers + len(labels))
        labels.extend((by, key) for key in uniques)
    reasons, spread = {}, {}
    for code, item in enumerate(item_names):
        rows = np.flatnonzero((item_codes == code) & scored)
        membership = np.zeros((len(labels), len(known)), dtype=bool)
        for numbers in codes:
            membership[numbers[rows], positions[rows]] = True
        present = np.flatnonzero(membership.any(axis=1))  # groups with a member scored on this item
        membership = membership[present]
        # eight members a byte: hashing the packed matrix costs an eighth of hashing the booleans
        pattern = _digest(viewer_key, np.asarray(membership.shape, dtype="int64").tobytes(),
                          np.packbits(membership).tobytes(), present.tobytes())
        if pattern not in decisions:
            decisions[pattern] = decision_cache.get(
                pattern, (), lambda m=membership: decide(m, known, own, rules))
        decision = decisions[pattern]
        for g, index in enumerate(present):
            by, key = labels[index]
            reasons[by, key, item] = decision.reasons[g]
            spread[by, key, item] = decision.spread[g]
    return reasons, spread


def _published_groups(raw: pd.DataFrame, by, level, reasons, spread, rules: Rules) -> pd.DataFrame:
    """Blank hidden groups' numbers and small groups' spread; round the rest."""
    out = raw.copy()
    lookup = [(by, key, item) for key, item in zip(group_keys(raw, by), item_key(raw, level))]
    reason = [reasons.get(k, "") for k in lookup]
    out["reason"] = reason
    hidden = np.array([r in HIDING for r in reason], dtype=bool)
    out["suppressed"] = hidden
    no_spread = np.array([not spread.get(k, True) for k in lookup], dtype=bool) | hidden
    out["spread_shown"] = ~no_spread
    for column in ("mean", *SPREAD_COLUMNS):
        values = out[column].astype(float).round(rules.precision)
        out[column] = values.mask(hidden | (no_spread if column in SPREAD_COLUMNS else False))
    for column in ("n_organisations", "n_respondents", *ANSWER_COUNTS):
        if column in out:
            out[column] = out[column].astype("Int64").mask(hidden)
    return out


def _published_organisations(table, level, known_ids, groups, spread_ok, rules: Rules) -> pd.DataFrame:
    """Keep the organisations the viewer knows; gaps against published means; ranks only beside spread."""
    out = table[np.isin(table["organisation_id"].to_numpy(), known_ids)].reset_index(drop=True)
    out["score"] = out["score"].astype(float).round(rules.precision)
    for by in ("area", "sector", "tayside"):
        group = groups[by, level]
        row = group_row(group, out, [*GROUPINGS[by], *item_columns(level)[-1:]])  # -1: no such group
        found = row >= 0
        mean = np.where(found, group["mean"].to_numpy(dtype=float)[row], np.nan)
        out[f"gap_{by}"] = (out["score"].to_numpy() - mean).round(rules.precision)
        if by in PERCENTILES:
            shown = np.array([spread_ok[by, level].get((by, k, i), False) for k, i in
                              zip(group_keys(group, by), item_key(group, level))], dtype=bool)
            allowed = found & shown[row] if len(shown) else np.zeros(len(out), dtype=bool)
            column = PERCENTILES[by]
            out[column] = out[column].astype(float).round(0).where(allowed & ~np.isnan(mean))
    return out


def publish_target_counts(bench: RoundBenchmark, tallies: pd.DataFrame, viewer: Viewer,
                          rules: Rules) -> dict:
    """Count per group the targets set and met; hidden like any group figure, with the reason.

    `tallies` (benchmarks.target_counts) has one row per organisation with assessed
    targets. Returns {(by, key): ((organisations, set, met), "") or (None, reason)}.
    """
    if rules.named:
        viewer = dataclasses.replace(viewer, known=None)
    frame = bench.organisations.merge(tallies, on="organisation_id")
    frame = frame[frame["n_set"] > 0].reset_index(drop=True)
    ids = frame["organisation_id"].to_numpy()
    known, own = viewer.knows(ids), np.isin(ids, list(viewer.own))
    labels, rows = [], []
    for by in GROUPINGS:
        keys = group_keys(frame, by)
        for key in dict.fromkeys(keys):
            labels.append((by, key))
            rows.append(np.array([k == key for k in keys], dtype=bool))
    membership = np.array(rows, dtype=bool).reshape(len(labels), len(ids))
    reasons = list(decide(membership, known, own, rules).reasons)
    n_set, n_met = frame["n_set"].to_numpy(), frame["n_met"].to_numpy()
    for g, members in enumerate(membership):
        unknown = members & ~known
        # every unknown member met all its targets, or none: the count says each one's result
        if not reasons[g] and not rules.named and unknown.any() and n_met[unknown].sum() in (0, n_set[unknown].sum()):
            reasons[g] = ALIKE
    while True:  # a hidden count must not be the difference of shown ones
        unknown_rows = membership[:, ~known]
        shown = [g for g in range(len(labels)) if not reasons[g] and unknown_rows[g].any()]
        if not any(reasons[g] and target_counts.in_span(unknown_rows[g], [unknown_rows[s] for s in shown])
                   for g in range(len(labels))):
            break
        reasons[min(shown, key=lambda s: (bool((membership[s] & own).any()), int(unknown_rows[s].sum())))] = COMPLEMENT
    return {label: (None, reasons[g]) if reasons[g] else
            ((int(membership[g].sum()), int(n_set[membership[g]].sum()), int(n_met[membership[g]].sum())), "")
            for g, label in enumerate(labels)}
