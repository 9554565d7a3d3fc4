"""Facilitators create assessment rounds and open or close them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from surveyapp.accounts.permissions import can_run_rounds
from surveyapp.assessments.listing import STATUSES, by_organisation, count_by, round_places
from surveyapp.assessments.rounds import create_round, get_round, rounds_page, set_round_status
from surveyapp.frameworks.registry import list_frameworks
from surveyapp.storage.db import get_db
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import found, login_required, require

ROUNDS_PER_PAGE = 50

bp = Blueprint("rounds", __name__, url_prefix="/manage/rounds")


class RoundForm(FlaskForm):
    framework = SelectField("Framework", validators=[InputRequired("Select a framework")])
    title = StringField("Title", validators=[
        InputRequired("Enter a title for the round"), Length(max=200, message="Title must be 200 characters or fewer")])
    opens = DateField("Opening date (optional)", validators=[Optional()],
                      format="%Y-%m-%d", description="For example, 2026-09-01")
    closes = DateField("Closing date (optional)", validators=[Optional()],
                       format="%Y-%m-%d", description="For example, 2026-12-18")

    def validate_closes(self, field):
        """The closing date is not before the opening date."""
        if field.data and self.opens.data and field.data < self.opens.data:
            raise ValidationError("The closing date must be the same as or after the opening date")


@bp.route("/")
@login_required
def index():
    """List every round with its status and response count."""
    require(can_run_rounds(g.user))
    page = max(1, request.args.get("page", 1, type=int))
    rows, total = rounds_page(get_db(), page, ROUNDS_PER_PAGE)
    pages = max(1, -(-total // ROUNDS_PER_PAGE))
    return render_template("rounds/index.html", rounds=rows, total=total, page=min(page, pages), pages=pages)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Create a round for a registered framework version."""
    require(can_run_rounds(g.user))
    db = get_db()
    form = RoundForm()
    form.framework.choices = {fw["key"]: f"{fw['title']} (version {fw['version']})" for fw in list_frameworks(db)}
    if form.validate_on_submit():
        round_id = create_round(
            db, form.framework.data, form.title.data,
            form.opens.data.isoformat() if form.opens.data else None,
            form.closes.data.isoformat() if form.closes.data else None)
        flash(f"Round ‘{form.title.data.strip()}’ created.")
        return redirect(url_for(".index", _anchor=f"round-{round_id}"))
    return render_template("rounds/new.html", form=form)


@bp.route("/<int:round_id>/confirm")
@login_required
def confirm_status(round_id):
    """Ask before opening or closing a round: say what will happen and to whom. Changes nothing."""
    require(can_run_rounds(g.user))
    db = get_db()
    return _confirm_page(db, found(get_round(db, round_id)), _asked_status())


@bp.route("/<int:round_id>/status", methods=["POST"])
@login_required
def change_status(round_id):
    """Open or close a round once the facilitator has confirmed; without confirm=yes, only ask."""
    require(can_run_rounds(g.user))
    db = get_db()
    round_row = found(get_round(db, round_id))
    status = _asked_status()
    if request.form.get("confirm") != "yes":
        return _confirm_page(db, round_row, status)
    set_round_status(db, round_id, status)
    record_event(f"round.{'opened' if status == 'open' else 'closed'}",
                 detail=f"round {round_id} ({round_row['title']})")
    flash(f"Round ‘{round_row['title']}’ is now {status}.")
    return redirect(url_for(".index"))


def _asked_status() -> str:
    """Return the status asked for, open or closed, or refuse the request."""
    status = request.values.get("status")
    if status not in ("open", "closed"):
        abort(400)
    return status


def _confirm_page(db, round_row: dict, status: str):
    """Render the confirmation for opening or closing a round, with its organisations by area and status."""
    places = by_organisation(round_places(db, round_row["id"]))
    counts = {key: sum(1 for p in places if p["status"] == key) for key in STATUSES}
    return render_template("rounds/confirm.html", round=round_row, status=status, counts=counts,
                           organisations=len(places), areas=count_by(places, "area"))
