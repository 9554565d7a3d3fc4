"""Disclosure rules: who already knows which organisations, and which group figures are safe to show them.

docs/disclosure.md gives the threat model. In short, a viewer's *known set*
is the organisations whose results they may see one by one (a service lead's
own organisations, every organisation in a commissioner's or facilitator's
areas, all of them for an administrator). A group figure is safe for a
viewer when it rests only on organisations they know, or on at least
`min_organisations` organisations of which at least `min_unknown` are
unknown to them; and every shown figure together, treated as a linear
system over the unknown organisations' scores, must not determine any one
of them. Spread (median, quartiles, percentile ranks) needs
`min_for_spread` unknown organisations. Pure numpy; nothing here knows
about Flask or rendering.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

TOO_FEW = "too-few"
COMPLEMENT = "complement"
SPREAD = "spread"
ALIKE = "alike"
# What each reason says to a reader (tables, CSV legends, disclosure-check).
REASONS = {
    TOO_FEW: "hidden because too few organisations are in the group",
    COMPLEMENT: "hidden so that another hidden figure cannot be worked out from the ones shown",
    ALIKE: "hidden because the other organisations all answered alike, so the counts would show their answers",
    SPREAD: "shown only for groups of at least {min_for_spread} organisations you cannot already see",
}
# Leverage this close to 1 means a unit vector lies in the row space: a score is determined.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Rules:
    """The disclosure settings for one framework, instance defaults filled in."""

    min_organisations: int = 3
    min_unknown: int = 2
    min_for_spread: int = 10
    precision: int = 1
    mode: str = "suppress"  # or "named": results shared by name by agreement; nothing is hidden

    @property
    def named(self) -> bool:
        """Return True when organisations' results are shared by name and nothing is suppressed."""
        return self.mode == "named"


def rules_for(settings: Mapping | None, min_organisations: int = 3) -> Rules:
    """Resolve a framework's `disclosure` block against the instance default group size."""
    settings = dict(settings or {})
    return Rules(
        min_organisations=int(settings.get("min_organisations", min_organisations)),
        min_unknown=int(settings.get("min_unknown", 2)),
        min_for_spread=int(settings.get("min_for_spread", 10)),
        precision=int(settings.get("precision", 1)),
        mode=str(settings.get("mode", "suppress")),
    )


@dataclass(frozen=True)
class Viewer:
    """Whoever a set of figures is published for, reduced to what matters: who they already know.

    `known` None means every organisation (an administrator, or a named framework).
    `own` are the viewer's own organisations, or every organisation of their areas:
    the groups holding them are hidden last.
    """

    label: str
    known: frozenset[int] | None = frozenset()
    own: frozenset[int] = frozenset()

    @property
    def key(self) -> tuple:
        """Return what publishing depends on, for caching: two viewers with one key see the same figures."""
        return (None if self.known is None else tuple(sorted(self.known)), tuple(sorted(self.own)))

    def knows(self, organisation_ids: Iterable[int]) -> np.ndarray:
        """Return a mask of the organisations this viewer knows."""
        ids = np.asarray(list(organisation_ids), dtype="int64")
        if self.known is None:
            return np.ones(len(ids), dtype=bool)
        return np.isin(ids, np.fromiter(self.known, dtype="int64", count=len(self.known)))


PUBLIC = Viewer("someone who knows no organisation's results")
EVERYONE = Viewer("an administrator, who may see every organisation", known=None)


def determined(rows: np.ndarray) -> np.ndarray:
    """Return, per column, whether the rows' span holds that column's unit vector.

    `rows` is a 0/1 matrix: one row per shown group sum, one column per unknown
    organisation. A unit vector lies in the row space exactly when the
    projection onto that space keeps all of it: its leverage is 1. The
    projection is found from the small groups × groups matrix R Rᵀ, so the
    cost grows with the number of groups, not of organisations.
    """
    n_columns = rows.shape[1]
    if rows.size == 0:
        return np.zeros(n_columns, dtype=bool)
    matrix = rows.astype(float)
    values, vectors = np.linalg.eigh(matrix @ matrix.T)
    keep = values > TOLERANCE * max(values.max(), 1.0)
    basis = (matrix.T @ vectors[:, keep]) / np.sqrt(values[keep])  # orthonormal columns spanning the rows
    leverage = (basis ** 2).sum(axis=1)
    return leverage > 1 - 1e-6


@dataclass(frozen=True)
class Decision:
    """Which groups of one membership pattern are hidden, and why (reason per group, "" when shown)."""

    reasons: tuple[str, ...]
    spread: tuple[bool, ...]  # spread statistics may be shown


def decide(membership: np.ndarray, known: np.ndarray, own: np.ndarray, rules: Rules) -> Decision:
    """Decide what to show of the groups whose members are the rows of `membership`.

    `membership` is groups × organisations (booleans), `known` and `own` are
    masks over the organisations. Primary rule first; then, while the shown
    groups determine an unknown organisation, hide one shown group holding it,
    smallest number of unknown members first, groups holding the viewer's own
    organisations last. A group resting only on known organisations is never
    hidden: it reveals nothing.
    """
    membership = membership.astype(bool)
    n_groups = membership.shape[0]
    if rules.named:
        return Decision(("",) * n_groups, (True,) * n_groups)
    unknown_members = membership[:, ~known]
    n_unknown = unknown_members.sum(axis=1)
    n_total = membership.sum(axis=1)
    holds_own = (membership & own).any(axis=1)
    reasons = ["" for _ in range(n_groups)]
    for g in range(n_groups):
        if n_unknown[g] and (n_total[g] < rules.min_organisations or n_unknown[g] < rules.min_unknown):
            reasons[g] = TOO_FEW
    # Groups only of known organisations, and empty groups, add nothing to the system.
    while True:
        shown = [g for g in range(n_groups) if not reasons[g] and n_unknown[g]]
        left = int(determined(unknown_members[shown]).sum())
        if not left:
            break
        # Smallest groups first, the viewer's own groups last, among the figures whose loss
        # leaves fewer organisations determined (one always does: the unit vector needs a row).
        def helps(g, shown=shown, left=left):
            return int(determined(unknown_members[[h for h in shown if h != g]]).sum()) < left
        order = sorted(shown, key=lambda g: (bool(holds_own[g]), int(n_unknown[g]), int(n_total[g]), g))
        reasons[next((g for g in order if helps(g)), order[0])] = COMPLEMENT
    spread = tuple(bool(n_unknown[g] == 0 or n_unknown[g] >= rules.min_for_spread) for g in range(n_groups))
    return Decision(tuple(reasons), spread)


def counts_pin_members(unknown_counts: np.ndarray) -> bool:
    """Return True when counts over levels would show every unknown member's level.

    `unknown_counts` holds, per level, how many of the group's answers (or
    organisations) that the viewer does not know fall there. When all of them
    fall at one level, each unknown organisation's answer is that level.
    """
    total = int(unknown_counts.sum())
    return total > 0 and int(unknown_counts.max()) == total
