"""SQLite connections: one per request, always durable, never silently weak.

Every connection runs with WAL, synchronous=FULL, foreign keys and a busy
timeout; `connect` refuses to hand out a connection where any of those did
not take effect, because a lost acknowledged answer is the worst failure.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from flask import current_app, g

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
    """Return this request's connection, opening it on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(exc=None) -> None:
    """Close this request's connection, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app) -> None:
    """Register connection teardown with the app."""
    app.teardown_appcontext(close_db)
