"""The start page: what each person can do next, by role."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for

from surveyapp.accounts import outbox
from surveyapp.accounts.audit import count_entries
from surveyapp.accounts.organisations import AREAS
from surveyapp.accounts.permissions import can_facilitate, covers_area
from surveyapp.assessments.listing import by_organisation, round_places
from surveyapp.assessments.rounds import is_open, list_rounds
from surveyapp.reports.model import slug
from surveyapp.storage.db import get_db

bp = Blueprint("home", __name__)


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
    rounds = {r["id"]: r for r in list_rounds(db)}
    mine = set(g.user["organisations"])
    places = [p for p in round_places(db) if p["organisation_id"] in mine]
    own: dict[tuple, dict] = {}  # the lead's own response in each round, or a place not started by them
    for place in places:
        key = (place["round_id"], place["organisation_id"])
        if place["respondent"] == g.user["email"]:
            own[key] = place
        else:
            own.setdefault(key, {**place, "status": "not_started", "response_id": None})
    assessments = []
    for place in own.values():
        open_now = is_open(rounds[place["round_id"]])
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
    """Return the open rounds with the response rate per area this facilitator covers."""
    open_rounds = [r for r in list_rounds(db) if is_open(r)]
    summaries = []
    for round_row in reversed(open_rounds):
        places = [p for p in by_organisation(round_places(db, round_row["id"]))
                  if can_facilitate(g.user, {"id": p["organisation_id"], "area": p["area"]})]
        by_area = []
        for area in AREAS:
            here = [p for p in places if p["area"] == area]
            if here:
                done = sum(1 for p in here if p["status"] == "submitted")
                by_area.append({"area": area, "submitted": done, "invited": len(here),
                                "percent": round(100 * done / len(here))})
        waiting = sum(1 for p in places if p["status"] != "submitted")
        summaries.append({"round": round_row, "by_area": by_area, "waiting": waiting})
    return {"title": "Home", "open_rounds": summaries,
            "closed_count": sum(1 for r in list_rounds(db) if not is_open(r))}


def _commissioner(db) -> dict:
    """Return, for each framework's latest round with results, the reports of the areas covered."""
    latest: dict[str, dict] = {}
    for round_row in list_rounds(db):  # oldest first: later rounds replace earlier ones
        if round_row["submitted"]:
            latest[round_row["framework_id"]] = round_row
    areas = [a for a in AREAS if covers_area(g.user, a)]
    reports = [{"round": r, "areas": [{"name": a, "slug": slug(a)} for a in areas]}
               for r in sorted(latest.values(), key=lambda r: -r["id"])]
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
