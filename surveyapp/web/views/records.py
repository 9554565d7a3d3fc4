"""Administrators: read the audit log (and export it as CSV) and the outbox."""
from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request

from surveyapp.accounts.audit import PAGE_SIZE, actions, count_entries, entries_csv, list_entries
from surveyapp.accounts.outbox import get_message, list_messages
from surveyapp.accounts.permissions import can_administer
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
                           pages=max(1, -(-total // PAGE_SIZE)), total=total, action=action, actions=known)


@bp.route("/audit.csv")
def audit_csv():
    """Download the whole audit log as CSV."""
    db = get_db()
    record_event("audit.exported")
    name = f"audit-log-{utc_now():%Y%m%dT%H%M%SZ}.csv"
    return Response(entries_csv(db), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/outbox")
def outbox():
    """List outgoing messages, newest first."""
    return render_template("records/outbox.html", messages=list_messages(get_db()))


@bp.route("/outbox/<int:message_id>")
def message(message_id):
    """Show one outgoing message, with any link in it, to pass on by hand."""
    return render_template("records/message.html", message=found(get_message(get_db(), message_id)))
