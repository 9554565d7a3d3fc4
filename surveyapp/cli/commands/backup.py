"""`surveyapp backup` and `surveyapp restore`: copies of the database and putting one back."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from surveyapp.storage.backup import BackupError, backup, restore
from surveyapp.storage.db import close_kept_connections


@click.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="New file to write the backup to.")
@with_appcontext
def backup_command(output):
    """Write a consistent copy of the database to a new file; safe while the app runs."""
    try:
        path = backup(current_app.config["DATABASE"], output)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up {current_app.config['DATABASE']} to {path} (integrity check ok).")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def restore_command(file):
    """Check a backup FILE and put it in place of the database. Stop the app first."""
    target = current_app.config["DATABASE"]
    close_kept_connections()  # this command's own; a running app's still make the restore refuse
    try:
        kept = restore(file, target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if kept:
        click.echo(f"Kept the database it replaced as {kept}.")
    click.echo(f"Restored {file} to {target}. Start the app again.")
