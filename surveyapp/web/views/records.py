"""Administrators: read the audit log (and export it as CSV) and the outbox."""
from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from surveyapp.accounts import outbox as queue
from surveyapp.accounts.audit import PAGE_SIZE, actions, count_entries, entries_csv, list_entries
from surveyapp.accounts.permissions import can_administer
from surveyapp.accounts.smtp import settings_from_config
from surveyapp.storage.db import get_db
from surveyapp.storage.timestamps import utc_now
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import found, login_required, require

bp = Blueprint("records", __name__, url_prefix="/admin")
MAX_PAGE = 1_000_000


@bp.before_request
@login_required
def _admins_only():
    """Refuse everyone but administrators, for every page here."""
    require(can_administer(g.user))


def _page_number() -> int:
    """Return the ?page= number, or 1 when it is missing or not a sensible number."""
    text = request.args.get("page", "1")
    return min(int(text), MAX_PAGE) if text.isascii() and text.isdigit() and int(text[:8]) > 0 else 1


@bp.route("/audit")
def audit():
    """Show the audit log, newest first, a page at a time, optionally one action only."""
    db = get_db()
    known = actions(db)
    action = request.args.get("action") or None
    if action not in known:
        action = None
    page = _page_number()
    total = count_entries(db, action)
    return render_template("records/audit.html", entries=list_entries(db, page, action), page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), total=total, action=action,
                           actions=sorted(known, key=action_name),
                           action_name=action_name, detail_words=detail_words)


# What each audit action means, in words; the codes stay in the database and the CSV export.
ACTION_NAMES = {
    "aggregates.exported": "Group results downloaded", "audit.exported": "Audit log downloaded",
    "framework.published": "Framework version published", "framework.uploaded": "Framework file uploaded",
    "invitation.accepted": "Invitation accepted", "invitation.added_existing": "Existing account added",
    "invitation.sent": "Invitation sent", "organisation.archived": "Organisation archived",
    "organisation.created": "Organisation added", "organisation.renamed": "Organisation renamed",
    "outbox.cancel": "Message cancelled", "outbox.retry": "Message sent again",
    "password.reset": "Password changed by reset link", "password.reset_requested": "Password reset asked for",
    "plan.action_added": "Plan action added", "plan.action_changed": "Plan action changed",
    "plan.action_done": "Plan action marked done", "plan.area_export": "Area plan downloaded",
    "plan.export": "Plan downloaded", "plan.note_added": "Plan note added",
    "reminder.sent": "Reminders sent", "report.downloaded": "Report downloaded",
    "response.reopened": "Response reopened", "response.submitted": "Response submitted",
    "responses.exported": "Answers downloaded", "round.closed": "Round closed", "round.opened": "Round opened",
    "sign_in.failure": "Sign-in refused: wrong email or password",
    "sign_in.refused_locked": "Sign-in refused: too many tries", "sign_in.success": "Signed in",
    "sign_out": "Signed out", "user.activated": "Account turned back on", "user.created": "Account created",
    "user.deactivated": "Account turned off", "user.updated": "Account changed",
    "permission.refused": "Page refused: no permission", "csrf.refused": "Form refused: expired or forged",
    "organisations.imported": "Organisations imported", "organisations.upload_queued": "Organisations file uploaded",
    "responses.imported": "Responses imported", "responses.upload_queued": "Responses file uploaded",
}
_NUMBERED = re.compile(r"\b(?:user|round) \d+ \(([^()]*)\)")  # "user 12 (a@b.org)": the words, not the id


def action_name(action: str) -> str:
    """Name an audit action in words; one without a name is spelled out from its code."""
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    return re.sub(r"[._]+", " ", action).strip().capitalize()


def detail_words(detail: str) -> str:
    """Show an entry's detail without the internal numbers of people and rounds named beside them."""
    return _NUMBERED.sub(r"\1", detail or "")


@bp.route("/audit.csv")
def audit_csv():
    """Download the whole audit log as CSV."""
    db = get_db()
    record_event("audit.exported")
    name = f"audit-log-{utc_now():%Y%m%dT%H%M%SZ}.csv"
    return Response(entries_csv(db), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


STATE_NAMES = {"queued": "Queued", "sending": "Sending", "sent": "Sent", "failed": "Failed",
               "cancelled": "Cancelled"}


class MessageActionForm(FlaskForm):
    """Retry or cancel one message: a button and its CSRF token, nothing else."""


@bp.route("/outbox")
def outbox():
    """List outgoing messages, newest first, optionally one state only; say whether mail is being sent."""
    db = get_db()
    state = request.args.get("state")
    state = state if state in STATE_NAMES else None
    return render_template("records/outbox.html", messages=queue.list_messages(db, state), state=state,
                           counts=queue.counts(db), state_names=STATE_NAMES,
                           server=settings_from_config(current_app.config))


@bp.route("/outbox/<int:message_id>")
def message(message_id):
    """Show one outgoing message, its delivery state and any link in it, with retry or cancel."""
    return render_template("records/message.html", message=found(queue.get_message(get_db(), message_id)),
                           form=MessageActionForm(), state_names=STATE_NAMES,
                           server=settings_from_config(current_app.config))


@bp.route("/outbox/<int:message_id>/<any(retry, cancel):action>", methods=["POST"])
def change_message(message_id, action):
    """Queue a failed or cancelled message again, or cancel a queued or failed one."""
    db = get_db()
    found(queue.get_message(db, message_id))
    change = queue.retry if action == "retry" else queue.cancel
    if MessageActionForm().validate_on_submit() and change(db, message_id):
        record_event(f"outbox.{action}", detail=f"message {message_id}")
        flash("The message is queued to be sent again." if action == "retry" else "The message has been cancelled.")
    else:
        flash("Nothing was changed: the message is no longer in a state where that can be done.")
    return redirect(url_for(".message", message_id=message_id), 303)
