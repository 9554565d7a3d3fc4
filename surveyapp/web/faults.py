"""Database faults: refuse to start on a weak database, answer failures with a plain page.

A full disk, a read-only database file or a database kept busy beyond the
busy timeout are conditions of the server, not mistakes by the person
using it. They get a short page saying that nothing already saved is
lost; the details go to the log, never to the browser.
"""
from __future__ import annotations

import sqlite3

from flask import current_app, render_template, request

from surveyapp.storage.db import connect

# Primary SQLite result code -> (why, in words that finish "... because", page title).
FAULTS = {
    sqlite3.SQLITE_FULL: ("the server has run out of storage space",
                          "Sorry, the service cannot save anything at the moment"),
    sqlite3.SQLITE_IOERR: ("the server could not write to its storage",
                           "Sorry, the service cannot save anything at the moment"),
    sqlite3.SQLITE_READONLY: ("the database cannot be changed at the moment",
                              "Sorry, the service cannot save anything at the moment"),
    sqlite3.SQLITE_CANTOPEN: ("the database cannot be opened at the moment",
                              "Sorry, the service is unavailable"),
    sqlite3.SQLITE_BUSY: ("the service is very busy", "Sorry, the service is busy"),
    sqlite3.SQLITE_LOCKED: ("the service is very busy", "Sorry, the service is busy"),
}
UNKNOWN_FAULT = ("of a problem with the database", "Sorry, there is a problem with the service")


def init_app(app) -> None:
    """Check the database settings now, and answer database faults with a plain page."""
    check_database(app.config["DATABASE"])
    app.register_error_handler(sqlite3.DatabaseError, database_fault_page)


def check_database(path: str) -> None:
    """Open and close one connection, so an app without durable settings never starts.

    `connect` raises DatabaseSetupError when WAL, FULL sync, foreign keys
    or the busy timeout do not take effect; better now than at the first
    answer someone saves.
    """
    connect(path).close()


def describe(exc: sqlite3.Error) -> tuple[str, str]:
    """Return (why, title) for a database error, without any SQL or detail."""
    code = getattr(exc, "sqlite_errorcode", None)
    return FAULTS.get(code & 0xFF, UNKNOWN_FAULT) if code is not None else UNKNOWN_FAULT


def is_transient(exc: sqlite3.Error) -> bool:
    """Return True for faults that pass with time or an operator's help (503, not 500)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in FAULTS


def unsaved_message(exc: sqlite3.Error) -> str:
    """Tell someone their page was not saved and that what they typed is still there."""
    return (f"Your answers could not be saved because {describe(exc)[0]}. "
            "Nothing you typed has been lost; try again.")


def unsubmitted_message(exc: sqlite3.Error) -> str:
    """Tell someone their submission did not happen and that their saved answers are safe."""
    return (f"Your self-assessment could not be submitted because {describe(exc)[0]}. "
            "Nothing you have saved has been lost; try again.")


def database_fault_page(exc: sqlite3.DatabaseError):
    """Render the plain error page for a database fault and log the detail."""
    current_app.logger.error("database fault on %s %s: %s", request.method, request.path, exc,
                             exc_info=exc)
    code = 503 if is_transient(exc) else 500
    return render_template("error.html", title=describe(exc)[1], code=code), code
