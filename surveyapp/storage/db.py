"""SQLite connections: one kept per thread, always durable, never silently weak.

Every connection runs with WAL, synchronous=FULL, foreign keys and a busy
timeout; `connect` refuses to hand out a connection where any of those did
not take effect, because a lost acknowledged answer is the worst failure.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager, suppress
from pathlib import Path

from flask import current_app, g

from surveyapp.storage.light_sqlite_utils import sqlite_utils

BUSY_TIMEOUT_MS = 30_000


class DatabaseSetupError(RuntimeError):
    """The database could not be opened with the settings we rely on."""


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open the database at path with WAL, FULL sync, foreign keys and a busy timeout."""
    path = str(path)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    checks = {
        "journal_mode": (mode.lower(), "wal" if path != ":memory:" else "memory"),
        "synchronous": (conn.execute("PRAGMA synchronous").fetchone()[0], 2),
        "foreign_keys": (conn.execute("PRAGMA foreign_keys").fetchone()[0], 1),
        "busy_timeout": (conn.execute("PRAGMA busy_timeout").fetchone()[0], BUSY_TIMEOUT_MS),
    }
    wrong = {k: got for k, (got, want) in checks.items() if got != want}
    if wrong:
        conn.close()
        raise DatabaseSetupError(f"database {path} refused the required settings: {wrong}")
    return sqlite_utils.Database(conn)


@contextmanager
def write_transaction(db: sqlite_utils.Database):
    """Run a block as one write transaction that waits for other writers.

    BEGIN IMMEDIATE takes the write lock up front, so a concurrent writer
    waits out the busy timeout instead of failing half way with
    "database is locked".
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        # SQLite has already rolled back after some errors (disk full, I/O);
        # a second ROLLBACK would fail and hide the real error
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def first_row(db: sqlite_utils.Database, sql: str, params=()) -> dict | None:
    """Return a read's first row as a dict of column to value, or None."""
    # Not db.query: sqlite-utils wraps each query in a SAVEPOINT and RELEASE, two
    # more statements for every read, and the hot path reads a handful a request.
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    return None if row is None else dict(zip([column[0] for column in cursor.description], row))


def get_db() -> sqlite_utils.Database:
    """Return this request's connection: the one this thread keeps for the database."""
    db = g.get("db")  # one lookup through Flask's context: a request asks five or six times
    if db is None:
        db = g.db = kept_connection(current_app.config["DATABASE"])
    return db


def close_db(exc=None) -> None:
    """End this request's use of the connection; it stays open for the next request."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        # nothing half done may reach the next request; every write commits inside its own block
        db.conn.execute("ROLLBACK")


# One connection per database file, per thread, kept between requests. Opening one
# per request cost a quarter to two fifths of a request's CPU (PRAGMAs and their checks, SQLite
# parsing the schema again, every statement prepared again, and the WAL checkpoint
# on the last close: bench/RESULTS.md). A connection is opened again when the file
# at the path is no longer the one it opened (replaced by a restore), and never
# crosses a fork: the process id is part of the key.
_KEPT = threading.local()
_INHERITED: list[dict] = []
MAX_KEPT = 4  # databases a thread keeps at once; an app has one, a test run many in turn


def kept_connection(path: str | Path) -> sqlite_utils.Database:
    """Return this thread's connection to the database at path, opening it when needed."""
    path = str(path)
    kept = getattr(_KEPT, "connections", None)
    if kept is None or _KEPT.pid != os.getpid():
        if kept:
            # inherited across a fork: SQLite connections must not be used, nor closed, in
            # the child (closing could touch the parent's locks and WAL); leave them be
            _INHERITED.append(kept)
        kept = _KEPT.connections = {}
        _KEPT.pid = os.getpid()
    entry = kept.pop(path, None)
    if entry is not None and entry[1] == _file_identity(path):
        kept[path] = entry  # most recently used last
        return entry[0]
    if entry is not None:
        _close_quietly(entry[0])
    db = connect(path)
    kept[path] = (db, _file_identity(path))
    while len(kept) > MAX_KEPT:
        _close_quietly(kept.pop(next(iter(kept)))[0])
    return db


def close_kept_connections() -> None:
    """Close this thread's kept connections (a restore in this process, or shutting down)."""
    kept = getattr(_KEPT, "connections", None) or {}
    while kept:
        _close_quietly(kept.popitem()[1][0])


def _file_identity(path: str) -> tuple[int, int] | None:
    """Return what tells one file at path from another that replaced it."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _close_quietly(db: sqlite_utils.Database) -> None:
    """Close a connection that is no longer wanted; a failure here must not fail a request."""
    with suppress(sqlite3.Error):
        db.close()


def init_app(app) -> None:
    """Register connection teardown with the app."""
    app.teardown_appcontext(close_db)
