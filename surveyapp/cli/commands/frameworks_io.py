"""`surveyapp frameworks export` and `import`: a framework as a workbook, and back."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml
from flask.cli import with_appcontext

from surveyapp.accounts.organisations import vocabulary_lists
from surveyapp.frameworks.errors import FrameworkErrors
from surveyapp.frameworks.loader import definition_warnings, framework_from_definition, read_definition
from surveyapp.frameworks.registry import latest_version_key, publish_definition, registered_definition
from surveyapp.frameworks.workbook_write import workbook_bytes
from surveyapp.storage.db import get_db, write_transaction


def definition_yaml(data: dict) -> str:
    """Return a definition as readable YAML, keys in the order they were written."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def echo_errors(errors) -> None:
    """Print each error or warning with its stable number and location."""
    for error in errors:
        click.echo(f"{error.number} {error}")


@click.command("export")
@click.argument("framework_id")
@click.option("--version", type=int, default=None, help="Version to export (default: the latest).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "yaml"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@with_appcontext
def frameworks_export(framework_id, version, fmt, output):
    """Write a registered framework version as a workbook (or YAML) to edit."""
    db = get_db()
    key = f"{framework_id}@{version}" if version else latest_version_key(db, framework_id)
    data = registered_definition(db, key) if key else None
    if data is None:
        raise click.ClickException(f"no framework '{framework_id}'" + (f" version {version}" if version else "")
                                   + " is registered; `surveyapp frameworks list` shows what is")
    if fmt == "xlsx":
        Path(output).write_bytes(workbook_bytes(data, vocabulary_lists()))
    else:
        Path(output).write_text(definition_yaml(data), encoding="utf-8")
    click.echo(f"wrote {key} to {output}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the framework as YAML here; without it, publish it as a new version.")
@with_appcontext
def frameworks_import(file, output):
    """Check a workbook (or YAML) and write it as YAML, or publish it as a new immutable version."""
    try:
        data, cells = read_definition(file)
        fw = framework_from_definition(data, file, cells)
    except FrameworkErrors as exc:
        echo_errors(exc.errors)
        click.echo(f"{file}: not imported: {len(exc.errors)} error(s); nothing was published")
        sys.exit(1)
    echo_errors(definition_warnings(data, file, cells))
    if output:
        Path(output).write_text(definition_yaml(data), encoding="utf-8")
        click.echo(f"wrote {fw.key} to {output}")
        return
    try:
        with write_transaction(get_db()) as db:
            fw, added = publish_definition(db, data, Path(file).name)
    except FrameworkErrors as exc:
        echo_errors(exc.errors)
        sys.exit(1)
    click.echo(f"published {fw.key} '{fw.title}'" if added else f"{fw.key} is already published, unchanged")
