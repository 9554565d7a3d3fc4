"""The `surveyapp benchmark` command: a round's benchmark table as CSV or JSON."""
from __future__ import annotations

import csv
import io
import json

import click
from flask import current_app
from flask.cli import with_appcontext

from surveyapp.benchmarks.aggregation import BY, LEVELS, benchmark_records, record_columns
from surveyapp.benchmarks.disclosure import PUBLIC
from surveyapp.benchmarks.round_cache import published_benchmark
from surveyapp.cli.commands.disclosure import viewer_by_email
from surveyapp.cli.errors import ID
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.db import get_db


@click.command("benchmark")
@click.option("--round", "round_id", type=ID, required=True, help="Id of the round.")
@click.option("--by", type=click.Choice(BY), default="organisation", show_default=True,
              help="Group organisations by this.")
@click.option("--level", type=click.Choice(LEVELS), default="overall", show_default=True,
              help="Score indicators, domains or the overall score.")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv", show_default=True)
@click.option("--as", "email", default=None,
              help="Publish the figures for this person (their email). Default: for someone who knows no "
                   "organisation, so the output is safe to share.")
@with_appcontext
def benchmark(round_id: int, by: str, level: str, fmt: str, email: str | None) -> None:
    """Print a round's benchmark numbers to standard output, as one viewer may see them."""
    db = get_db()
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
