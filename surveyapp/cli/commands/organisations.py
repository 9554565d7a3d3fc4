"""`surveyapp orgs list|create|rename|archive|unarchive`.

The rules are the admin pages' own (surveyapp.accounts.organisations); every command checks
everything first and writes in one transaction, so a refused command writes nothing.
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from surveyapp.accounts.audit import record
from surveyapp.accounts.organisations import (
    archive_organisation,
    check_organisation,
    get_organisation,
    list_organisations,
    name_taken_problem,
    organisation_name_problem,
    rename_organisation,
    unarchive_organisation,
)
from surveyapp.cli.commands.shared import CLIENT, day_in_words, refuse
from surveyapp.cli.errors import ID, InputError
from surveyapp.cli.tables import format_option, show
from surveyapp.storage.db import get_db, write_transaction
from surveyapp.storage.plain_text import clean_line
from surveyapp.storage.timestamps import iso, utc_now


def _organisation(db, organisation_id: int) -> dict:
    """Return an organisation, or stop with a plain message."""
    organisation = get_organisation(db, organisation_id)
    if organisation is None:
        raise InputError(f"there is no organisation {organisation_id}: `surveyapp orgs list` shows their ids")
    return organisation


@click.command("list")
@click.option("--all", "everything", is_flag=True, help="Include archived organisations.")
@format_option
@with_appcontext
def orgs_list(everything, fmt):
    """List organisations: id, name, area, sector, people, submitted responses."""
    rows = list_organisations(get_db(), include_archived=everything)
    columns = {"id": "id", "name": "name", "area": "area", "sector": "sector", "people": "people",
               "submitted": "submitted"}
    if everything:
        columns["archived"] = "archived"
        for row in rows:
            row["archived"] = day_in_words(row["archived_at"]) if fmt == "table" else row["archived_at"]
    show(rows, columns, fmt, "There are no organisations yet: add one with `surveyapp orgs create`.")


@click.command("create")
@click.argument("name")
@click.option("--area", required=True, help="Dundee City, Angus, Perth and Kinross or Tayside-wide.")
@click.option("--sector", required=True, help="e.g. NHS, Local authority, HSCP, Third sector.")
@with_appcontext
def orgs_create(name, area, sector):
    """Add an organisation and print its id."""
    db = get_db()
    record_, problem = check_organisation(clean_line(name), area, sector)
    refuse({"organisation": problem or name_taken_problem(db, record_["name"])}, "nothing was created")
    with write_transaction(db):
        organisation_id = db.execute("INSERT INTO organisations (name, area, sector) VALUES (:name, :area, :sector)",
                                     record_).lastrowid
        record(db, "organisation.created", organisation_id=organisation_id, detail=record_["name"], client=CLIENT)
    click.echo(organisation_id)


@click.command("rename")
@click.argument("organisation_id", metavar="ID", type=ID)
@click.argument("name")
@with_appcontext
def orgs_rename(organisation_id, name):
    """Give organisation ID a new NAME; its people and results stay with it."""
    db = get_db()
    old = _organisation(db, organisation_id)["name"]
    new = clean_line(name)
    refuse({"name": organisation_name_problem(new) or name_taken_problem(db, new, except_id=organisation_id)},
            "nothing was changed")
    with write_transaction(db):
        rename_organisation(db, organisation_id, new)
        record(db, "organisation.renamed", organisation_id=organisation_id, detail=f"{old} -> {new}", client=CLIENT)
    click.echo(f"Renamed organisation {organisation_id} from {old} to {new}.")


@click.command("archive")
@click.argument("organisation_id", metavar="ID", type=ID)
@with_appcontext
def orgs_archive(organisation_id):
    """Archive organisation ID: its results are kept, it is no longer offered for new people or invitations."""
    db = get_db()
    organisation = _organisation(db, organisation_id)
    if organisation["archived_at"]:
        click.echo(f"{organisation['name']} was already archived on {day_in_words(organisation['archived_at'])}.")
        return
    with write_transaction(db):
        archive_organisation(db, organisation_id, iso(utc_now()))
        record(db, "organisation.archived", organisation_id=organisation_id, detail=organisation["name"],
               client=CLIENT)
    click.echo(f"Archived {organisation['name']} (organisation {organisation_id}).")


@click.command("unarchive")
@click.argument("organisation_id", metavar="ID", type=ID)
@with_appcontext
def orgs_unarchive(organisation_id):
    """Bring archived organisation ID back: offered again for new people and invitations."""
    db = get_db()
    organisation = _organisation(db, organisation_id)
    if not organisation["archived_at"]:
        click.echo(f"{organisation['name']} is not archived.")
        return
    with write_transaction(db):
        unarchive_organisation(db, organisation_id)
        record(db, "organisation.unarchived", organisation_id=organisation_id, detail=organisation["name"],
               client=CLIENT)
    click.echo(f"Brought back {organisation['name']} (organisation {organisation_id}): it is offered again "
               "for new people and invitations.")


ORGS_COMMANDS = (orgs_list, orgs_create, orgs_rename, orgs_archive, orgs_unarchive)
