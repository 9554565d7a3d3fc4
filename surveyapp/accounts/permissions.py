"""Who may see and do what: the one place the permission table is enforced.

Views call these functions; templates only hide links. See docs/security.md.
"""
from __future__ import annotations

from surveyapp.accounts.users import ALL_AREAS


def covers_area(user: dict | None, area: str) -> bool:
    """Return True when a facilitator or commissioner covers this area."""
    if not user or user["role"] not in ("facilitator", "commissioner"):
        return False
    return ALL_AREAS in user["areas"] or area in user["areas"]


def can_respond(user: dict | None, organisation: dict) -> bool:
    """Return True when the user may start, edit and submit for this organisation."""
    return bool(user) and user["role"] == "service_lead" and organisation["id"] in user["organisations"]


def can_view_results(user: dict | None, organisation: dict) -> bool:
    """Return True when the user may see this organisation's own results."""
    if not user:
        return False
    if user["role"] == "service_lead":
        return organisation["id"] in user["organisations"]
    return covers_area(user, organisation["area"])


def can_view_group(user: dict | None, area: str | None = None) -> bool:
    """Return True when the user may see benchmarks for an area (None: any they cover)."""
    if not user:
        return False
    if user["role"] == "service_lead":
        return True  # only suppressed-as-needed group figures, never another organisation's
    if user["role"] in ("facilitator", "commissioner"):
        return area is None or covers_area(user, area)
    return False


def can_run_rounds(user: dict | None) -> bool:
    """Return True when the user may create, open, close rounds and reopen responses."""
    return bool(user) and user["role"] == "facilitator"


def can_facilitate(user: dict | None, organisation: dict) -> bool:
    """Return True when a facilitator may invite people to, and reopen responses of, this organisation."""
    return bool(user) and user["role"] == "facilitator" and covers_area(user, organisation["area"])


def can_edit_plan(user: dict | None, organisation: dict) -> bool:
    """Return True when the user may add to and change this organisation's improvement plan."""
    # who may see the plan is can_view_results: a plan is part of the results
    if not user:
        return False
    if user["role"] == "service_lead":
        return organisation["id"] in user["organisations"]
    return user["role"] == "facilitator" and covers_area(user, organisation["area"])


def can_view_area_plan(user: dict | None, area: str) -> bool:
    """Return True when the user may see every organisation's actions in an area."""
    return covers_area(user, area)


def can_administer(user: dict | None) -> bool:
    """Return True for administrators: users, organisations, framework files, audit log, outbox."""
    return bool(user) and user["role"] == "admin"


def can_set_targets(user: dict | None, organisation: dict) -> bool:
    """Return True when the user may set this organisation's targets for the next round: its service leads."""
    # a target is the organisation's own aim; facilitators help with plans but do not set it for them
    return bool(user) and user["role"] == "service_lead" and organisation["id"] in user["organisations"]
