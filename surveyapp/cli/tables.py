"""Rows printed for a person (an aligned table) or for a script (CSV or JSON)."""
from __future__ import annotations

import csv
import io
import json

import click

FORMATS = ("table", "csv", "json")


def format_option(command):
    """Add the --format option every listing command takes."""
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="An aligned table for people; csv or json for scripts.")(command)


def show(rows: list[dict], columns: dict[str, str], fmt: str, empty: str) -> None:
    """Print rows: columns maps each key to its heading; `empty` is said when there are none (table only)."""
    if fmt == "json":
        click.echo(json.dumps([{key: row[key] for key in columns} for row in rows], indent=2, ensure_ascii=False))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(row[key]) for key in columns] for row in rows)
        click.echo(out.getvalue(), nl=False)
    elif not rows:
        click.echo(empty)
    else:
        click.echo("\n".join(aligned(rows, columns)))


def aligned(rows: list[dict], columns: dict[str, str]) -> list[str]:
    """Return a heading line and one line per row, each column as wide as its widest cell; numbers to the right."""
    cells = [[str(_cell(row[key])) for key in columns] for row in rows]
    widths = [max([len(heading)] + [len(line[n]) for line in cells]) for n, heading in enumerate(columns.values())]
    numeric = [all(isinstance(row[key], int) and not isinstance(row[key], bool) for row in rows) for key in columns]

    def line(values):
        """Join one row's cells, padded to their columns."""
        return "  ".join(v.rjust(w) if right else v.ljust(w)
                         for v, w, right in zip(values, widths, numeric)).rstrip()

    return [line(list(columns.values())), *(line(values) for values in cells)]


def _cell(value):
    """Show nothing for a missing value, yes/no for a flag."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value
