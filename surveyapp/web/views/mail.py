"""Write messages into the outbox: plain-text and HTML parts from templates/mail/.

Every message is queued inside the caller's write transaction, so it exists
if and only if the action that causes it does. A sender (`surveyapp mail
send` or `mail worker`) delivers it when a mail server is configured.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, render_template, url_for

from surveyapp.accounts import outbox
from surveyapp.accounts.audit import record
from surveyapp.accounts.tokens import INVITATION, PASSWORD_RESET, issue_token, recent_resets
from surveyapp.accounts.users import get_user, user_id_by_email
from surveyapp.storage.db import get_db, kept_connection, write_transaction
from surveyapp.storage.timestamps import utc_now

MAX_RESETS_PER_HOUR = 3
UK = ZoneInfo("Europe/London")
# Subjects say what the message is about and nothing more: no link, no name, no organisation.
SUBJECTS = {
    "invitation": "You are invited to the Tayside self-assessment service",
    "added": "You have been added to an organisation on the Tayside self-assessment service",
    "password_reset": "Reset your password for the Tayside self-assessment service",
    "reminder": "Reminder: a self-assessment is waiting for you",
    "reopened": "Your self-assessment has been reopened",
}


def link_lifetime(purpose: str) -> dt.timedelta:
    """Return how long a link of this purpose works, from the app's settings."""
    config = current_app.config
    if purpose == INVITATION:
        return dt.timedelta(days=float(config.get("INVITATION_DAYS", 7)))
    return dt.timedelta(hours=float(config.get("RESET_HOURS", 1)))


def in_words(span: dt.timedelta) -> str:
    """Say a length of time the way a person would: '7 days', '1 hour', '30 minutes'."""
    minutes = round(span.total_seconds() / 60)
    for unit, size in (("day", 1440), ("hour", 60), ("minute", 1)):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{minutes} minutes"


def expiry(purpose: str, now: dt.datetime | None = None) -> dict:
    """Return the link's lifetime in words and the moment it ends, in UK time, for a message."""
    span = link_lifetime(purpose)
    ends = ((now or utc_now()) + span).astimezone(UK)
    return {"lifetime": in_words(span), "until": f"{ends:%-d %B %Y at %H:%M} (UK time)"}


def send_message(to_address: str, kind: str, **context) -> int:
    """Render templates/mail/<kind>.txt and .html and queue the message; return its outbox id."""
    context.setdefault("service", current_app.config.get("MAIL_ORGANISATION") or "the service")
    text = render_template(f"mail/{kind}.txt", **context)
    html = render_template(f"mail/{kind}.html", **context)
    message_id = outbox.queue_message(get_db(), to_address, SUBJECTS[kind], text, html=html, kind=kind)
    if current_app.debug:
        # development only: the log is the quickest way to follow a link on a fresh machine
        current_app.logger.info("Outbox message %s to %s (%s)\n%s", message_id, to_address, kind, text)
    return message_id


def open_rounds(db) -> list[dict]:
    """Return the open rounds with their framework's title, to name them in a message."""
    return list(db.query("SELECT rounds.id, rounds.title, rounds.closes_on, framework_versions.title AS framework "
                         "FROM rounds JOIN framework_versions ON framework_versions.key = rounds.framework_key "
                         "WHERE rounds.status = 'open' ORDER BY rounds.id"))


def prepare_reset(db, work: dict) -> None:
    """Write the reset message for queued work if the address has an account; else drop the work."""
    email = work["to_address"]
    user_id = user_id_by_email(db, email)
    if not user_id or recent_resets(db, email) >= MAX_RESETS_PER_HOUR:
        outbox.drop_work(db, work["id"])
        return
    signed = issue_token(db, current_app.config["SECRET_KEY"], PASSWORD_RESET, email, user_id=user_id,
                         lifetime=link_lifetime(PASSWORD_RESET))
    link = url_for("account.reset_password", token=signed, _external=True)
    context = {"link": link, "service": current_app.config.get("MAIL_ORGANISATION"), **expiry(PASSWORD_RESET)}
    outbox.fill_message(db, work["id"], SUBJECTS["password_reset"],
                        render_template("mail/password_reset.txt", **context),
                        render_template("mail/password_reset.html", **context))
    record(db, "password.reset_requested", user_id=user_id, user_email=get_user(db, user_id)["email"])


PREPARERS = {"password_reset": prepare_reset}


def prepare_pending(app, limit: int = 100) -> int:
    """Turn queued work into messages, one row per transaction; return how many rows were handled."""
    handled = 0
    with app.app_context():
        db = kept_connection(app.config["DATABASE"])
        while handled < limit:
            with write_transaction(db):
                work = outbox.next_work(db)
                if work is None:
                    break
                with app.test_request_context(base_url=work["base_url"] or "http://localhost/"):
                    PREPARERS.get(work["kind"], lambda db, work: outbox.drop_work(db, work["id"]))(db, work)
            handled += 1
    return handled


def prepare_after_response(app):
    """Return a callback that prepares queued work once the answer has gone to the browser."""
    def prepare():
        try:
            prepare_pending(app)
        except Exception:  # the request has been answered; the sender will pick the work up later
            app.logger.exception("Preparing queued mail failed; `surveyapp mail send` will retry")
    return prepare


def register(state) -> None:
    """Let the sender (the CLI) prepare queued work without importing the web layer."""
    state.app.extensions["surveyapp.mail_prepare"] = lambda: prepare_pending(state.app)
