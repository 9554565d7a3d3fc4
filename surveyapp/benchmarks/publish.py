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
import threading
from collections import OrderedDict
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
    counts_pin_members,
    decide,
)

HIDING = (TOO_FEW, COMPLEMENT)
SPREAD_COLUMNS = ("median", "q1", "q3")
PERCENTILES = {"area": "percentile_area", "sector": "percentile_sector"}


class DecisionCache:
    """Decisions already taken, kept across publishes: the one costly step of publishing, taken once.

    A decision (benchmarks.disclosure.decide) depends only on which organisations
    each group holds, which of them the viewer knows and owns, and the rules; never
    on a score. A new submission for an organisation that already had a score
    changes no membership, so publishing the round again after it takes no
    decision again (1.5-3 s per viewer at national scale, most of it eigenvalues).
    """

    def __init__(self, size: int = 4096):
        """Hold at most `size` decisions."""
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.taken = 0  # decisions computed, not found: what the tests count

    def get(self, key: bytes, decide_now) -> Decision:
        """Return the decision for a key, taking it with decide_now() when it is not kept."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        decision = decide_now()
        with self._lock:
            self.taken += 1
            self._entries[key] = decision
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return decision


decision_cache = DecisionCache()


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
    band_counts = _band_counts(bench.org_overall, known_ids, groups, bands, rules)
    agreement_counts = _agreement_counts(bench.agreement, known_ids, groups, rules)
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


def _group_keys(frame: pd.DataFrame, by: str) -> list[tuple]:
    """Return each row's group key as a tuple of strings (empty for Tayside)."""
    columns = GROUPINGS[by]
    if not columns:
        return [()] * len(frame)
    return list(zip(*(frame[c].astype(str).tolist() for c in columns)))


def _item_key(frame: pd.DataFrame, level: str) -> list:
    """Return each row's item (indicator or domain id), or None at the overall level."""
    columns = item_columns(level)
    return frame[columns[-1]].astype(str).tolist() if columns else [None] * len(frame)


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
    return decision_cache.get(_digest(viewer_key, *layout), lambda: _decide_level(
        table, level, known, own, rules, decisions, positions, viewer_key, scored))


def _decide_level(table, level, known, own, rules, decisions, positions, viewer_key, scored):
    """Decide every group of one level, item by item (see _level_decisions)."""
    items = _item_key(table, level)
    item_names = list(dict.fromkeys(items))  # None alone at the overall level
    item_codes = np.array([item_names.index(i) for i in items] if len(item_names) < 2
                          else pd.Index(item_names).get_indexer(items), dtype="int64")
    # one number per (grouping, group) across all groupings: the rows of the membership matrix
    codes, labels = [], []
    for by in GROUPINGS:
        keys = _group_keys(table, by)
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
                pattern, lambda m=membership: decide(m, known, own, rules))
        decision = decisions[pattern]
        for g, index in enumerate(present):
            by, key = labels[index]
            reasons[by, key, item] = decision.reasons[g]
            spread[by, key, item] = decision.spread[g]
    return reasons, spread


def _published_groups(raw: pd.DataFrame, by, level, reasons, spread, rules: Rules) -> pd.DataFrame:
    """Blank hidden groups' numbers and small groups' spread; round the rest."""
    out = raw.copy()
    lookup = [(by, key, item) for key, item in zip(_group_keys(raw, by), _item_key(raw, level))]
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
        row = _group_row(group, out, [*GROUPINGS[by], *item_columns(level)[-1:]])  # -1: no such group
        found = row >= 0
        mean = np.where(found, group["mean"].to_numpy(dtype=float)[row], np.nan)
        out[f"gap_{by}"] = (out["score"].to_numpy() - mean).round(rules.precision)
        if by in PERCENTILES:
            shown = np.array([spread_ok[by, level].get((by, k, i), False) for k, i in
                              zip(_group_keys(group, by), _item_key(group, level))], dtype=bool)
            allowed = found & shown[row] if len(shown) else np.zeros(len(out), dtype=bool)
            column = PERCENTILES[by]
            out[column] = out[column].astype(float).round(0).where(allowed & ~np.isnan(mean))
    return out


def _group_row(group: pd.DataFrame, table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Return, for each row of `table`, the position of the last row of `group` with the same key, or -1."""
    if not columns:  # one group for everyone
        return np.full(len(table), len(group) - 1, dtype="int64")
    # labels, not category codes: the two tables' categories need not be the same
    keys = pd.MultiIndex.from_arrays([group[c].astype(str).to_numpy() for c in columns])
    last = ~keys.duplicated(keep="last")
    found = keys[last].get_indexer(pd.MultiIndex.from_arrays([table[c].astype(str).to_numpy() for c in columns]))
    return np.where(found >= 0, np.flatnonzero(last)[found], -1)


def _band_counts(overall, known_ids, groups, bands, rules: Rules) -> dict:
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
        member, canonical = _group_row(table, overall, columns), _group_row(table, table, columns)
        rows = (band_of >= 0) & (member >= 0)
        cells = member * n_bands + band_of
        size = max(len(table), 1) * n_bands
        all_counts = np.bincount(cells[rows], minlength=size).reshape(-1, n_bands)
        unknown_counts = np.bincount(cells[rows & ~known], minlength=size).reshape(-1, n_bands)
        for row, (key, reason) in enumerate(zip(_group_keys(table, by), table["reason"].tolist())):
            counts, unknown = all_counts[canonical[row]], unknown_counts[canonical[row]]
            if reason in HIDING:
                out[by, key] = (None, reason)
            elif not rules.named and counts_pin_members(unknown):
                out[by, key] = (None, ALIKE)
            else:
                out[by, key] = (tuple(int(c) for c in counts), "")
    return out


def _agreement_counts(agreement, known_ids, groups, rules: Rules) -> dict:
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
        shown = {(k, i): r for k, i, r in zip(_group_keys(table, by), _item_key(table, "indicator"),
                                             table["reason"].tolist())}
        keys = [*GROUPINGS[by], "indicator"]
        combined = np.ravel_multi_index([labels[c][0] for c in keys], [len(labels[c][1]) for c in keys])
        numbers, uniques = pd.factorize(combined)  # groups in order of first appearance, as groupby(sort=False)
        parts = np.unravel_index(uniques, [len(labels[c][1]) for c in keys])
        names = [labels[c][1][part].tolist() for c, part in zip(keys, parts)]
        tallies = [np.bincount(numbers, weights=w, minlength=len(uniques)).astype("int64").tolist()
                   for w in (low, None, unknown, low & unknown)]
        group_keys = list(zip(*names[:-1])) if len(names) > 1 else [()] * len(uniques)
        for key, item, n_low, n_all, n_unknown, n_unknown_low in zip(group_keys, names[-1], *tallies):
            reason = shown.get((key, item), TOO_FEW)
            if not named and reason not in HIDING and n_unknown and (
                    n_unknown < min_unknown or n_unknown_low == n_unknown):
                reason = ALIKE
            out[by, key, item] = (None, reason) if reason in (*HIDING, ALIKE) else ((n_all, n_low), "")
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
        keys = _group_keys(frame, by)
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
