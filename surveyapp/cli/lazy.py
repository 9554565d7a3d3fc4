"""The `surveyapp` command group: its list of commands known without importing them.

`surveyapp --help` used to build the whole app (the web layer, pandas, the
report renderers) to print one screen of text: 1.3 s. Here each command is
named with its one-line help, so the list is printed from this table; a
command's code is imported, and the app built, only when that command runs.
`init-db` needs the settings and the database, not the web app, so it runs in
an app built without the web layer. tests/test_cli_startup.py checks the
table against the commands the app registers.
"""
from __future__ import annotations

import click
from flask.cli import FlaskGroup, ScriptInfo

# name: one-line help, as each command's docstring says it
COMMANDS = {
    "backup": "Write a consistent copy of the database to a new file; safe while the app runs.",
    "benchmark": "Print a round's benchmark numbers to standard output, as one viewer may see them.",
    "demo": "Load frameworks, fictional organisations, people, rounds and responses.",
    "disclosure-check": "Say, per class of viewer, how many figures are shown and hidden, and any risk; "
                        "exit 1 on a risk.",
    "export-responses": "Export a round's submitted responses to a long-format CSV.",
    "frameworks": "Check, list, export and import framework definitions (YAML or XLSX workbooks).",
    "imports": "Run the file imports uploaded on the web (see docs/operations.md).",
    "import-responses": "Import submitted responses from a long-format CSV; any error imports nothing.",
    "init-db": "Create or upgrade the database and register the framework files.",
    "mail": "Deliver the outbox by SMTP (settings: SURVEYAPP_SMTP_*; see docs/operations.md).",
    "orgs": "Manage organisations.",
    "report": "Write benchmark report PDFs for a round.",
    "restore": "Check a backup FILE and put it in place of the database.",
    "rounds": "Create and list assessment rounds.",
    "users": "Manage people who can sign in.",
}
# Commands that need the settings and the database only: run in an app without the web layer.
WITHOUT_WEB = {"init-db": ("surveyapp.cli.main", "init_db")}


class SurveyappGroup(FlaskGroup):
    """A FlaskGroup that lists surveyapp's commands from a table and builds the app only to run one.

    `create_app_without_web` builds the app with its settings and database, not its pages.
    """

    def __init__(self, *args, create_app_without_web=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.create_app_without_web = create_app_without_web

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the built-in commands and surveyapp's, without building the app."""
        self._load_plugin_commands()
        return sorted(set(click.Group.list_commands(self, ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Return a command; build the app without its web layer for the commands that need none."""
        if name in WITHOUT_WEB and self.create_app_without_web is not None:
            ctx.ensure_object(ScriptInfo).create_app = self.create_app_without_web
            module, attribute = WITHOUT_WEB[name]
            return getattr(__import__(module, fromlist=[attribute]), attribute)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the list of commands with their one-line help, importing none of surveyapp's."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in COMMANDS:
                rows.append((name, click.Command(name, help=COMMANDS[name]).get_short_help_str(limit)))
            else:
                command = click.Group.get_command(self, ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
