"""A determined viewer: everything they are shown, plus what they already know, as a linear system.

Written apart from surveyapp.benchmarks.disclosure on purpose (matrix rank,
not leverage) so that it checks that module rather than repeating it. The
attacker is given the worst case: they know which organisations belong to
each group and which have a score on each item; they know the scores of
every organisation they may see one by one; they read every group figure
that is not hidden. A disclosure is an unknown organisation whose score on
some item follows from those figures, or a spread statistic resting on too
few organisations they do not know.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GROUPINGS = {"area": ("area",), "sector": ("sector",), "area-sector": ("area", "sector"), "tayside": ()}
LEVEL_ITEM = {"indicator": "indicator", "domain": "domain", "overall": None}


@dataclass(frozen=True)
class Finding:
    level: str
    item: str | None
    what: str
    organisation: int | None = None

    def __str__(self) -> str:
        where = f"{self.level} {self.item or ''}".strip()
        who = f" organisation {self.organisation}" if self.organisation is not None else ""
        return f"{where}: {self.what}{who}"


def membership(raw_bench) -> dict:
    """Return {(level, by, key, item): organisations with a score there}: the attacker's worst case."""
    out: dict = {}
    for level, item_column in LEVEL_ITEM.items():
        table = raw_bench.org_table(level)
        table = table[table["score"].notna()]
        items = table[item_column].astype(str).tolist() if item_column else [None] * len(table)
        columns = {c: table[c].astype(str).tolist() for c in ("area", "sector")}
        for n, org in enumerate(table["organisation_id"].tolist()):
            for by, keys in GROUPINGS.items():
                key = tuple(columns[c][n] for c in keys)
                out.setdefault((level, by, key, items[n]), set()).add(int(org))
    return out


def _shown_rows(shown_bench, by, level):
    """Yield (group key, item, record) for every group figure the viewer can read."""
    table = shown_bench.groups[by, level]
    item_column = LEVEL_ITEM[level]
    for record in table.to_dict("records"):
        if record.get("suppressed") or record.get("mean") is None or record["mean"] != record["mean"]:
            continue
        key = tuple(str(record[c]) for c in GROUPINGS[by])
        yield key, (str(record[item_column]) if item_column else None), record


def attack(raw_bench, shown_bench, known: set[int] | None, min_for_spread: int = 10) -> list[Finding]:
    """Return every disclosure a viewer who knows `known` can make from `shown_bench` (None: knows all)."""
    everyone = {int(o) for o in raw_bench.organisations["organisation_id"]}
    known = everyone if known is None else set(known) & everyone
    unknown = sorted(everyone - known)
    column = {org: n for n, org in enumerate(unknown)}
    findings: list[Finding] = []
    members = membership(raw_bench)
    for level in LEVEL_ITEM:
        by_item: dict = {}
        for by in GROUPINGS:
            for key, item, record in _shown_rows(shown_bench, by, level):
                secret = members.get((level, by, key, item), set()) - known
                if not secret:
                    continue
                by_item.setdefault(item, []).append(secret)
                spread = [record.get(s) for s in ("median", "q1", "q3")]
                if any(v is not None and v == v for v in spread) and len(secret) < min_for_spread:
                    findings.append(Finding(level, item, f"spread shown for {by} {key} with {len(secret)} unknown"))
        for item, groups in by_item.items():
            matrix = np.zeros((len(groups), len(unknown)))
            for row, secret in enumerate(groups):
                matrix[row, [column[o] for o in secret]] = 1
            rank = np.linalg.matrix_rank(matrix)
            involved = sorted(set().union(*groups))
            for org in involved:
                unit = np.zeros((1, len(unknown)))
                unit[0, column[org]] = 1
                if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
                    findings.append(Finding(level, item, "score determined of", org))
    findings.extend(_percentile_findings(members, shown_bench, known, min_for_spread))
    return findings


def _percentile_findings(members, shown_bench, known, min_for_spread) -> list[Finding]:
    """A percentile rank shown beside a group with too few unknown organisations orders them."""
    out = []
    for level, item_column in LEVEL_ITEM.items():
        shown = shown_bench.org_table(level)
        for by in ("area", "sector"):
            column = f"percentile_{by}"
            if column not in shown:
                continue
            for record in shown[shown[column].notna()].to_dict("records"):
                item = str(record[item_column]) if item_column else None
                secret = members.get((level, by, (str(record[by]),), item), set()) - known
                if secret and len(secret) < min_for_spread:
                    out.append(Finding(level, item, f"percentile in {by} with {len(secret)} unknown",
                                       int(record["organisation_id"])))
    return out


def organisations_shown(shown_bench) -> set[int]:
    """Return the organisations whose own rows the viewer is given."""
    return {int(o) for o in shown_bench.org_overall["organisation_id"]}
