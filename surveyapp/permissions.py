"""Who may see and do what: the one place the permission table is enforced.

Views call these functions; templates only hide links. See docs/security.md.
"""
from __future__ import annotations

from .users import ALL_AREAS


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


def can_administer(user: dict | None) -> bool:
    """Return True for administrators."""
    return bool(user) and user["role"] == "admin"
