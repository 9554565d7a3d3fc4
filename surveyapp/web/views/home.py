"""The start page: what each person can do next, by role."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, g, redirect, render_template, url_for

from surveyapp.accounts import outbox
from surveyapp.accounts.audit import count_entries
from surveyapp.accounts.organisations import AREAS
from surveyapp.accounts.permissions import covers_area
from surveyapp.assessments.listing import by_organisation, open_round_counts, open_rounds, round_places
from surveyapp.assessments.rounds import is_open
from surveyapp.reports.model import slug
from surveyapp.storage.db import get_db

bp = Blueprint("home", __name__)
ROUNDS_SHOWN = 5  # open rounds on the facilitator's home page; the rounds page lists them all, paged


@bp.route("/")
def index():
    """Show a signed-in person their next step, or send them to sign in."""
    if g.user is None:
        return redirect(url_for("auth.sign_in"))
    db = get_db()
    role = g.user["role"]
    context = {"service_lead": _service_lead, "facilitator": _facilitator,
               "commissioner": _commissioner, "admin": _administrator}[role](db)
    return render_template("home.html", **context)


def _service_lead(db) -> dict:
    """Return the lead's assessments with the next step for each, their latest results and their plans."""
    mine = set(g.user["organisations"])
    places = round_places(db, organisations=sorted(mine))
    own: dict[tuple, dict] = {}  # the lead's own response in each round, or a place not started by them
    for place in places:
        key = (place["round_id"], place["organisation_id"])
        if place["respondent"] == g.user["email"]:
            own[key] = place
        else:
            own.setdefault(key, {**place, "status": "not_started", "response_id": None})
    assessments = []
    for place in own.values():
        open_now = is_open({"status": place["round_status"], "opens_on": place["opens_on"],
                            "closes_on": place["closes_on"]})
        if open_now or place["status"] != "not_started":
            assessments.append({**place, "open": open_now, "next": _next_step(place["status"], open_now)})
    # results belong to the organisation: any submitted response in a round gives it results
    results = [p for p in by_organisation(places) if p["status"] == "submitted"]
    organisations = list(db.query(
        f"SELECT * FROM organisations WHERE id IN ({','.join('?' * len(mine)) or 'NULL'}) ORDER BY name",
        list(mine)))
    latest = {}
    for place in results:  # rows come newest round first: keep each organisation's latest
        latest.setdefault(place["organisation_id"], place)
    assessments.sort(key=lambda a: not a["open"])  # open rounds first; within each, newest round first
    due = sorted((a for a in assessments if a["open"] and a["status"] != "submitted" and a["closes_on"]),
                 key=lambda a: a["closes_on"])
    return {"title": "Your assessments", "assessments": assessments, "due": due,
            "latest_results": list(latest.values()), "organisations": organisations}


def _next_step(status: str, open_now: bool) -> str:
    """Say what the lead does next with one assessment."""
    if status == "submitted":
        return "See your results"
    if not open_now:
        return "Read your answers"
    return {"not_started": "Start", "in_progress": "Continue", "reopened": "Change and submit again"}[status]


def _facilitator(db) -> dict:
    """Return the newest open rounds with the response rate per area this facilitator covers.

    Two statements whatever the number of rounds: the rounds shown, and their counts per area.
    """
    today = dt.date.today().isoformat()
    shown, open_total = open_rounds(db, today, ROUNDS_SHOWN)
    counts: dict[int, dict[str, dict]] = {}
    for row in open_round_counts(db, today, ROUNDS_SHOWN):
        if covers_area(g.user, row["area"]):
            counts.setdefault(row["round_id"], {})[row["area"]] = row
    summaries = []
    for round_row in shown:
        here = counts.get(round_row["id"], {})
        order = [a for a in AREAS if a in here] + sorted(a for a in here if a not in AREAS)
        by_area = [{"area": a, "submitted": here[a]["submitted"], "invited": here[a]["invited"],
                    "percent": round(100 * here[a]["submitted"] / here[a]["invited"])} for a in order]
        waiting = sum(c["invited"] - c["submitted"] for c in here.values())
        summaries.append({"round": round_row, "by_area": by_area, "waiting": waiting})
    return {"title": "Home", "open_rounds": summaries, "open_total": open_total}


def _commissioner(db) -> dict:
    """Return, for each framework's latest round with results, the reports of the areas covered."""
    latest = db.query(
        """SELECT rounds.* FROM rounds WHERE rounds.id IN (
               SELECT max(rounds.id) FROM rounds
                 JOIN framework_versions ON framework_versions.key = rounds.framework_key
                WHERE EXISTS (SELECT 1 FROM responses
                               WHERE responses.round_id = rounds.id AND responses.status = 'submitted')
                GROUP BY framework_versions.framework_id)
            ORDER BY rounds.id DESC""")
    areas = [a for a in AREAS if covers_area(g.user, a)]
    reports = [{"round": r, "areas": [{"name": a, "slug": slug(a)} for a in areas]} for r in latest]
    return {"title": "Home", "reports": reports}


def _administrator(db) -> dict:
    """Return the counts an administrator checks: people, organisations, frameworks, outbox, audit."""
    def one(sql: str) -> int:
        return db.execute(sql).fetchone()[0]
    mail = outbox.counts(db)
    return {"title": "Home", "admin_counts": {
        "users": one("SELECT count(*) FROM users WHERE active = 1"),
        "invited": one("SELECT count(*) FROM users WHERE active = 1 AND password_hash IS NULL"),
        "organisations": one("SELECT count(*) FROM organisations"),
        "frameworks": one("SELECT count(*) FROM framework_versions"),
        "failed": mail.get("failed", 0), "queued": mail.get("queued", 0),
        "audit": count_entries(db)}}
