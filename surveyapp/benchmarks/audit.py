"""Check a published set of figures from the outside, as an attacker would, before results open.

Independent of how `publish` chose what to hide: it rebuilds, from the raw
benchmark, which organisations each shown figure rests on, and asks whether
the shown figures together determine any organisation the viewer does not
know, and whether any spread statistic rests on fewer than SPREAD_FLOOR of
them. `surveyapp disclosure-check` prints what it finds.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from surveyapp.benchmarks.aggregation import GROUPINGS, LEVELS, RoundBenchmark, item_columns
from surveyapp.benchmarks.disclosure import Viewer, determined

# Below this many unknown organisations, a median and quartiles come close to naming members'
# scores (with 3 they give every one exactly), whatever a framework file asks for.
SPREAD_FLOOR = 10


@dataclass
class Audit:
    """What one viewer is shown of a round, what is hidden and why, and any risk found."""

    viewer: str
    shown: int = 0
    hidden: Counter = field(default_factory=Counter)
    risks: list[str] = field(default_factory=list)


def _members(raw: RoundBenchmark) -> dict:
    """Return {(level, by, key, item): organisation ids with a score there}."""
    out: dict = {}
    for level in LEVELS:
        table = raw.org_table(level)
        table = table[table["score"].notna()]
        columns = item_columns(level)
        items = table[columns[-1]].astype(str).tolist() if columns else [None] * len(table)
        labels = {c: table[c].astype(str).tolist() for c in ("area", "sector")}
        for n, org in enumerate(table["organisation_id"].tolist()):
            for by, keys in GROUPINGS.items():
                out.setdefault((level, by, tuple(labels[c][n] for c in keys), items[n]), set()).add(int(org))
    return out


def audit(raw: RoundBenchmark, published: RoundBenchmark, viewer: Viewer) -> Audit:
    """Return what the viewer is shown and any disclosure the shown figures allow."""
    result = Audit(viewer.label)
    members = _members(raw)
    everyone = [int(o) for o in raw.organisations["organisation_id"]]
    unknown = [o for o, k in zip(everyone, viewer.knows(everyone)) if not k]
    column = {org: n for n, org in enumerate(unknown)}
    named = bool(published.rules and published.rules.named)
    for level in LEVELS:
        item = item_columns(level)
        rows: dict = {}
        for by in GROUPINGS:
            table = published.groups[by, level]
            for record in table.to_dict("records"):
                key = tuple(str(record[c]) for c in GROUPINGS[by])
                thing = str(record[item[-1]]) if item else None
                name = " ".join(str(part) for part in (level, by, *key, thing or "") if part)
                if record["suppressed"]:
                    result.hidden[record.get("reason") or "too-few"] += 1
                    continue
                result.shown += 1
                secret = members.get((level, by, key, thing), set()) - (set(everyone) - set(unknown))
                if not secret or named:
                    continue
                rows.setdefault(thing, []).append((name, secret))
                if record.get("spread_shown") and len(secret) < SPREAD_FLOOR and record["median"] == record["median"]:
                    result.risks.append(f"{name}: median and quartiles rest on {len(secret)} organisations "
                                        f"the viewer cannot see (fewer than {SPREAD_FLOOR})")
        for thing, found in rows.items():
            matrix = np.zeros((len(found), len(unknown)), dtype=bool)
            for n, (_, secret) in enumerate(found):
                matrix[n, [column[o] for o in secret]] = True
            exposed = np.flatnonzero(determined(matrix))
            if len(exposed):
                names = [name for name, secret in found if secret & {unknown[i] for i in exposed}]
                result.risks.append(f"{level} {thing or ''}: {len(exposed)} organisation(s) can be worked out "
                                    f"from {', '.join(names)}")
    return result
