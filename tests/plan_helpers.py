"""Two rounds of a small framework with hand-computed scores, for the improvement plan tests.

Areas: Dundee City has four organisations (A, B, C, E), Perth and Kinross
three, Angus one (D). Angus is too small to show, and secondary suppression
then also hides Perth and Kinross (the smaller visible area), so Dundee City's
averages are shown and Angus's are not. Each organisation gives one response,
so its score is its answer.

    l1:  A 2 -> 4   B 4 -> 5   C 4 -> 5   E 6 -> 6   Dundee mean 4.0 -> 5.0
    l2:  every Dundee organisation 3 -> 3            Dundee mean 3.0 -> 3.0
    w1:  A "not applicable" -> 4 (not scored in both rounds); only three Dundee
         organisations score w1 in round one, tying with Perth and Kinross,
         so secondary suppression hides Dundee's w1 average in that round
    D (Angus), l1: 1 -> 3
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from surveyapp.frameworks.loader import load_framework_text
from surveyapp.frameworks.reading import load_with_lines

from .aggregation_helpers import FRAMEWORK_YAML, W3, add_org, add_response

DUNDEE = {"A": (2, 4), "B": (4, 5), "C": (4, 5), "E": (6, 6)}
PERTH = {"P1": (3, 3), "P2": (4, 4), "P3": (5, 5)}


@dataclass(frozen=True)
class TwoRounds:
    first: int
    second: int
    orgs: dict


def register_test_framework(db, framework_id: str = "plan-test-fw"):
    """Register the aggregation tests' framework with its real definition; return it."""
    text = FRAMEWORK_YAML.format(version=1, extra=W3).replace("id: test-fw", f"id: {framework_id}")
    fw = load_framework_text(text)
    data, _ = load_with_lines(text, "<test>")
    db["framework_versions"].insert({
        "key": fw.key, "framework_id": fw.id, "version": fw.version, "title": fw.title,
        "content_hash": fw.content_hash, "definition": json.dumps(data), "source_path": "<test>",
    }, ignore=True)
    return fw


def _answers(l1, l2=3, w1=4) -> dict:
    """Answer every scored indicator; w2 and w3 at 4 throughout."""
    return {"l1": l1, "l2": l2, "w1": w1, "w2": 4, "w3": 4}


def build_two_rounds(db, framework_id: str = "plan-test-fw") -> TwoRounds:
    """Create the organisations, two rounds and their submitted responses described above."""
    fw = register_test_framework(db, framework_id)
    first = db["rounds"].insert({"framework_key": fw.key, "title": "Round one", "status": "closed"}).last_pk
    second = db["rounds"].insert({"framework_key": fw.key, "title": "Round two"}).last_pk
    orgs = {}
    for area, people in (("Dundee City", DUNDEE), ("Perth and Kinross", PERTH), ("Angus", {"D": (1, 3)})):
        for name, (before, after) in people.items():
            org_id = add_org(db, f"Org {name} (fictional)", area)
            orgs[name] = org_id
            add_response(db, first, org_id, _answers(before, w1="na" if name == "A" else 4))
            add_response(db, second, org_id, _answers(after))
    return TwoRounds(first, second, orgs)


def world_action(world, key: str) -> int:
    """Return an action of organisation `key` in the permission walk's world, creating it on first use."""
    from surveyapp.frameworks.registry import framework_for_round
    from surveyapp.plans.actions import create_action

    actions = world.__dict__.setdefault("plan_actions", {})
    if key not in actions:
        db = world.db()
        indicator = framework_for_round(db, world.round_done).domains[0].scored_indicators[0].id
        actions[key] = create_action(db, world.orgs[key], world.round_done, title=f"Walk action {key}",
                                     lead="Walk lead", indicator_ids=[indicator])
        db.close()
    return actions[key]


def world_upload(world) -> int:
    """Return a framework upload kept for preview in the permission walk's world, creating it on first use."""
    from surveyapp.frameworks.uploads import check_upload, keep_upload

    from .conftest import PROJECT
    if "framework_upload" not in world.__dict__:
        db = world.db()
        template = PROJECT / "frameworks" / "templates" / "framework-template.xlsx"
        world.__dict__["framework_upload"] = keep_upload(db, check_upload(template.read_bytes(), template.name), None)
        db.close()
    return world.__dict__["framework_upload"]


def client_as(app, db, user_id: int | None):
    """Return a test client signed in as this user (None: nobody), with a CSRF token in `client.csrf`.

    The session is made directly in the database, as the permission walk does, so the
    tests do not pay for a password hash at every sign-in.
    """
    from itsdangerous import URLSafeTimedSerializer

    from surveyapp.accounts.sessions import start_session

    client = app.test_client()
    raw = "csrf-raw-token-for-plan-tests"
    with client.session_transaction() as session:
        session["csrf_token"] = raw
        if user_id is not None:
            session["sid"] = start_session(db, user_id)
    client.csrf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return client
