"""`surveyapp users list|create|invite|import|disable|enable`.

The rules are the admin pages' own (surveyapp.accounts); every command checks everything first and
writes in one transaction, so a refused command writes nothing.
"""
from __future__ import annotations

import sqlite3
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from surveyapp.accounts.audit import record
from surveyapp.accounts.organisations import (
    normalise_area,
)
from surveyapp.accounts.passwords import password_problem
from surveyapp.accounts.sessions import end_user_sessions
from surveyapp.accounts.users import (
    ALL_AREAS,
    ROLES,
    account_id_by_email,
    areas_problem,
    create_user,
    email_problem,
    get_user,
    list_users,
    name_problem,
    organisations_problem,
    set_active,
)
from surveyapp.cli.commands.shared import CLIENT, refuse
from surveyapp.cli.errors import ID, InputError, StateError
from surveyapp.cli.tables import format_option, show
from surveyapp.storage.db import get_db, write_transaction
from surveyapp.storage.plain_text import clean_line


@click.group("users")
def users_group():
    """Manage people who can sign in."""


def access_options(command):
    """Add the options that say who a new person is and what they may see."""
    for option in reversed((
        click.option("--email", required=True, help="Their email address (they sign in with it)."),
        click.option("--name", required=True, help="Their full name."),
        click.option("--role", required=True, type=click.Choice(ROLES)),
        click.option("--organisation", "organisations", multiple=True, type=ID,
                     help="Organisation id, for a service lead (repeat for more); see `surveyapp orgs list`."),
        click.option("--area", "areas", multiple=True,
                     help="Area a facilitator or commissioner covers (repeat for more; '*' for all of Tayside)."),
    )):
        command = option(command)
    return command


def _new_person(db, email, name, role, organisations, areas) -> tuple[dict, dict]:
    """Return the cleaned fields of a new person and the problems with them, by option."""
    areas = tuple(a if a.strip() == ALL_AREAS else (normalise_area(a) or a) for a in areas)
    fields = {"email": clean_line(email), "name": clean_line(name), "role": role,
              "organisations": organisations if role == "service_lead" else (),
              "areas": areas if role in ("facilitator", "commissioner") else ()}
    problems = {
        "--email": email_problem(db, fields["email"]),
        "--name": name_problem(fields["name"]),
        "--organisation": organisations_problem(db, role, organisations)
        or (organisations and not fields["organisations"] and "only a service lead belongs to organisations"),
        "--area": areas_problem(role, areas)
        or (areas and not fields["areas"] and "only a facilitator or commissioner covers areas"),
    }
    return fields, problems


def _read_password(from_stdin: bool) -> str:
    """Read a password from standard input's first line, or ask for it twice at a terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise click.UsageError("give --password-stdin to read the password from standard input")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_group.command("list")
@format_option
@with_appcontext
def users_list(fmt):
    """List everyone with an account: email, name, role, organisations and areas, and whether they can sign in."""
    rows = list_users(get_db())
    for row in rows:
        row["active"], row["has_password"] = bool(row["active"]), bool(row["has_password"])
    show(rows, {"id": "id", "email": "email", "name": "name", "role": "role", "active": "active",
                "has_password": "password set", "organisations": "organisations", "areas": "areas"},
         fmt, "There are no accounts yet: add one with `surveyapp users create` or `surveyapp users invite`.")


@users_group.command("create")
@access_options
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@with_appcontext
def users_create(email, name, role, organisations, areas, password_stdin):
    """Create a person who can sign in with a password (asked for, or read with --password-stdin)."""
    db = get_db()
    fields, problems = _new_person(db, email, name, role, organisations, areas)
    refuse(problems, "nothing was created")  # before the password is asked for
    password = _read_password(password_stdin)
    refuse({"--password": password_problem(password, fields["email"])}, "nothing was created")
    with write_transaction(db):
        refuse({"--email": email_problem(db, fields["email"])}, "nothing was created")  # a writer in between
        user_id = create_user(db, password=password, **fields)
        record(db, "user.created", detail=f"user {user_id} ({fields['email']}) as {role}", client=CLIENT)
    click.echo(f"Created {fields['email']} (user {user_id}) as {role}: they can sign in now.")


@users_group.command("invite")
@access_options
@with_appcontext
def users_invite(email, name, role, organisations, areas):
    """Create a person and queue an email with a link to set their own password."""
    db = get_db()
    fields, problems = _new_person(db, email, name, role, organisations, areas)
    refuse(problems, "nothing was created")
    invite = current_app.extensions.get("surveyapp.invite")
    if invite is None:  # the web layer writes the message (its templates and links)
        raise StateError("invitations need the web app's mail templates, which are not loaded")
    with write_transaction(db):
        refuse({"--email": email_problem(db, fields["email"])}, "nothing was created")
        user_id = create_user(db, **fields)
        invite(user_id)
        record(db, "user.created", detail=f"user {user_id} ({fields['email']}) as {role}, invited", client=CLIENT)
    click.echo(f"Invited {fields['email']} (user {user_id}) as {role}: the link is in the outbox, and "
               "`surveyapp mail send` delivers it.")


@users_group.command("import")
@click.argument("file", type=click.File("rb"))
@with_appcontext
def users_import(file):
    """Invite the people in a CSV file (email,name,role,organisation,area); any problem imports nothing.

    Several organisations (names or ids) or areas go in one cell separated by ';'. Each person gets an
    invitation link to set their own password (`surveyapp mail send` delivers them); the file holds no
    passwords.
    """
    from surveyapp.accounts.people_file import check_people_file
    from surveyapp.cli.commands.imports import report_mappings, report_problems, storage_fault

    db = get_db()
    checked = check_people_file(db, file.read())
    if checked.problems:
        report_problems(file.name, checked.problems)
    invite = current_app.extensions.get("surveyapp.invite")
    if invite is None:
        raise StateError("invitations need the web app's mail templates, which are not loaded")
    report_mappings(checked.mappings)
    try:
        with write_transaction(db):
            for person in checked.records:
                refuse({"email": email_problem(db, person["email"])}, "nothing was imported")  # a writer between
                user_id = create_user(db, **person)
                invite(user_id)
                record(db, "user.created", detail=f"user {user_id} ({person['email']}) as {person['role']}, "
                       "invited from a file", client=CLIENT)
    except sqlite3.Error as exc:
        raise storage_fault(exc) from None
    click.echo(f"Invited {len(checked.records)} people: the links are in the outbox, and "
               "`surveyapp mail send` delivers them.")


def _account(db, email: str) -> tuple[int, dict]:
    """Return (id, person) for an account's email, or stop with a plain message."""
    user_id = account_id_by_email(db, email)
    if user_id is None:
        raise InputError(f"there is no account with the email {email.strip()}: `surveyapp users list` shows them")
    return user_id, get_user(db, user_id)


@users_group.command("disable")
@click.argument("email")
@with_appcontext
def users_disable(email):
    """Stop EMAIL signing in, and sign them out everywhere; their answers and history are kept."""
    db = get_db()
    user_id, person = _account(db, email)
    if not person["active"]:
        click.echo(f"{person['email']} was already disabled.")
        return
    with write_transaction(db):
        set_active(db, user_id, False)
        end_user_sessions(db, user_id, "deactivated")
        record(db, "user.deactivated", detail=f"user {user_id} ({person['email']})", client=CLIENT)
    click.echo(f"Disabled {person['email']} (user {user_id}): they cannot sign in, and were signed out everywhere.")


@users_group.command("enable")
@click.argument("email")
@with_appcontext
def users_enable(email):
    """Let disabled EMAIL sign in again, with the password they had (or an invitation link if they had none)."""
    db = get_db()
    user_id, person = _account(db, email)
    if person["active"]:
        click.echo(f"{person['email']} can already sign in.")
        return
    with write_transaction(db):
        set_active(db, user_id, True)
        record(db, "user.activated", detail=f"user {user_id} ({person['email']})", client=CLIENT)
    click.echo(f"Enabled {person['email']} (user {user_id}): they can sign in again.")
