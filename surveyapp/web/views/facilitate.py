"""Facilitators: invite service leads, remind those who have not submitted, reopen responses with a reason."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from surveyapp.accounts.organisations import AREAS, SECTORS, get_organisation
from surveyapp.accounts.permissions import can_facilitate, can_run_rounds
from surveyapp.accounts.users import MAX_EMAIL, account_id_by_email, get_user, looks_like_email
from surveyapp.assessments.listing import STATUSES, by_organisation, count_by, round_places
from surveyapp.assessments.reminders import claim_reminder, link_message, not_submitted
from surveyapp.assessments.responses import get_response, reopen_response
from surveyapp.assessments.rounds import get_round, is_open, list_rounds
from surveyapp.frameworks.registry import list_frameworks
from surveyapp.storage.db import get_db, write_transaction
from surveyapp.storage.plain_text import clean_line, clean_lines
from surveyapp.storage.timestamps import utc_now
from surveyapp.web.views.account import send_invitation
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import found, login_required, require
from surveyapp.web.views.mail import SUBJECTS, expiry, send_message

bp = Blueprint("facilitate", __name__, url_prefix="/facilitate")
MAX_REASON = 1_000


def facilitated_organisations(user: dict) -> list[dict]:
    """Return the organisations this facilitator covers, by name."""
    return [org for org in get_db().query("SELECT * FROM organisations WHERE archived_at IS NULL ORDER BY name")
            if can_facilitate(user, org)]


class InviteForm(FlaskForm):
    organisation = SelectField("Organisation", validators=[InputRequired("Select an organisation")])
    email = EmailField("Their email address", validators=[
        DataRequired("Enter their email address"), Length(max=MAX_EMAIL, message="Enter a shorter email address")],
        filters=[clean_line])
    name = StringField("Their full name", validators=[
        DataRequired("Enter their full name"), Length(max=200, message="Name must be 200 characters or fewer")],
        filters=[clean_line])

    def validate_email(self, field):
        """Refuse text that cannot be an email, or an account that cannot join an organisation."""
        if not looks_like_email(field.data or ""):
            raise ValidationError("Enter an email address in the correct format, like name@example.org")
        existing = get_user(get_db(), account_id_by_email(get_db(), field.data) or 0)
        if existing and (existing["role"] != "service_lead" or not existing["active"]):
            raise ValidationError("This email address belongs to an account that cannot be added to an "
                                  "organisation. Ask an administrator")


class ReopenForm(FlaskForm):
    reason = TextAreaField("Why are you reopening this response?", validators=[
        DataRequired("Enter the reason for reopening"),
        Length(max=MAX_REASON, message=f"Reason must be {MAX_REASON:,} characters or fewer")],
        filters=[clean_lines])


PAGE_SIZE = 50
FILTERS = ("round", "framework", "area", "sector", "status")


@bp.route("/")
@login_required
def index():
    """List every organisation's response in this facilitator's areas, filtered and 50 to a page."""
    require(can_run_rounds(g.user))
    db = get_db()
    places = [p for p in round_places(db)
              if can_facilitate(g.user, {"id": p["organisation_id"], "area": p["area"]})]
    options = _filter_options(db, places)
    chosen = {key: _chosen(key, options[key]) for key in FILTERS}
    matching = [p for p in places if _matches(p, chosen)]
    # counts by status over everything else chosen, so each status's count says what choosing it shows
    others = [p for p in places if _matches(p, {**chosen, "status": None})]
    by_status = {key: sum(1 for p in others if p["status"] == key) for key in STATUSES}
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    text = request.args.get("page", "1")
    page = min(max(int(text) if text.isascii() and text.isdigit() and len(text) < 7 else 1, 1), pages)
    shown = matching[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    rounds = {r["id"]: r for r in list_rounds(db)}
    # organisations with nothing submitted in an open round: whom the reminders page reminds
    waiting = [p for p in by_organisation([p for p in places if _matches(p, {**chosen, "status": None})])
               if p["status"] != "submitted" and chosen["status"] != "submitted"
               and is_open(rounds[p["round_id"]])]
    remind = [(rounds[rid], n) for rid, n in count_by(waiting, "round_id").items()]
    return render_template("facilitate/index.html", rows=shown, total=len(matching), everything=len(places),
                           page=page, pages=pages, first=(page - 1) * PAGE_SIZE + 1, options=options,
                           chosen=chosen, by_status=by_status, statuses=STATUSES, remind=remind,
                           query={k: v for k, v in chosen.items() if v is not None})


def _filter_options(db, places: list[dict]) -> dict:
    """Return the values each filter offers: value -> what the list says."""
    rounds = {p["round_id"]: p["round_title"] for p in places}
    return {"round": {str(k): v for k, v in sorted(rounds.items(), reverse=True)},
            "framework": {fw["framework_id"]: fw["title"] for fw in _latest_titles(db)
                          if any(p["framework_id"] == fw["framework_id"] for p in places)},
            "area": {a: a for a in AREAS if any(p["area"] == a for p in places)},
            "sector": {s: s for s in SECTORS if any(p["sector"] == s for p in places)},
            "status": dict(STATUSES)}


def _latest_titles(db) -> list[dict]:
    """Return each framework once, with its latest title."""
    latest: dict[str, dict] = {}
    for fw in list_frameworks(db):  # ordered by id, then version: the last one wins
        latest[fw["framework_id"]] = fw
    return list(latest.values())


def _chosen(key: str, offered: dict) -> str | None:
    """Return the value chosen for a filter, or None for any (an unknown value counts as any)."""
    value = request.args.get(key) or None
    return value if value in offered else None


def _matches(place: dict, chosen: dict) -> bool:
    """Return True when a row passes every chosen filter."""
    columns = {"round": str(place["round_id"]), "framework": place["framework_id"], "area": place["area"],
               "sector": place["sector"], "status": place["status"]}
    return all(value is None or columns[key] == value for key, value in chosen.items())


@bp.route("/invite", methods=["GET", "POST"])
@login_required
def invite():
    """Invite a service lead to one of the organisations this facilitator covers."""
    require(can_run_rounds(g.user))
    organisations = facilitated_organisations(g.user)
    form = InviteForm()
    form.organisation.choices = [SelectChoice("", "Select an organisation")] + [
        SelectChoice(str(org["id"]), org["name"]) for org in organisations]
    if form.validate_on_submit():
        organisation = found(get_organisation(get_db(), int(form.organisation.data)))
        require(can_facilitate(g.user, organisation))
        with write_transaction(get_db()):
            outcome = send_invitation(form.email.data, form.name.data, organisation, g.user)
        if outcome == "added":
            flash(f"{form.email.data} already has an account. They have been added to {organisation['name']} "
                  "and sent a message asking them to sign in.")
        else:
            flash(f"An invitation for {form.email.data} to join {organisation['name']} is in the outbox. "
                  f"It works once, for {expiry('invitation')['lifetime']}.")
        return redirect(url_for(".invite"))
    return render_template("facilitate/invite.html", form=form, organisations=organisations), \
        400 if form.errors else 200


class ReminderForm(FlaskForm):
    people = SelectMultipleField("Who to remind", validators=[InputRequired("Select at least one person to remind")])


def _reminder_context(db, round_id: int):
    """Return the open round, who in this facilitator's areas has not submitted, and the form to pick them."""
    round_row = found(get_round(db, round_id))
    if not is_open(round_row):
        return round_row, [], None
    rows = [r for r in not_submitted(db, round_id)
            if can_facilitate(g.user, {"id": r["organisation_id"], "area": r["area"]})]
    today = utc_now().date().isoformat()
    for row in rows:
        row["reminded_today"] = row["last_reminded"] == today
    form = ReminderForm()
    # offered: those not reminded today; accepted: anyone listed, so a form loaded before someone else's
    # send still works (claim_reminder then skips whoever has had one today)
    form.people.choices = [SelectChoice(str(r["user_id"]), f"{r['name']} ({r['email']}), {r['organisation_name']}")
                           for r in rows if r["user_id"] and (request.method == "POST" or not r["reminded_today"])]
    if request.method == "GET":
        form.people.data = [choice.value for choice in form.people.choices]  # everyone, unless narrowed down
    return round_row, rows, form


def _reminder_message(db, row: dict, round_row: dict) -> dict:
    """Return what a reminder to one person says: the context its templates take."""
    return {"name": row["name"], "organisation": {"name": row["organisation_name"]}, "round": round_row,
            "framework": _framework_title(db, round_row), "facilitator": g.user,
            "started": row["response_status"] == "draft", "automatic": g.user is None,
            "link": url_for("auth.sign_in", _external=True),
            "service": current_app.config.get("MAIL_ORGANISATION") or "the service"}


@bp.route("/rounds/<int:round_id>/reminders", methods=["GET", "POST"])
@login_required
def reminders(round_id):
    """Show who has not submitted in an open round; preview and send reminders to all or a selection."""
    require(can_run_rounds(g.user))
    db = get_db()
    round_row, rows, form = _reminder_context(db, round_id)
    if form is None:
        return render_template("facilitate/reminders.html", round=round_row, rows=[], form=None), 409
    if form.validate_on_submit():
        chosen = [r for r in rows if str(r["user_id"]) in set(form.people.data)]
        if request.form.get("action") != "send":
            preview = _reminder_message(db, chosen[0], round_row)
            return render_template("facilitate/reminder_preview.html", round=round_row, form=form, chosen=chosen,
                                   subject=SUBJECTS["reminder"],
                                   text=render_template("mail/reminder.txt", **preview))
        sent = _send_reminders(db, chosen, round_row)
        flash(f"{sent} {'reminder is' if sent == 1 else 'reminders are'} in the outbox."
              + (f" {len(chosen) - sent} already had one today and were not sent another." if sent < len(chosen)
                 else ""))
        return redirect(url_for(".reminders", round_id=round_id))
    return render_template("facilitate/reminders.html", round=round_row, rows=rows, form=form), \
        400 if form.errors else 200


def _send_reminders(db, chosen: list[dict], round_row: dict) -> int:
    """Queue a reminder to each person not yet reminded today, logged, in one transaction; return how many."""
    sent = 0
    with write_transaction(db):
        for row in chosen:
            if not claim_reminder(db, round_row["id"], row["user_id"], g.user["id"] if g.user else None):
                continue
            message_id = send_message(row["email"], "reminder", **_reminder_message(db, row, round_row))
            link_message(db, round_row["id"], row["user_id"], message_id)
            record_event("reminder.sent", row["organisation_id"],
                         f"round {round_row['id']} to user {row['user_id']} ({row['email']})"
                         + ("" if g.user else ", automatic before the round closes"))
            sent += 1
    return sent


def automatic_reminders(app, today: dt.date | None = None) -> int:
    """Remind everyone who has not submitted in a round closing in REMINDER_DAYS_BEFORE_CLOSE days."""
    days = app.config.get("REMINDER_DAYS_BEFORE_CLOSE")
    if days is None:
        return 0
    closing = ((today or utc_now().date()) + dt.timedelta(days=int(days))).isoformat()
    sent = 0
    with app.test_request_context(base_url=app.config.get("BASE_URL") or "http://localhost/"):
        g.user = None  # nobody pressed a button: the message and the audit entry say so
        db = get_db()
        for round_row in list(db.query("SELECT * FROM rounds WHERE status = 'open' AND closes_on = ?", [closing])):
            sent += _send_reminders(db, [r for r in not_submitted(db, round_row["id"]) if r["user_id"]], round_row)
    return sent


bp.record_once(lambda state: state.app.extensions.setdefault(
    "surveyapp.mail_scheduled", lambda: automatic_reminders(state.app)))


@bp.route("/responses/<int:response_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(response_id):
    """Return a submitted response to draft, recording who, when and why."""
    db = get_db()
    response = found(get_response(db, response_id))
    organisation = found(get_organisation(db, response["organisation_id"]))
    require(can_facilitate(g.user, organisation))
    round_row = found(get_round(db, response["round_id"]))
    form = ReopenForm()
    person = get_user(db, response["user_id"]) if response["user_id"] else None
    if response["status"] != "submitted":
        return render_template("facilitate/reopen.html", form=form, response=response, person=person,
                               organisation=organisation, round=round_row), 409
    if form.validate_on_submit():
        def log_and_tell():
            record_event("response.reopened", organisation["id"],
                         f"response {response_id} ({response['reference']}), round {round_row['id']}: "
                         f"{form.reason.data}")
            _tell_respondent(db, response, organisation, round_row, form.reason.data)

        reopen_response(db, response_id, g.user["id"], form.reason.data, on_reopened=log_and_tell)
        flash(f"The response from {organisation['name']} has been reopened.")
        return redirect(url_for(".index"))
    return render_template("facilitate/reopen.html", form=form, response=response, person=person,
                           organisation=organisation, round=round_row), 400 if form.errors else 200


def _tell_respondent(db, response: dict, organisation: dict, round_row: dict, reason: str) -> None:
    """Let the person who submitted know their response can be changed again."""
    person = get_user(db, response["user_id"]) if response["user_id"] else None
    if person is None or not person["active"]:
        return
    send_message(person["email"], "reopened", organisation=organisation, round=round_row, reason=reason,
                 facilitator=g.user, framework=_framework_title(db, round_row),
                 link=url_for("home.index", _external=True))


def _framework_title(db, round_row: dict) -> str:
    """Return the title of a round's framework, to name it in a message."""
    row = db.execute("SELECT title FROM framework_versions WHERE key = ?", [round_row["framework_key"]]).fetchone()
    return row[0] if row else ""
