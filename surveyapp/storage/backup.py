"""Consistent backups of the live database, and restores that check before they replace.

A backup uses SQLite's online backup API in a single step, which reads one
snapshot inside one read transaction: writers carry on (WAL lets them), and
the copy holds exactly the transactions committed when it began. Copying
the file instead could miss whatever still sits in the -wal file, or catch
it half written.

A restore copies the backup to a temporary file beside the database,
checks that copy (integrity, foreign keys, that it is a surveyapp database
whose migrations this version knows), keeps a copy of the database it is
about to replace, then swaps the checked file in with one atomic rename.

Stop the app before restoring. A running app keeps its connections open
(surveyapp.db), and a connection keeps writing to the file it opened, while
SQLite's -wal and -shm files are named after the path, not the file. The
restore refuses to run while any connection has the database open; after
it, the app's connections notice the new file and open it.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from surveyapp.storage.db import connect
from surveyapp.storage.light_sqlite_utils import sqlite_utils
from surveyapp.storage.migrations import migrations

LOCK_WAIT_SECONDS = 2  # how long a restore waits for the database to be free


class BackupError(Exception):
    """A backup or restore was refused; the message says why, for the operator."""


def backup(source: str | Path, output: str | Path) -> Path:
    """Write a consistent, checked copy of the database at source to output."""
    source, output = Path(source), Path(output)
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    if output.exists():
        raise BackupError(f"{output} already exists; choose a new file name")
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_beside(output)
    try:
        live = connect(source)
        try:
            _copy(live.conn, temp)
        finally:
            live.close()
        problems = database_problems(temp)
        if problems:
            raise BackupError(f"the copy of {source} failed its checks: {'; '.join(problems)}")
        os.replace(temp, output)
        _sync_directory(output.parent)
    finally:
        temp.unlink(missing_ok=True)
    return output


def restore(backup_file: str | Path, target: str | Path) -> Path | None:
    """Check backup_file and put it in place of target; return where the old database was kept."""
    backup_file, target = Path(backup_file), Path(target)
    if not backup_file.is_file():
        raise BackupError(f"there is no backup file at {backup_file}")
    if target.exists() and backup_file.resolve() == target.resolve():
        raise BackupError(f"{backup_file} is the database itself; restore from a backup file")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_beside(target)
    try:
        try:
            source = sqlite3.connect(f"file:{quote(str(backup_file.resolve()))}?mode=ro", uri=True)
            try:
                _copy(source, temp)
            finally:
                source.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{backup_file} is not a readable SQLite database ({exc})") from None
        problems = database_problems(temp)
        if problems:
            raise BackupError(f"refusing to restore {backup_file}: {'; '.join(problems)}")
        return _swap_in(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def database_problems(path: str | Path) -> list[str]:
    """Return what is wrong with a database file as a surveyapp database; empty when sound."""
    conn = sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=ro", uri=True)
    try:
        try:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            return [f"it is not a readable SQLite database ({exc})"]
        if integrity != ["ok"]:
            return ["the integrity check failed: " + "; ".join(integrity[:5])]
        problems = []
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
        if orphans:
            tables = sorted({row[0] for row in orphans})
            problems.append(f"{len(orphans)} rows point at rows that do not exist (in {', '.join(tables)})")
        problems += _migration_problems(sqlite_utils.Database(conn, execute_plugins=False))
        return problems
    finally:
        conn.close()


def _migration_problems(db: sqlite_utils.Database) -> list[str]:
    """Say whether db is a surveyapp database whose every migration this version knows."""
    applied = [m.name for m in migrations.applied(db)]
    if not applied:
        return ["it is not a surveyapp database (no surveyapp migrations recorded)"]
    # every migration is pending on an empty database: that is the known list
    empty = sqlite_utils.Database(memory=True, execute_plugins=False)
    try:
        known = {m.name for m in migrations.pending(empty)}
    finally:
        empty.close()
    unknown = [name for name in applied if name not in known]
    if unknown:
        return [f"it was made by a newer version of surveyapp (unknown migrations: {', '.join(unknown)})"]
    return []


def _copy(source: sqlite3.Connection, destination: Path) -> None:
    """Copy a database with the backup API into a new self-contained, synced file."""
    target = sqlite3.connect(destination)
    try:
        # one step (pages=-1): one read transaction, so one consistent snapshot
        source.backup(target, pages=-1)
        # a plain rollback-journal file: the copy must not depend on a -wal beside it
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    _sync_file(destination)


def _swap_in(temp: Path, target: Path) -> Path | None:
    """Put temp in place of target by one rename, keeping target as it was; return the kept copy."""
    if not target.exists():
        os.replace(temp, target)
        _sync_directory(target.parent)
        return None
    holder = sqlite3.connect(target, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
    try:
        try:
            # Leaving WAL needs the only connection to the file: this proves
            # the app is not using it, and folds the -wal into it and removes it.
            holder.execute("PRAGMA journal_mode=DELETE")
            # an empty file (the app's start-up check creates one) is not worth keeping
            empty = holder.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            kept = None if empty else _keep(holder, target)
            holder.execute("BEGIN EXCLUSIVE")  # no one starts on the old file mid-swap
        except sqlite3.DatabaseError as exc:
            raise _cannot_replace(target, exc) from None
        os.replace(temp, target)
        for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}-journal")):
            leftover.unlink(missing_ok=True)
        _sync_directory(target.parent)
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    return kept


def _cannot_replace(target: Path, exc: sqlite3.DatabaseError) -> BackupError:
    """Explain why the current database cannot be swapped out safely."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == sqlite3.SQLITE_BUSY:
        return BackupError(f"{target} is in use: stop the app, then restore again")
    return BackupError(f"{target} cannot be replaced safely ({exc}); stop the app, move it and any -wal "
                       "or -shm file beside it elsewhere, then restore again")


def _keep(holder: sqlite3.Connection, target: Path) -> Path:
    """Copy the database about to be replaced, unchecked (it may be why we restore)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    temp = _temp_beside(kept)
    try:
        _copy(holder, temp)
        os.replace(temp, kept)
    except (OSError, sqlite3.DatabaseError) as exc:
        raise BackupError(f"could not keep a copy of the current database ({exc}); "
                          f"move {target} aside yourself, then restore again") from None
    finally:
        temp.unlink(missing_ok=True)
    return kept


def _temp_beside(path: Path) -> Path:
    """Name a temporary file in the same folder, so the final rename is atomic."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _sync_file(path: Path) -> None:
    """Flush a file's contents to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_directory(path: Path) -> None:
    """Flush a folder's entries to disk, so a rename survives a power cut."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
