"""What the `surveyapp` command says when something goes wrong: one plain sentence and a documented exit code.

| exit code | meaning |
|---|---|
| 0 | done |
| 1 | usage: an unknown command or option, or a missing one |
| 2 | input: a value, file or record given is wrong (a bad date, an unknown id, a duplicate email) |
| 3 | state: the database or the disk is not ready (not initialised, busy, full) |
| 4 | an unexpected error: a short message and the path of a log file holding the details |
| 130 | stopped with Ctrl-C |

Known errors never show a traceback; an unexpected one writes its traceback to a log file and names it
(in SURVEYAPP_LOG_DIR if set, else instance/logs/).
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import sys
import tempfile
import traceback
from pathlib import Path

import click

EXIT_USAGE, EXIT_INPUT, EXIT_STATE, EXIT_UNEXPECTED = 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C


class InputError(click.ClickException):
    """A value, file or record the person gave is wrong."""

    exit_code = EXIT_INPUT


class StateError(click.ClickException):
    """The database or the disk is not in a state the command can work with."""

    exit_code = EXIT_STATE


NOT_INITIALISED = "the database is not initialised: run surveyapp init-db"
NOT_UP_TO_DATE = "the database is not up to date with this version of surveyapp: run surveyapp init-db"


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD; the error says so, with an example."""

    name = "date"

    def convert(self, value, param, ctx):
        """Return the date as ISO text, or fail with the expected format."""
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            self.fail(f"{value!r} is not a date: write it as YYYY-MM-DD, for example 2026-04-01", param, ctx)


class WholeNumber(click.ParamType):
    """A positive whole number such as an id; the error says so, with an example."""

    name = "number"

    def __init__(self, example: int = 3):
        self.example = example

    def convert(self, value, param, ctx):
        """Return the number, or fail with the expected format."""
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a whole number: write digits only, for example {self.example}",
                          param, ctx)
        if number < 1 or number > 2**63 - 1:
            self.fail(f"{value!r} is out of range: give a whole number from 1, for example {self.example}",
                      param, ctx)
        return number


DATE = DateType()
ID = WholeNumber()


def run_safely(command, args, loaded: dict) -> int:
    """Run a click command line; return its exit code, printing a plain sentence instead of any traceback.

    loaded["app"] is the app the command line built, once it has built one (for the database path and
    the instance folder the error log goes in).
    """
    try:
        result = command.main(args=args, prog_name="surveyapp", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.BadParameter as exc:
        _show(exc, EXIT_INPUT)
        return EXIT_INPUT
    except click.UsageError as exc:
        _show(exc, EXIT_USAGE)
        return EXIT_USAGE
    except click.ClickException as exc:
        # the commands' own refusals: a plain ClickException is about what was given
        code = exc.exit_code if isinstance(exc, InputError | StateError) else EXIT_INPUT
        _show(exc, code)
        return code
    except (click.Abort, KeyboardInterrupt):
        click.echo("Stopped.", err=True)
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        return _system_exit_code(exc)
    except Exception as exc:
        return _known_or_logged(exc, loaded.get("app"))
    return result if isinstance(result, int) else 0


def guard(command: click.Command) -> None:
    """Give a command (every command of a group) the same plain errors under any entry point.

    `surveyapp` runs its commands through run_safely; `flask --app surveyapp ...` and a test's
    CliRunner call them directly, and would show a traceback for a database or file error. A guarded
    command prints the same plain sentence (or logs an unexpected error) and exits with the same code.
    """
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            guard(sub)
        return
    if getattr(command, "_surveyapp_guarded", False):  # commands are shared by every app built
        return
    invoke = command.invoke

    def guarded(ctx: click.Context):
        """Run the command; turn any error that is not click's own into a plain sentence and exit code."""
        try:
            return invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click shows these plainly itself (a plain refusal exits 1 here, 2 under surveyapp)
        except Exception as exc:
            raise click.exceptions.Exit(_known_or_logged(exc, _loaded_app(ctx))) from None

    command.invoke = guarded
    command._surveyapp_guarded = True


def _loaded_app(ctx: click.Context):
    """Return the app the command line built for this command, or None."""
    from flask.cli import ScriptInfo

    info = ctx.find_object(ScriptInfo)
    return getattr(info, "_loaded_app", None) if info is not None else None


def _known_or_logged(exc: Exception, app) -> int:
    """Say what a known database or file error means, or log an unexpected one; return the exit code."""
    known, code = None, EXIT_STATE
    if isinstance(exc, sqlite3.Error):
        known = database_problem(exc, app)
    elif isinstance(exc, OSError):
        known, code = file_problem(exc)
    if known is None:
        return unexpected(exc, app)
    click.echo(f"Error: {known}.", err=True)
    return code


def _show(exc: click.ClickException, code: int) -> None:
    """Print a click error as click would, under our exit code."""
    exc.exit_code = code
    exc.show()


def _system_exit_code(exc: SystemExit) -> int:
    """Return the exit code a sys.exit() call asked for."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    click.echo(str(exc.code), err=True)
    return EXIT_UNEXPECTED


def database_problem(exc: sqlite3.Error, app) -> str | None:
    """Return the plain sentence for a database error a person can act on, or None."""
    text = str(exc).lower()
    path = app.config.get("DATABASE") if app is not None else None
    if text.startswith(("no such table", "no such column")):
        return NOT_UP_TO_DATE if path and _has_migrations(path) else NOT_INITIALISED
    if "database is locked" in text or "database is busy" in text:
        return "the database is busy with another writer: try again in a moment"
    if "unable to open database file" in text:
        return f"cannot open the database file {path}: check that its folder exists and may be written"
    if "database or disk is full" in text:
        return "the disk holding the database is full: free some space and run the command again"
    if "file is not a database" in text or "malformed" in text:
        return f"the file {path} is not a usable surveyapp database: restore a backup (docs/operations.md)"
    if "readonly" in text or "read-only" in text:
        return f"the database file {path} may not be written: check its permissions"
    return None


def _has_migrations(path: str) -> bool:
    """Return True when the database has any migration applied."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'").fetchone())
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def file_problem(exc: OSError) -> tuple[str | None, int]:
    """Return the plain sentence and exit code for a file error, or (None, 0)."""
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"the disk is full, writing{where}: free some space and run the command again", EXIT_STATE
    reasons = {
        errno.ENOENT: "there is no such file or folder",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EEXIST: "it already exists",
        errno.EISDIR: "it is a folder, not a file",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EROFS: "the disk is read-only",
    }
    if exc.errno in reasons:
        return f"cannot use{where}: {reasons[exc.errno]}", EXIT_INPUT
    return None, 0


def log_folder(app) -> Path:
    """Return the folder for error logs: SURVEYAPP_LOG_DIR, else instance/logs, else the temporary folder."""
    if os.environ.get("SURVEYAPP_LOG_DIR"):
        return Path(os.environ["SURVEYAPP_LOG_DIR"])
    if app is not None:
        return Path(app.instance_path) / "logs"
    return Path(tempfile.gettempdir()) / "surveyapp-logs"


def unexpected(exc: BaseException, app) -> int:
    """Write the traceback to a log file; print a short message naming it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    details = "".join(traceback.format_exception(exc))
    command = " ".join(["surveyapp", *sys.argv[1:]])
    for folder in (log_folder(app), log_folder(None)):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"cli-error-{stamp}.log"
            path.write_text(f"{command}\n\n{details}", encoding="utf-8")
            break
        except OSError:
            path = None
    if path is None:
        click.echo(f"surveyapp stopped on an unexpected error ({type(exc).__name__}: {exc}), "
                   "and could not write a log file for the details.", err=True)
    else:
        click.echo(f"surveyapp stopped on an unexpected error ({type(exc).__name__}). "
                   f"Nothing more was done. The details are in {path}", err=True)
    return EXIT_UNEXPECTED
