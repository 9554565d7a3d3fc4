"""The `surveyapp report` command: benchmark report PDFs for an organisation, area or sector, or all.

pandas and reportlab are imported inside the command, so that every other
command starts without loading them.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from surveyapp.accounts.organisations import normalise_area, normalise_sector
from surveyapp.assessments.rounds import get_round
from surveyapp.cli.errors import ID, InputError
from surveyapp.storage.db import get_db


@click.command("report")
@click.option("--round", "round_id", type=ID, required=True, help="Id of the round.")
@click.option("--organisation", "organisation_id", type=ID, help="Report on this organisation (id).")
@click.option("--area", help="Report on this area, e.g. 'Perth and Kinross'.")
@click.option("--sector", help="Report on this sector, e.g. 'Third sector'.")
@click.option("--all", "everything", is_flag=True,
              help="Every organisation with submitted responses, every area and every sector.")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The PDF file to write, or with --all the folder to write into.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for --all (default: every core available).")
@click.option("--force", is_flag=True, help="Replace a report file that is already there.")
@with_appcontext
def report_command(round_id, organisation_id, area, sector, everything, output, jobs, force):
    """Write benchmark report PDFs for a round.

    An area or sector whose figures would all be hidden from its readers gets no report, with the
    reason, both alone and with --all. Existing files are kept unless --force is given.
    """
    from surveyapp.assessments.evidence import all_evidence_comments
    from surveyapp.cli import report_batch
    from surveyapp.reports.definitions import ReportDefinitionErrors, load_report_definitions
    from surveyapp.reports.model import RoundData

    chosen = [value for value in (organisation_id, area, sector, everything) if value]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --organisation, --area, --sector or --all")
    db = get_db()
    if not get_round(db, round_id):
        raise click.ClickException(f"there is no round {round_id}")
    try:
        definitions = load_report_definitions(current_app.config["REPORTS_DIR"])
    except ReportDefinitionErrors as exc:
        raise click.ClickException(f"the report definitions have errors:\n{exc}") from None
    target = Path(output)
    refuse_overwrite(target, round_id, everything, force)
    started = time.perf_counter()
    data = RoundData(db, round_id, current_app.config["MIN_GROUP"])
    if everything:
        jobs = jobs or report_batch.default_jobs()
        target.mkdir(parents=True, exist_ok=True)
        tasks, skipped = report_batch.plan_all(data, all_evidence_comments(db, round_id))
        tasks, earlier = report_batch.with_comparisons(db, data, tasks)
        bundle = report_batch.Bundle(data=data, definitions=definitions, date=dt.date.today(),
                                     output_dir=str(target), earlier=earlier)
        for line in skipped:
            click.echo(f"Skipped {line}.")
        if sys.stdout.isatty():
            with click.progressbar(length=len(tasks), label=f"Writing {len(tasks)} reports") as bar:
                report_batch.write_all(bundle, tasks, jobs, lambda path: bar.update(1))
        else:  # cron, a pipe or a log file: a line per report, so a long run shows where it is
            written = []

            def progress(path):
                """Say which report was written, and how far the batch is."""
                written.append(path)
                click.echo(f"Wrote {path} ({len(written)} of {len(tasks)})")

            report_batch.write_all(bundle, tasks, jobs, progress)
        click.echo(f"Wrote {len(tasks)} reports to {target} in {time.perf_counter() - started:.1f} s "
                   f"with {jobs} {'process' if jobs == 1 else 'processes'}.")
        return
    if organisation_id is not None:
        if not data.has_organisation(organisation_id):
            raise click.ClickException(
                f"organisation {organisation_id} has no submitted responses in round {round_id}")
        comments = all_evidence_comments(db, round_id, organisation_id).get(organisation_id, {})
        task = report_batch.Task("organisation", organisation_id, comments,
                                 report_batch.audience(data, "organisation", organisation_id))
    else:
        kind, name = ("area", normalise_area(area)) if area is not None else ("sector", normalise_sector(sector))
        if not name:
            raise click.ClickException(f"unknown {kind} {area if area is not None else sector!r}")
        reason = report_batch.skip_reason(data, kind, name)
        if reason:  # the same rule and words as --all
            raise InputError(f"no report for {kind} {name}: {reason}")
        task = report_batch.Task(kind, name, viewer=report_batch.audience(data, kind, name))
    (task,), earlier = report_batch.with_comparisons(db, data, [task])
    bundle = report_batch.Bundle(data=data, definitions=definitions, date=dt.date.today(),
                                 output_dir=str(target.parent), earlier=earlier)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(report_batch.render_task(bundle, task)[1])
    click.echo(f"Wrote {target} in {time.perf_counter() - started:.1f} s.")


def refuse_overwrite(target: Path, round_id: int, everything: bool, force: bool) -> None:
    """Stop before any work when the report would replace a file and --force was not given."""
    if everything:
        if target.exists() and not target.is_dir():
            raise InputError(f"{target} is a file: with --all, -o names a folder to write the reports into")
        existing = sorted(target.glob(f"round-{round_id}-*.pdf")) if target.is_dir() else []
        if existing and not force:
            raise InputError(f"{target} already holds {len(existing)} reports for round {round_id} "
                             f"(such as {existing[0].name}): give --force to replace them, or choose another folder")
    elif target.is_dir():
        raise InputError(f"{target} is a folder: -o names the PDF file to write (or give --all)")
    elif target.exists() and not force:
        raise InputError(f"{target} already exists: give --force to replace it, or choose another file name")
