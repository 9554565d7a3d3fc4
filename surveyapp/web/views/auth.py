"""Sign in and out, and pick up a save that was kept across a time-out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from surveyapp.accounts import throttle
from surveyapp.accounts.passwords import MAX_LENGTH
from surveyapp.accounts.sessions import end_session, purge_old_sessions, start_session
from surveyapp.accounts.users import MAX_EMAIL, account_id_by_email, check_credentials, load_user, looks_like_email
from surveyapp.storage.db import get_db
from surveyapp.web.timed_out_saves import belongs_to, take_form
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import login_required

bp = Blueprint("auth", __name__)

WRONG_DETAILS = "Enter a correct email address and password"
LOCKED_OUT = (f"There have been too many attempts to sign in. Wait {throttle.WINDOW_MINUTES} minutes "
              "and try again, or reset your password")


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[
        InputRequired("Enter your email address"), Length(max=MAX_EMAIL, message=WRONG_DETAILS)])
    password = PasswordField("Password", validators=[
        InputRequired("Enter your password"), Length(max=MAX_LENGTH, message=WRONG_DETAILS)])


def safe_next(target: str | None) -> str:
    """Return a local path to go back to, never another site."""
    if (isinstance(target, str) and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and target.isprintable() and not any(c.isspace() for c in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


def client_address() -> str:
    """Return the address the request came from, for throttling and the audit log."""
    return request.remote_addr or "unknown"


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Show the sign-in form and sign people in, refusing for a while after repeated failures."""
    form = SignInForm()
    error, status = None, 200
    if form.validate_on_submit():
        db = get_db()
        email = form.email.data.strip()
        logged_email = email if looks_like_email(email) else None  # never log a password typed as an email
        if throttle.is_locked(db, email, client_address()):
            record_event("sign_in.refused_locked", user_email=logged_email)
            error, status = LOCKED_OUT, 429
        else:
            user_id = check_credentials(db, email, form.password.data)
            if user_id:
                throttle.clear_failures(db, email)
                return _signed_in_redirect(user_id)
            throttle.record_failure(db, email, client_address())
            record_event("sign_in.failure", user_email=logged_email,
                         detail="unknown account" if account_id_by_email(db, email) is None else "wrong password")
            error = WRONG_DETAILS
    elif form.errors:
        status = 400
    timed_out = request.method == "GET" and session.pop("signed_out", None) == "timeout"
    return render_template("auth/sign_in.html", form=form, error=error, timed_out=timed_out,
                           kept=bool(request.args.get("kept"))), status


def begin_session(user_id: int) -> None:
    """Replace whatever session the browser had with a new one for this user."""
    db = get_db()
    old = session.get("sid")
    if isinstance(old, str):
        end_session(db, old, "replaced")
    session.clear()  # a fresh session, and a fresh CSRF token, at every sign-in
    session["sid"] = start_session(db, user_id)
    purge_old_sessions(db)
    g.user = load_user(db, user_id)
    record_event("sign_in.success")


def _signed_in_redirect(user_id: int):
    """Start the session, then go back to a kept form, the page asked for, or home."""
    begin_session(user_id)
    kept = request.args.get("kept")
    if kept and belongs_to(get_db(), kept, user_id):
        return redirect(url_for("auth.resume", token=kept))
    return redirect(safe_next(request.args.get("next")))


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """End the session on the server, so a copy of the cookie stops working too."""
    token = session.get("sid")
    if isinstance(token, str):
        end_session(get_db(), token, "signed_out")
        if g.user:
            record_event("sign_out")
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))


@bp.route("/resume/<token>")
@login_required
def resume(token):
    """Show what was typed before a time-out, ready to send again."""
    kept = take_form(get_db(), token, g.user["id"])
    if kept is None:
        abort(404)
    path, fields = kept
    return render_template("auth/resume.html", action=safe_next(path), fields=fields)
