"""The queue of import jobs: an uploaded file waits here until a background worker runs it.

A job's own data write and the job's move to 'done' are one transaction (the
importer calls `finish` inside it), so a worker killed at any point leaves
either everything or nothing, and a job that is retried after a crash can only
complete once. Progress is committed in short transactions of its own while
the file is checked; the final write holds the database's one write lock, so
no progress can be seen during it (the status page says "saving").
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket

from surveyapp.storage.db import first_row, write_transaction
from surveyapp.storage.timestamps import iso, parse, utc_now

STALE_AFTER = dt.timedelta(minutes=10)  # a worker on another host silent this long has stopped
MAX_ATTEMPTS = 3                         # a file that stops its worker three times is failed, not retried again


def worker_name() -> str:
    """Return this process's name in claims: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def create_job(db, kind: str, content: bytes, *, filename: str = "", round_id: int | None = None,
               user_id: int | None = None) -> tuple[int, bool]:
    """Queue a file; return (job id, True), or (the id of the same file already waiting, False)."""
    digest = hashlib.sha256(content).hexdigest()
    with write_transaction(db):
        same = db.execute(
            "SELECT id FROM import_jobs WHERE sha256 = ? AND kind = ? AND round_id IS ? "
            "AND state IN ('queued', 'running')", [digest, kind, round_id]).fetchone()
        if same:
            return same[0], False
        job_id = db.execute(
            "INSERT INTO import_jobs (kind, round_id, user_id, filename, content, sha256) VALUES (?, ?, ?, ?, ?, ?)",
            [kind, round_id, user_id, filename[:200], content, digest]).lastrowid
    return job_id, True


def get_job(db, job_id: int) -> dict | None:
    """Return a job without its file content, its result decoded."""
    job = first_row(db, "SELECT id, kind, round_id, user_id, filename, state, stage, rows_total, rows_done, "
                        "attempts, claimed_by, heartbeat_at, result, created_at, finished_at "
                        "FROM import_jobs WHERE id = ?", [job_id])
    if job is not None:
        job["result"] = json.loads(job["result"]) if job["result"] else None
    return job


def job_content(db, job_id: int) -> bytes | None:
    """Return the file a job imports (None once it has finished)."""
    row = db.execute("SELECT content FROM import_jobs WHERE id = ?", [job_id]).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def _abandoned(job: dict, now: dt.datetime) -> bool:
    """Return True when the worker that claimed a running job has stopped."""
    host, _, pid = (job["claimed_by"] or ":").rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return False  # this process: a thread of ours is running it
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, under another user
    return job["heartbeat_at"] is None or now - parse(job["heartbeat_at"]) > STALE_AFTER


def claim_next(db, worker: str | None = None, job_id: int | None = None) -> dict | None:
    """Take the oldest queued job, or job_id if it is queued (first putting back any whose worker died);
    None when there is none."""
    worker = worker or worker_name()
    now = utc_now()
    with write_transaction(db):
        for job in db.execute("SELECT id, claimed_by, heartbeat_at, attempts FROM import_jobs "
                              "WHERE state = 'running'").fetchall():
            job = dict(zip(("id", "claimed_by", "heartbeat_at", "attempts"), job))
            if not _abandoned(job, now):
                continue
            if job["attempts"] >= MAX_ATTEMPTS:
                _finish(db, job["id"], "failed", {"problems": [], "count": 0, "message": (
                    f"The import stopped {job['attempts']} times before it finished, so it was not tried "
                    "again. Nothing was imported. Ask your administrator to look at the server's log.")})
            else:
                db.execute("UPDATE import_jobs SET state = 'queued', claimed_by = NULL WHERE id = ?", [job["id"]])
        row = db.execute("SELECT id FROM import_jobs WHERE state = 'queued' AND (? IS NULL OR id = ?) "
                         "ORDER BY id LIMIT 1", [job_id, job_id]).fetchone()
        if row is None:
            return None
        db.execute("UPDATE import_jobs SET state = 'running', stage = 'checking', rows_done = 0, "
                   "attempts = attempts + 1, claimed_by = ?, heartbeat_at = ? WHERE id = ?",
                   [worker, iso(now), row[0]])
    return get_job(db, row[0])


def set_progress(db, job_id: int, stage: str, done: int, total: int | None) -> None:
    """Record how far a running job has got, in a transaction of its own."""
    with write_transaction(db):
        db.execute("UPDATE import_jobs SET stage = ?, rows_done = ?, rows_total = ?, heartbeat_at = ? "
                   "WHERE id = ? AND state = 'running'", [stage, done, total, iso(utc_now()), job_id])


def _finish(db, job_id: int, state: str, result: dict) -> None:
    db.execute("UPDATE import_jobs SET state = ?, stage = '', result = ?, content = NULL, finished_at = ? "
               "WHERE id = ?", [state, json.dumps(result), iso(utc_now()), job_id])


class JobLost(RuntimeError):
    """Another worker took the job over (this one was thought to have stopped): its write must not count."""


def finish(db, job: dict, result: dict) -> None:
    """Mark a job done; call inside the transaction that writes its data, so both happen or neither."""
    still_ours = db.execute("SELECT 1 FROM import_jobs WHERE id = ? AND state = 'running' AND claimed_by IS ?",
                            [job["id"], job["claimed_by"]]).fetchone()
    if not still_ours:
        raise JobLost(f"import job {job['id']} was taken over by another worker")
    _finish(db, job["id"], "done", result)


def fail(db, job_id: int, result: dict) -> None:
    """Mark a job failed with the problems found; nothing of its file was written."""
    with write_transaction(db):
        _finish(db, job_id, "failed", result)


def jobs_for_user(db, user_id: int, limit: int = 20) -> list[dict]:
    """Return a person's most recent jobs, newest first."""
    ids = [r[0] for r in db.execute("SELECT id FROM import_jobs WHERE user_id = ? ORDER BY id DESC LIMIT ?",
                                    [user_id, limit]).fetchall()]
    return [get_job(db, i) for i in ids]
