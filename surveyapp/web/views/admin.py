"""Administrators: people and their roles, organisations, and the framework files registered."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError

from surveyapp.accounts.organisations import (
    AREAS,
    SECTORS,
    check_organisation,
    name_taken_problem,
    organisation_id_by_name,
    upsert_organisations,
)
from surveyapp.accounts.permissions import can_administer
from surveyapp.accounts.sessions import end_user_sessions
from surveyapp.accounts.users import (
    ALL_AREAS,
    MAX_EMAIL,
    ROLE_NAMES,
    areas_problem,
    create_user,
    email_problem,
    get_user,
    list_users,
    organisations_problem,
    set_active,
    set_areas,
    set_memberships,
)
from surveyapp.frameworks.registry import list_frameworks
from surveyapp.storage.db import get_db, write_transaction
from surveyapp.storage.plain_text import clean_line
from surveyapp.web.views import framework_uploads
from surveyapp.web.views.account import send_invitation
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import found, login_required, require
from surveyapp.web.views.imports import queue_upload, read_upload, validate_upload
from surveyapp.web.views.uploads import accepts_files, describe_limit, upload_limit

bp = Blueprint("admin", __name__, url_prefix="/admin")
framework_uploads.add_routes(bp)
AREA_CHOICES = [SelectChoice(ALL_AREAS, "All of Tayside")] + [SelectChoice(a, a) for a in AREAS]


@bp.before_request
@login_required
def _admins_only():
    """Refuse everyone but administrators, for every page here."""
    require(can_administer(g.user))


def _organisation_choices(keep=()) -> list[SelectChoice]:
    """Offer the organisations in use, and any archived one the person already belongs to (keep)."""
    keep = [int(k) for k in keep]
    return [SelectChoice(str(r["id"]), r["name"]) for r in get_db().query(
        f"SELECT id, name FROM organisations WHERE archived_at IS NULL OR id IN ({', '.join('?' * len(keep))}) "
        "ORDER BY name", keep)]


class AccessForm(FlaskForm):
    organisations = SelectMultipleField("Organisations (service leads)")
    areas = SelectMultipleField("Areas (facilitators and commissioners)", choices=AREA_CHOICES)

    role_for_rules = ""
    kept_organisations = frozenset()  # archived ones the person already belongs to may stay

    def validate_organisations(self, field):
        """A service lead needs at least one organisation (the rule is accounts.users')."""
        chosen = [int(o) for o in field.data or () if str(o).isdecimal()]
        if len(chosen) != len(field.data or ()):
            return  # not one of the choices offered: the field has already said so
        problem = organisations_problem(get_db(), self.role_for_rules, chosen, kept=self.kept_organisations)
        if problem:
            raise ValidationError(problem)

    def validate_areas(self, field):
        """A facilitator or commissioner needs at least one area (the rule is accounts.users')."""
        problem = areas_problem(self.role_for_rules, field.data or ())
        if problem:
            raise ValidationError(problem)


class NewUserForm(AccessForm):
    email = EmailField("Email address", validators=[
        DataRequired("Enter their email address"), Length(max=MAX_EMAIL, message="Enter a shorter email address")],
        filters=[clean_line])
    name = StringField("Full name", validators=[
        DataRequired("Enter their full name"), Length(max=200, message="Name must be 200 characters or fewer")],
        filters=[clean_line])
    role = RadioField("Role", choices=ROLE_NAMES, validators=[InputRequired("Select a role")])

    def validate_email(self, field):
        """Refuse a malformed email, or one that already has an account (the rule is accounts.users')."""
        problem = email_problem(get_db(), field.data or "")
        if problem:
            raise ValidationError(problem)


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"], message="Choose to activate or deactivate")])


class OrganisationForm(FlaskForm):
    name = StringField("Name", validators=[
        DataRequired("Enter the organisation's name"), Length(max=200, message="Name must be 200 characters or fewer")],
        filters=[clean_line])
    area = SelectField("Area", choices=[SelectChoice(a, a) for a in AREAS])
    sector = SelectField("Sector", choices=[SelectChoice(s, s) for s in SECTORS])

    def validate_name(self, field):
        """Refuse a name another organisation already has."""
        problem = name_taken_problem(get_db(), field.data or "")
        if problem:
            raise ValidationError(problem)


class ImportForm(FlaskForm):
    file = FileField("CSV file with name, area and sector columns", validators=[FileRequired("Choose a CSV file")])


@bp.route("/")
def index():
    """Show what an administrator can manage."""
    return render_template("admin/index.html")


@bp.route("/users")
def users():
    """List everyone with an account."""
    return render_template("admin/users.html", users=list_users(get_db()))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account and send its owner a link to set a password."""
    form = NewUserForm()
    form.organisations.choices = _organisation_choices()
    form.role_for_rules = form.role.data or ""
    if form.validate_on_submit():
        role = form.role.data
        db = get_db()
        with write_transaction(db):
            user_id = create_user(
                db, form.email.data, form.name.data, role,
                organisations=[int(o) for o in form.organisations.data] if role == "service_lead" else (),
                areas=form.areas.data if role in ("facilitator", "commissioner") else ())
            send_invitation(form.email.data, form.name.data, None, g.user, user_id=user_id)
            record_event("user.created", detail=f"user {user_id} ({form.email.data}) as {role}")
        flash("The account has been created. A link to set a password is in the outbox.")
        return redirect(url_for(".user", user_id=user_id))
    return render_template("admin/new_user.html", form=form), 400 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id):
    """Show one account and change its organisations or areas."""
    db = get_db()
    person = found(get_user(db, user_id))
    form = AccessForm(data={"organisations": [str(o) for o in person["organisations"]],
                            "areas": sorted(person["areas"])})
    form.organisations.choices = _organisation_choices(keep=person["organisations"])
    form.role_for_rules, form.kept_organisations = person["role"], person["organisations"]
    if form.validate_on_submit():
        with write_transaction(db):
            if person["role"] == "service_lead":
                set_memberships(db, user_id, [int(o) for o in form.organisations.data])
            if person["role"] in ("facilitator", "commissioner"):
                set_areas(db, user_id, form.areas.data)
        record_event("user.updated", detail=f"user {user_id} ({person['email']}) organisations and areas")
        flash("The changes have been saved.")
        return redirect(url_for(".user", user_id=user_id))
    return render_template("admin/user.html", person=person, form=form, active_form=ActiveForm()), \
        400 if form.errors else 200


@bp.route("/users/<int:user_id>/deactivate")
def confirm_deactivation(user_id):
    """Ask before deactivating an account: say what it stops and for whom. Changes nothing."""
    db = get_db()
    person = found(get_user(db, user_id))
    if person["id"] == g.user["id"] or not person["active"]:
        return redirect(url_for(".user", user_id=user_id)), 303
    return _confirm_deactivation(db, person)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def set_user_active(user_id):
    """Deactivate an account once confirmed, ending its sessions; or activate it again."""
    db = get_db()
    person = found(get_user(db, user_id))
    form = ActiveForm()
    if not form.validate_on_submit():
        flash("Nothing was changed.")
        return redirect(url_for(".user", user_id=user_id)), 303
    active = form.active.data == "1"
    if not active and person["id"] == g.user["id"]:
        flash("You cannot deactivate your own account.")
        return redirect(url_for(".user", user_id=user_id)), 303
    if not active and request.form.get("confirm") != "yes":
        return _confirm_deactivation(db, person)
    set_active(db, user_id, active)
    if not active:
        end_user_sessions(db, user_id, "deactivated")
    record_event("user.activated" if active else "user.deactivated", detail=f"user {user_id} ({person['email']})")
    flash("The account has been " + ("activated." if active else "deactivated and signed out everywhere."))
    return redirect(url_for(".user", user_id=user_id))


def _confirm_deactivation(db, person: dict):
    """Say what deactivating this account does and to whom, with the button that does it."""
    return render_template("admin/deactivate.html", person=person, active_form=ActiveForm(),
                           organisations=_names(db, person["organisations"]))


def _names(db, organisation_ids) -> list[str]:
    """Return the names of some organisations, by name."""
    ids = list(organisation_ids)
    return [r["name"] for r in db.query(
        f"SELECT name FROM organisations WHERE id IN ({','.join('?' * len(ids)) or 'NULL'}) ORDER BY name", ids)]


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    """List organisations and add one."""
    db = get_db()
    form = OrganisationForm()
    if form.validate_on_submit():
        record, error = check_organisation(form.name.data, form.area.data, form.sector.data)
        if record:
            upsert_organisations(db, [record])
            organisation_id = organisation_id_by_name(db, record["name"])
            record_event("organisation.created", organisation_id, record["name"])
            flash(f"{record['name']} has been added.")
            return redirect(url_for(".organisations"))
        form.name.errors.append(error)
    rows = list(db.query("SELECT * FROM organisations ORDER BY area, name"))
    return render_template("admin/organisations.html", form=form, organisations=rows), \
        400 if form.errors else 200


@bp.route("/organisations/import", methods=["GET", "POST"])
@accepts_files
def import_organisations():
    """Add or update organisations from a CSV file, as an import job; any bad row imports nothing."""
    form = ImportForm()
    if validate_upload(form):
        data = read_upload(form)
        if data is not None:
            return queue_upload("organisations", data, form.file.data.filename)
    return render_template("admin/import.html", form=form, limit=describe_limit(upload_limit())), \
        400 if form.errors else 200


@bp.route("/users/import", methods=["GET", "POST"])
@accepts_files
def import_people():
    """Invite the people in a CSV file (the format of `surveyapp users import`), as an import job;
    any bad row imports nothing."""
    form = ImportForm()
    if validate_upload(form):
        data = read_upload(form)
        if data is not None:
            return queue_upload("people", data, form.file.data.filename)
    return render_template("admin/import_people.html", form=form, limit=describe_limit(upload_limit())), \
        400 if form.errors else 200


@bp.route("/frameworks")
def frameworks():
    """List the framework files registered."""
    return render_template("admin/frameworks.html", frameworks=list_frameworks(get_db()))
