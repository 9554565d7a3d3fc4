"""Who a set of figures is published for: a signed-in person, or the audience of a report file.

A viewer's known set follows the permission table (accounts.permissions):
a service lead knows their own organisations, a facilitator or commissioner
every organisation in the areas they cover, an administrator all of them.
"""
from __future__ import annotations

from surveyapp.accounts.users import ALL_AREAS
from surveyapp.benchmarks.disclosure import EVERYONE, PUBLIC, Viewer

ROLE_WORDS = {"service_lead": "a service lead", "facilitator": "a facilitator", "commissioner": "a commissioner"}


def organisations_in(db, areas) -> frozenset[int]:
    """Return the ids of every organisation in these areas (all of them for ALL_AREAS)."""
    areas = set(areas)
    rows = db.execute("SELECT id, area FROM organisations").fetchall()
    return frozenset(int(i) for i, area in rows if ALL_AREAS in areas or area in areas)


def viewer_for_user(db, user: dict | None) -> Viewer:
    """Return the viewer a signed-in person is: what they may already see one organisation at a time."""
    if not user:
        return PUBLIC
    if user["role"] == "admin":
        return EVERYONE
    if user["role"] == "service_lead":
        own = frozenset(int(o) for o in user["organisations"])
        return Viewer(f"{ROLE_WORDS['service_lead']} of {len(own)} organisation(s)", known=own, own=own)
    if user["role"] in ("facilitator", "commissioner"):
        known = organisations_in(db, user["areas"])
        areas = "the whole of Tayside" if ALL_AREAS in user["areas"] else ", ".join(sorted(user["areas"]))
        return Viewer(f"{ROLE_WORDS[user['role']]} for {areas}", known=known, own=known)
    return PUBLIC


def viewer_for_area(db, area: str) -> Viewer:
    """Return the audience of an area report file: the area's commissioners, who know its organisations."""
    known = organisations_in(db, [area])
    return Viewer(f"a commissioner for {area}", known=known, own=known)


def viewer_for_organisation(organisation_id: int, name: str = "") -> Viewer:
    """Return the audience of an organisation's report file: its own service leads."""
    own = frozenset({int(organisation_id)})
    return Viewer(f"a service lead of {name or 'one organisation'}", known=own, own=own)
