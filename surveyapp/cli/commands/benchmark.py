"""The `surveyapp benchmark` command: a round's benchmark table as CSV or JSON."""
from __future__ import annotations

import csv
import io
import json

import click
from flask import current_app
from flask.cli import with_appcontext

from surveyapp.benchmarks.aggregation import BY, LEVELS
from surveyapp.benchmarks.disclosure import PUBLIC
from surveyapp.benchmarks.maintained import rebuild_round, round_ids
from surveyapp.benchmarks.records import benchmark_records, record_columns
from surveyapp.benchmarks.round_cache import published_benchmark
from surveyapp.cli.commands.disclosure import viewer_by_email
from surveyapp.cli.errors import ID
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.db import get_db


@click.command("benchmark")
@click.option("--round", "round_id", type=ID, help="Id of the round (required unless --rebuild).")
@click.option("--by", type=click.Choice(BY), default="organisation", show_default=True,
              help="Group organisations by this.")
@click.option("--level", type=click.Choice(LEVELS), default="overall", show_default=True,
              help="Score indicators, domains or the overall score.")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv", show_default=True)
@click.option("--as", "email", default=None,
              help="Publish the figures for this person (their email). Default: for someone who knows no "
                   "organisation, so the output is safe to share.")
@click.option("--rebuild", is_flag=True,
              help="Recompute the kept statistics of the round (default: of every round) from the answers, "
                   "say whether they matched, and print nothing else.")
@with_appcontext
def benchmark(round_id: int | None, by: str, level: str, fmt: str, email: str | None, rebuild: bool) -> None:
    """Print a round's benchmark numbers to standard output, as one viewer may see them."""
    db = get_db()
    if rebuild:
        _rebuild(db, round_id)
        return
    if round_id is None:
        raise click.UsageError("say which round with --round")
    framework = framework_for_round(db, round_id)
    if framework is None:
        raise click.ClickException(f"there is no round {round_id}")
    viewer = viewer_by_email(db, email) if email else PUBLIC
    bench = published_benchmark(db, round_id, viewer, current_app.config["MIN_GROUP"])
    records = benchmark_records(bench, by, level)
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        click.echo(records_to_csv(records, record_columns(by, level)), nl=False)


def _rebuild(db, round_id: int | None) -> None:
    """Rebuild the kept statistics of one round or all, and report what differed."""
    rounds = [round_id] if round_id is not None else round_ids(db)
    if round_id is not None and framework_for_round(db, round_id) is None:
        raise click.ClickException(f"there is no round {round_id}")
    for rid in rounds:
        before = rebuild_round(db, rid)
        state = "matched" if before.same else (
            f"did not match ({before.missing} missing, {before.extra} extra, {before.different} different)")
        click.echo(f"Round {rid}: rebuilt {before.rows} organisation and indicator rows; the kept ones {state}.")


def records_to_csv(records: list[dict], columns: list[str]) -> str:
    """Write records as CSV text: true/false for flags, empty cells for missing numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(record[c]) for c in columns] for record in records)
    return out.getvalue()


def _cell(value):
    """Format one value for a CSV cell; numbers and text pass through."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
