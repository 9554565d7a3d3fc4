"""Sign in and sign out."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from ..db import get_db
from ..users import check_credentials

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[
        InputRequired("Enter your email address"), Length(max=320)])
    password = PasswordField("Password", validators=[
        InputRequired("Enter your password"), Length(max=1024)])


def safe_next(target: str | None) -> str:
    """Return a local path to go back to, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Show the sign-in form and sign people in."""
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        user_id = check_credentials(get_db(), form.email.data, form.password.data)
        if user_id:
            session.clear()  # a fresh session at every sign-in
            session["user_id"] = user_id
            return redirect(safe_next(request.args.get("next")))
        error = "Enter a correct email address and password"
    return render_template("auth/sign_in.html", form=form, error=error)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """End the session."""
    session.clear()
    return redirect(url_for("auth.sign_in"))
