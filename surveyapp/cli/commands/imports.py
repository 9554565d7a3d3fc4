"""`surveyapp imports worker` (a loop) and `surveyapp imports run` (one pass): run the imports uploaded on the web.

Also the shared reporting of the command-line imports (`orgs import`, `import-responses`):
every problem with its line and column, up to a limit and then a count.
"""
from __future__ import annotations

import sqlite3
import sys

import click
from flask.cli import with_appcontext

from surveyapp.assessments.import_jobs import STORAGE_FAULTS, work_once
from surveyapp.cli.worker_loop import run_until_stopped
from surveyapp.storage.db import get_db
from surveyapp.storage.text_files import describe_mapping


def report_problems(filename: str, problems) -> None:
    """Print each problem, then that nothing was imported, and stop with exit code 2 (bad input)."""
    for line in problems.lines():
        click.echo(f"{filename}: {line}", err=True)
    click.echo("Nothing was imported.", err=True)
    sys.exit(2)


def report_mappings(mappings) -> None:
    """Print each spelling that was read as a standard name."""
    for mapping in mappings.as_list():
        click.echo(f"note: {describe_mapping(mapping)}")


def storage_fault(exc: sqlite3.Error) -> click.ClickException:
    """Turn a database fault during an import into one plain sentence."""
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    why = STORAGE_FAULTS.get(code & 0xFF, "of a problem with the database")
    return click.ClickException(f"nothing was imported because {why}")


def _echo_job(job: dict) -> None:
    result = job["result"] or {}
    if job["state"] == "done":
        click.echo(f"import {job['id']} ({job['kind']}, {job['filename']}): " + "; ".join(result.get("summary", [])))
    else:
        click.echo(f"import {job['id']} ({job['kind']}, {job['filename']}): {result.get('message', job['state'])}"
                   + (f" ({result['count']:,} problems)" if result.get("count") else ""))


@click.group("imports")
def imports_group():
    """Run the file imports uploaded on the web (see docs/operations.md)."""


@imports_group.command("run")
@with_appcontext
def imports_run():
    """Run every queued import once, and exit (for cron, or by hand)."""
    db = get_db()
    ran = 0
    while (job := work_once(db)) is not None:
        ran += 1
        _echo_job(job)
    if not ran:
        click.echo("No imports are waiting.")


@imports_group.command("worker")
@click.option("--interval", default=2.0, show_default=True, help="Seconds to wait when nothing is queued.")
@with_appcontext
def imports_worker(interval):
    """Run imports as they are uploaded, until stopped (SIGTERM or Ctrl-C finish the import in hand)."""
    db = get_db()

    def step() -> bool:
        job = work_once(db)
        if job is not None:
            _echo_job(job)
        return job is not None

    run_until_stopped(step, interval)
    click.echo("import worker stopped")
