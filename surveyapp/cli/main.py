"""The `surveyapp` command line, a Flask CLI group (so `flask --app surveyapp` works too)."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from surveyapp.accounts.organisations import check_organisations_file, upsert_organisations
from surveyapp.assessments.rounds import create_round, get_round, list_rounds
from surveyapp.cli.commands.imports import imports_group, report_mappings, report_problems, storage_fault
from surveyapp.cli.errors import DATE, ID, guard, run_safely
from surveyapp.frameworks.errors import FrameworkErrors
from surveyapp.frameworks.loader import check_distinct_versions, check_framework_file
from surveyapp.frameworks.readability import summarise, summary_table
from surveyapp.frameworks.registry import framework_for_round, latest_version_key, list_frameworks, sync_frameworks
from surveyapp.storage.db import get_db, write_transaction
from surveyapp.storage.migrations import migrations


def init_app(app) -> None:
    """Register every command on the app's CLI group."""
    # imported here, not at the top: `surveyapp init-db` and `--help` must not load pandas (cli/lazy.py)
    from surveyapp.cli.commands.backup import backup_command, restore_command
    from surveyapp.cli.commands.benchmark import benchmark
    from surveyapp.cli.commands.disclosure import disclosure_check
    from surveyapp.cli.commands.frameworks_io import frameworks_export, frameworks_import
    from surveyapp.cli.commands.mail import mail_group
    from surveyapp.cli.commands.organisations import ORGS_COMMANDS
    from surveyapp.cli.commands.people import users_group
    from surveyapp.cli.commands.report import report_command

    frameworks_group.add_command(frameworks_export)
    frameworks_group.add_command(frameworks_import)
    for command in ORGS_COMMANDS:
        orgs_group.add_command(command)
    for command in (init_db, frameworks_group, orgs_group, rounds_group, demo_command,
                    import_responses_command, export_responses_command, users_group,
                    backup_command, restore_command, report_command, benchmark, disclosure_check,
                    mail_group, imports_group):
        guard(command)  # plain errors under `flask --app surveyapp` and a test runner too
        app.cli.add_command(command)


def main(args: list[str] | None = None) -> None:
    """Run the `surveyapp` console script; no traceback reaches the person (exit codes: cli/errors.py)."""
    from surveyapp import create_app
    from surveyapp.cli.lazy import SurveyappGroup

    loaded = {}

    def keep(app):
        """Keep the app the command line built, for the error handler (its database and instance folder)."""
        loaded["app"] = app
        return app

    group = SurveyappGroup(create_app=lambda: keep(create_app()),
                           create_app_without_web=lambda: keep(create_app(web=False)),
                           add_default_commands=True, help="Tayside self-assessment survey engine.",
                           epilog=EXIT_CODES)
    sys.exit(run_safely(group, sys.argv[1:] if args is None else args, loaded))


EXIT_CODES = ("Exit codes: 0 done, 1 usage (unknown command or option), 2 input (a value or file given is wrong), "
              "3 state (database not initialised, busy or disk full), 4 unexpected (details in the log file named).")


def prepare_database(db, frameworks_dir: str) -> list:
    """Apply pending migrations and register framework files; return errors."""
    migrations.apply(db)
    return list(sync_frameworks(db, frameworks_dir).errors)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database and register the framework files."""
    db = get_db()
    pending = [m.name for m in migrations.pending(db)]
    errors = prepare_database(db, current_app.config["FRAMEWORKS_DIR"])
    click.echo(f"Database {current_app.config['DATABASE']}: "
               + (f"applied {', '.join(pending)}" if pending else "already up to date"))
    for fw in list_frameworks(db):
        click.echo(f"  framework {fw['key']}: {fw['title']}")
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        sys.exit(1)


@click.group("frameworks")
def frameworks_group():
    """Check, list, export and import framework definitions (YAML or XLSX workbooks)."""



@frameworks_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--readability", is_flag=True, help="Also print each file's plain-English warnings and scores.")
@with_appcontext
def frameworks_check(files, readability):
    """Validate framework files (default: every file in frameworks/)."""
    paths = [Path(f) for f in files] or sorted(Path(current_app.config["FRAMEWORKS_DIR"]).glob("*.y*ml"))
    failed, loaded = False, []
    for path in paths:
        shown = _relative(path)
        try:
            fw, warnings = check_framework_file(path)
        except FrameworkErrors as exc:
            failed = True
            for error in exc.errors:
                click.echo(f"{error.number} " + str(error).replace(str(path), shown, 1))
        except OSError as exc:
            failed = True
            click.echo(f"{shown}:1: cannot read the file: {exc.strerror}")
        else:
            loaded.append(fw)
            n_ind = len(fw.indicators)
            click.echo(f"{shown}: ok: {fw.key} '{fw.title}', {len(fw.domains)} domains, {n_ind} indicators")
            if readability:  # warnings never fail the check
                for warning in warnings:
                    click.echo(f"  {warning.number} " + str(warning).replace(str(path), shown, 1))
                click.echo("\n".join(summary_table(summarise(fw))))
    for error in check_distinct_versions(loaded):
        failed = True
        click.echo(str(error))
    sys.exit(1 if failed else 0)


def _relative(path: Path) -> str:
    """Show a path relative to the current folder where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@frameworks_group.command("list")
@with_appcontext
def frameworks_list():
    """List the registered framework versions."""
    for fw in list_frameworks(get_db()):
        click.echo(f"{fw['key']}\t{fw['title']}")


@click.group("orgs")
def orgs_group():
    """Manage organisations."""


@orgs_group.command("import")
@click.argument("file", type=click.File("rb"))
@with_appcontext
def orgs_import(file):
    """Import organisations from a CSV with name,area,sector columns; any error imports nothing."""
    checked = check_organisations_file(file.read())
    if checked.problems:
        report_problems(file.name, checked.problems)
    report_mappings(checked.mappings)
    db = get_db()
    try:
        with write_transaction(db):
            count = upsert_organisations(db, checked.records)
    except sqlite3.Error as exc:
        raise storage_fault(exc) from None
    click.echo(f"Imported {count} organisations.")


@click.group("rounds")
def rounds_group():
    """Create and list assessment rounds."""


@rounds_group.command("create")
@click.option("--framework", "framework_id", required=True, help="Framework id, e.g. strategic-planning.")
@click.option("--version", type=ID, help="Framework version (default: the latest).")
@click.option("--title", required=True)
@click.option("--opens", type=DATE, help="Opening date, YYYY-MM-DD.")
@click.option("--closes", type=DATE, help="Closing date, YYYY-MM-DD.")
@with_appcontext
def rounds_create(framework_id, version, title, opens, closes):
    """Create a round and print its id."""
    db = get_db()
    key = f"{framework_id}@{version}" if version else latest_version_key(db, framework_id)
    if not key or not db.execute("SELECT 1 FROM framework_versions WHERE key = ?", [key]).fetchone():
        wanted = f"{framework_id}" + (f" version {version}" if version else "")
        raise click.ClickException(f"no registered framework {wanted}")
    try:
        click.echo(create_round(db, key, title, opens, closes))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@rounds_group.command("list")
@with_appcontext
def rounds_list():
    """List rounds: id, framework, version, title, status, submitted responses."""
    for r in list_rounds(get_db()):
        click.echo(f"{r['id']}\t{r['framework_id']}\t{r['version']}\t{r['title']}\t{r['status']}\t{r['submitted']}")


def _round_framework(db, round_id):
    """Return the framework of a round, or stop with a clear message."""
    if not get_round(db, round_id):
        raise click.ClickException(f"there is no round {round_id}")
    return framework_for_round(db, round_id)


@click.command("import-responses")
@click.argument("file", type=click.File("rb"))
@click.option("--round", "round_id", type=ID, required=True)
@with_appcontext
def import_responses_command(file, round_id):
    """Import submitted responses from a long-format CSV; any error imports nothing."""
    from surveyapp.assessments.answers_csv import ImportConflict, check_responses_file, write_responses

    db = get_db()
    framework = _round_framework(db, round_id)
    checked = check_responses_file(db, round_id, framework, file.read())
    if checked.problems:
        report_problems(file.name, checked.problems)
    report_mappings(checked.mappings)
    try:
        with write_transaction(db):
            count = write_responses(db, round_id, framework, checked.responses)
    except ImportConflict as exc:
        raise click.ClickException(f"{exc}; nothing was imported") from None
    except sqlite3.Error as exc:
        raise storage_fault(exc) from None
    click.echo(f"Imported {count} responses into round {round_id}.")


@click.command("export-responses")
@click.option("--round", "round_id", type=ID, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@with_appcontext
def export_responses_command(round_id, output):
    """Export a round's submitted responses to a long-format CSV."""
    from surveyapp.assessments.answers_csv import export_csv

    db = get_db()
    text = export_csv(db, round_id, _round_framework(db, round_id))
    Path(output).write_text(text, encoding="utf-8")
    click.echo(f"Wrote {text.count(chr(10)) - 1} answers to {output}.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Load frameworks, fictional organisations, people, rounds and responses."""
    from surveyapp.demo.data import load_demo

    db = get_db()
    errors = prepare_database(db, current_app.config["FRAMEWORKS_DIR"])
    if errors:
        for error in errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    for line in load_demo(db):
        click.echo(line)
