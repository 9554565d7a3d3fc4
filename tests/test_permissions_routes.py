"""Walk every route in the URL map, for every role, against organisations in different areas.

Each request must be allowed or refused exactly as tests/permission_table.py says,
and a refused reply must carry nothing of the organisation it refused.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import url_for

from surveyapp.accounts import permissions

from .permission_table import TABLE
from .security_world import NEVER_SHOWN, ORG_NAMES, ROLES, build_world, client_for, scratch_dir

DOCS = Path(__file__).resolve().parent.parent / "docs" / "security.md"
WALKED_METHODS = ("GET", "POST")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with scratch_dir(tmp_path_factory.mktemp("walk")) as folder:
        yield build_world(folder)


def url_for_route(world, rule, route, target) -> str:
    """Build the URL for one rule and target from the table's argument builder."""
    args = route.args(world, target)
    missing = set(rule.arguments) - set(args)
    assert not missing, (f"tests/permission_table.py: give {rule.endpoint} the URL arguments "
                         f"{sorted(missing)}")
    with world.app.test_request_context():
        return url_for(rule.endpoint, **args) + route.query


def outcome(response) -> str:
    """Classify a reply as 'allowed', 'refused' or 'sign-in' (a redirect to the sign-in page)."""
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303, 307, 308) and location.split("?")[0].endswith("/sign-in"):
        return "sign-in"
    if response.status_code in (401, 403, 404):
        return "refused"
    return "allowed"


def test_every_endpoint_is_in_the_permission_table(world):
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()}
    missing = sorted(endpoints - TABLE.keys())
    assert not missing, (
        "These endpoints have no entry in tests/permission_table.py. Add one saying which roles may "
        "use each (per organisation where the URL names one) and how to build its URL, and add the "
        f"route to the permission table in docs/security.md: {missing}")
    gone = sorted(TABLE.keys() - endpoints)
    assert not gone, f"tests/permission_table.py lists endpoints the app no longer has: {gone}"


def test_permission_table_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    undocumented = [e for e in TABLE if f"`{e}`" not in text]
    assert not undocumented, f"docs/security.md does not mention these endpoints: {undocumented}"


def test_every_route_allows_and_refuses_as_the_table_says(world):
    failures = []
    for rule in sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule):
        route = TABLE.get(rule.endpoint)
        if route is None:
            continue  # reported by test_every_endpoint_is_in_the_permission_table
        for method in [m for m in WALKED_METHODS if m in rule.methods]:
            for target, allowed in route.allowed.items():
                url = url_for_route(world, rule, route, target)
                for role in ROLES:
                    failures += _check(world, route, method, url, target, role, role in allowed)
    assert not failures, "\n".join(failures)


def _check(world, route, method, url, target, role, allowed) -> list[str]:
    """Make one request and say what, if anything, is wrong with the reply."""
    client = client_for(world, role, fresh=route.sign_in_redirect_is_fine)
    data = {"csrf_token": client.csrf} if method == "POST" else None
    with client.open(url, method=method, data=data) as response:
        got = outcome(response)
        body = response.get_data().decode("utf-8", "replace")  # PDF and XLSX downloads are not text
    where = f"{method} {url} as {role}"
    problems = []
    if got.startswith("server error"):
        return [f"{where}: {got}"]
    if allowed and got != "allowed" and not (route.sign_in_redirect_is_fine and got == "sign-in"):
        problems.append(f"{where}: expected allowed, got {got} ({response.status_code})")
    if not allowed:
        expected = ("refused", "sign-in") if role == "anonymous" else ("refused",)
        if got not in expected:
            problems.append(f"{where}: expected refused, got {got} ({response.status_code})")
        hidden = [target] if target in ORG_NAMES else list(ORG_NAMES)
        problems += [f"{where}: refused reply names organisation {t}" for t in hidden if ORG_NAMES[t] in body]
    for other in NEVER_SHOWN.get(role, ()):
        if ORG_NAMES[other] in body:
            problems.append(f"{where}: shows {ORG_NAMES[other]!r}, which {role} must never see")
    return problems


def test_refusals_are_written_to_the_audit_log(world):
    client = client_for(world, "lead_b")
    url = f"/rounds/{world.round_open}/organisations/{world.orgs['A']}/"
    assert client.get(url).status_code == 403
    db = world.db()
    row = db.execute("SELECT user_email, organisation_id, detail FROM audit_log "
                     "WHERE action = 'permission.refused' ORDER BY id DESC LIMIT 1").fetchone()
    db.close()
    assert row == ("lead.b@example.org", world.orgs["A"], f"GET {url}")


# The rules themselves, one role at a time: what the route walk relies on.
A = {"id": 1, "area": "Dundee City"}
B = {"id": 2, "area": "Angus"}
PEOPLE = {
    "lead_a": {"role": "service_lead", "organisations": frozenset({1}), "areas": frozenset()},
    "facilitator_dundee": {"role": "facilitator", "organisations": frozenset(), "areas": frozenset({"Dundee City"})},
    "facilitator_all": {"role": "facilitator", "organisations": frozenset(), "areas": frozenset({"*"})},
    "commissioner_dundee": {"role": "commissioner", "organisations": frozenset(), "areas": frozenset({"Dundee City"})},
    "admin": {"role": "admin", "organisations": frozenset(), "areas": frozenset()},
}
RULES = [
    # (function, arguments, people for whom it is True)
    ("can_respond", (A,), {"lead_a"}),
    ("can_respond", (B,), set()),
    ("can_view_results", (A,), {"lead_a", "facilitator_dundee", "facilitator_all", "commissioner_dundee"}),
    ("can_view_results", (B,), {"facilitator_all"}),
    ("can_facilitate", (A,), {"facilitator_dundee", "facilitator_all"}),
    ("can_facilitate", (B,), {"facilitator_all"}),
    ("can_run_rounds", (), {"facilitator_dundee", "facilitator_all"}),
    ("can_administer", (), {"admin"}),
    ("can_view_group", ("Angus",), {"lead_a", "facilitator_all"}),
]


@pytest.mark.parametrize("name, args, true_for", RULES, ids=lambda v: v if isinstance(v, str) else "")
def test_permission_rules(name, args, true_for):
    function = getattr(permissions, name)
    assert not function(None, *args), "nobody signed in may do anything"
    got = {person for person, user in PEOPLE.items() if function(user, *args)}
    assert got == true_for

