"""The start page: what each person can do next."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for

from surveyapp.assessments.rounds import is_open, list_rounds
from surveyapp.storage.db import get_db

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    """Show a signed-in person their assessments, or send them to sign in."""
    if g.user is None:
        return redirect(url_for("auth.sign_in"))
    db = get_db()
    rounds = list(list_rounds(db))
    assessments = []
    if g.user["role"] == "service_lead" and g.user["organisations"]:
        placeholders = ",".join("?" * len(g.user["organisations"]))
        orgs = list(db.query(
            f"SELECT * FROM organisations WHERE id IN ({placeholders}) ORDER BY name",
            list(g.user["organisations"])))
        statuses = {
            (r["round_id"], r["organisation_id"]): r["status"]
            for r in db.query("SELECT round_id, organisation_id, status FROM responses WHERE user_id = ?",
                              [g.user["id"]])
        }
        for round_row in rounds:
            for org in orgs:
                status = statuses.get((round_row["id"], org["id"]))
                if is_open(round_row) or status:
                    assessments.append({"round": round_row, "organisation": org,
                                        "status": status or "not_started", "open": is_open(round_row)})
    return render_template("home.html", assessments=assessments, rounds=rounds)
