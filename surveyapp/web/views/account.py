"""Set a password from an emailed link: accept an invitation, or reset a forgotten password."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from surveyapp.accounts import throttle
from surveyapp.accounts.organisations import get_organisation
from surveyapp.accounts.outbox import queue_work
from surveyapp.accounts.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from surveyapp.accounts.sessions import end_user_sessions
from surveyapp.accounts.tokens import (
    INVITATION,
    PASSWORD_RESET,
    LinkProblem,
    end_links,
    issue_token,
    read_token,
    use_token,
)
from surveyapp.accounts.users import (
    MAX_EMAIL,
    account_id_by_email,
    add_membership,
    create_user,
    get_user,
    hash_password,
    looks_like_email,
    set_password_hash,
)
from surveyapp.storage.db import get_db, write_transaction
from surveyapp.storage.plain_text import clean_line
from surveyapp.storage.timestamps import parse
from surveyapp.web.views.auth import begin_session
from surveyapp.web.views.events import record_event
from surveyapp.web.views.mail import expiry, link_lifetime, open_rounds, prepare_after_response, register, send_message

bp = Blueprint("account", __name__)
bp.record_once(register)
COMMAND_LINE = {"id": None, "name": "An administrator", "email": None}  # who invites from `surveyapp users invite`


def register_command_line_invitations(state) -> None:
    """Let `surveyapp users invite` queue an invitation without importing the web layer."""
    app = state.app

    def invite(user_id: int, db=None, inviter: dict | None = None) -> str:
        """Queue the invitation for an account the command line or an import job created, inside its
        transaction: through db, that transaction's connection, when given (a job's own connection)."""
        saved = g.get("db")
        if db is not None:
            g.db = db  # every write below (token, outbox, audit) goes through get_db()
        try:
            person = get_user(get_db(), user_id)
            with app.test_request_context(base_url=app.config["BASE_URL"]):  # links point at the real site
                return send_invitation(person["email"], person["name"], None, inviter or COMMAND_LINE,
                                       user_id=user_id)
        finally:
            if db is not None:
                g.pop("db", None)
                if saved is not None:
                    g.db = saved

    app.extensions["surveyapp.invite"] = invite


bp.record_once(register_command_line_invitations)

PASSWORD_HINT = (f"At least {MIN_LENGTH} characters. A few unrelated words make a strong password "
                 "that is easy to remember. Spaces and any letters or symbols are fine.")


class PasswordForm(FlaskForm):
    password = PasswordField("Create a password", validators=[
        InputRequired("Enter a password"),
        Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH:,} characters or fewer")])

    email_for_rules = ""  # set by the view: a password may not be the person's email address

    def validate_password(self, field):
        """Apply the password rules."""
        problem = password_problem(field.data or "", self.email_for_rules)
        if problem:
            raise ValidationError(problem)


class InvitationForm(PasswordForm):
    name = StringField("Your full name", validators=[
        DataRequired("Enter your full name"), Length(max=200, message="Name must be 200 characters or fewer")],
        filters=[clean_line])


class ResetRequestForm(FlaskForm):
    email = EmailField("Email address", validators=[
        DataRequired("Enter your email address"), Length(max=MAX_EMAIL, message="Enter a shorter email address")],
        filters=[clean_line])

    def validate_email(self, field):
        """Refuse text that cannot be an email address."""
        if not looks_like_email(field.data or ""):
            raise ValidationError("Enter an email address in the correct format, like name@example.org")


def _link_problem(problem: LinkProblem, kind: str):
    """Show why a link cannot be used, with the same page whatever the link was."""
    return render_template("account/link_problem.html", reason=problem.reason, kind=kind), 404


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """Accept an invitation: choose a password, join the organisation, sign in."""
    db = get_db()
    try:
        invite = read_token(db, current_app.config["SECRET_KEY"], INVITATION, token,
                            lifetime=link_lifetime(INVITATION))
    except LinkProblem as problem:
        return _link_problem(problem, "invitation")
    existing = get_user(db, invite.user_id or account_id_by_email(db, invite.email) or 0)
    if existing and not existing["active"]:
        return _link_problem(LinkProblem("closed"), "invitation")
    if existing and existing["has_password"]:
        # an invitation never sets the password of an account that has one (end_links makes this rare)
        return _link_problem(LinkProblem("used"), "invitation")
    organisation = get_organisation(db, invite.organisation_id) if invite.organisation_id else None
    form = InvitationForm(data={"name": existing["name"] if existing else invite.name})
    form.email_for_rules = invite.email
    if form.validate_on_submit():
        password_hash = hash_password(form.password.data)  # slow: before taking the write lock
        with write_transaction(db):
            if not use_token(db, invite.id):
                raise LinkProblem("used")
            if existing:
                user_id = existing["id"]
                db.execute("UPDATE users SET name = ? WHERE id = ?", [form.name.data, user_id])
            else:
                user_id = create_user(db, invite.email, form.name.data, "service_lead")
            set_password_hash(db, user_id, password_hash)
            end_links(db, user_id, invite.email)  # any reset link or other invitation dies now
            if organisation and (existing is None or existing["role"] == "service_lead"):
                add_membership(db, user_id, organisation["id"])
        end_user_sessions(db, user_id, "password_changed")
        throttle.clear_failures(db, invite.email)
        begin_session(user_id)
        record_event("invitation.accepted", organisation["id"] if organisation else None)
        flash("Your password has been set and you are signed in.")
        return redirect(url_for("home.index"))
    return render_template("account/accept_invitation.html", form=form, invite=invite,
                           organisation=organisation, hint=PASSWORD_HINT,
                           expires=parse(invite.expires_at)), 400 if form.errors else 200


@bp.errorhandler(LinkProblem)
def _used_while_filling_in(problem):
    """Show the link problem page when a link was used up between page and save."""
    return _link_problem(problem, "link")


@bp.route("/password-reset", methods=["GET", "POST"])
def request_reset():
    """Queue a reset for any address and answer at once; whether it has an account is decided later.

    The request does the same work for every address (one row written), so
    neither the answer nor its timing tells whether an account exists. The
    link is made after the answer has gone (mail.prepare_reset).
    """
    form = ResetRequestForm()
    if form.validate_on_submit():
        email = form.email.data
        queue_work(get_db(), PASSWORD_RESET, email, request.host_url)
        response = make_response(render_template("account/reset_sent.html", email=email,
                                                 **expiry(PASSWORD_RESET)))
        response.call_on_close(prepare_after_response(current_app._get_current_object()))
        return response
    return render_template("account/request_reset.html", form=form), 400 if form.errors else 200


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Choose a new password from a reset link; every other session of the person ends."""
    db = get_db()
    try:
        reset = read_token(db, current_app.config["SECRET_KEY"], PASSWORD_RESET, token,
                           lifetime=link_lifetime(PASSWORD_RESET))
    except LinkProblem as problem:
        return _link_problem(problem, "reset")
    user = get_user(db, reset.user_id or 0)
    if user is None or not user["active"]:
        return _link_problem(LinkProblem("closed"), "reset")
    form = PasswordForm()
    form.email_for_rules = user["email"]
    if form.validate_on_submit():
        password_hash = hash_password(form.password.data)
        with write_transaction(db):
            if not use_token(db, reset.id):
                raise LinkProblem("used")
            set_password_hash(db, user["id"], password_hash)
            end_links(db, user["id"], user["email"])  # an invitation or older link still in a mailbox dies
        end_user_sessions(db, user["id"], "password_changed")
        throttle.clear_failures(db, user["email"])
        begin_session(user["id"])
        record_event("password.reset")
        flash("Your password has been changed and you are signed in.")
        return redirect(url_for("home.index"))
    return render_template("account/reset_password.html", form=form, hint=PASSWORD_HINT), \
        400 if form.errors else 200


def send_invitation(email: str, name: str | None, organisation: dict | None, created_by: dict,
                    user_id: int | None = None) -> str:
    """Invite someone, inside the caller's write transaction; return "invited" or "added".

    An account that already has a password gets no password-setting link: it
    is added to the organisation and asked to sign in.
    """
    db = get_db()
    existing = get_user(db, user_id or account_id_by_email(db, email) or 0)
    organisation_id = organisation["id"] if organisation else None
    context = {"organisation": organisation, "inviter": created_by, "rounds": open_rounds(db)}
    if existing and existing["has_password"]:
        if organisation:
            add_membership(db, existing["id"], organisation["id"])
        send_message(existing["email"], "added", name=existing["name"],
                     link=url_for("auth.sign_in", _external=True), **context)
        record_event("invitation.added_existing", organisation_id, f"user {existing['id']} ({email})")
        return "added"
    signed = issue_token(db, current_app.config["SECRET_KEY"], INVITATION, email, name=name,
                         user_id=existing["id"] if existing else None, organisation_id=organisation_id,
                         created_by=created_by["id"], lifetime=link_lifetime(INVITATION))
    send_message(email, "invitation", name=name, **context, **expiry(INVITATION),
                 link=url_for("account.accept_invitation", token=signed, _external=True))
    record_event("invitation.sent", organisation_id, f"to {email}")
    return "invited"
