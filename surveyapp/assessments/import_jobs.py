"""Run queued imports: check the whole file, then write all of it in one transaction, or nothing.

`run_job` does one job; `work_once` claims the next and runs it. The web pages
queue jobs and a worker (`surveyapp imports worker`, or the thread the web app
starts) runs them, so no import happens inside a request that can time out.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext

from flask import current_app, has_app_context

from surveyapp.accounts.audit import record
from surveyapp.accounts.organisations import check_organisations_file, upsert_organisations
from surveyapp.accounts.people_file import check_people_file
from surveyapp.accounts.permissions import can_administer, covers_area
from surveyapp.accounts.users import account_id_by_email, create_user, get_user
from surveyapp.assessments.answers_csv import ImportConflict, check_responses_file, write_responses
from surveyapp.assessments.rounds import get_round
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage import jobs
from surveyapp.storage.db import connect, write_transaction
from surveyapp.storage.text_files import describe_mapping

log = logging.getLogger(__name__)
KINDS = ("organisations", "people", "responses")
PROGRESS_SECONDS = 0.5  # at most this often a progress write, so checking is not slowed by them

# Primary SQLite result code -> why the write failed, in words that finish "... because"
STORAGE_FAULTS = {
    sqlite3.SQLITE_FULL: "the server ran out of storage space",
    sqlite3.SQLITE_IOERR: "the server could not write to its storage",
    sqlite3.SQLITE_READONLY: "the database cannot be changed at the moment",
    sqlite3.SQLITE_BUSY: "the database was busy for too long",
}


def may_import_responses(user: dict | None) -> bool:
    """Return True for the people who may upload responses: facilitators and administrators."""
    return bool(user) and user["active"] and user["role"] in ("facilitator", "admin")


def _area_rule(user: dict) -> Callable[[str], bool] | None:
    """Return the check that a row's area is one the uploader covers (None: any area)."""
    if user["role"] == "admin":
        return None
    return lambda area: covers_area(user, area)


class _Progress:
    """Commit a running job's progress now and then."""

    def __init__(self, db, job_id: int, total: int):
        self.db, self.job_id, self.total, self.last = db, job_id, total, 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_SECONDS:
            self.last = now
            jobs.set_progress(self.db, self.job_id, "checking", done, max(self.total, done))


def _problems_result(problems, message: str) -> dict:
    return {**problems.as_result(), "message": message}


def _fault_result(exc: sqlite3.Error) -> dict:
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    why = STORAGE_FAULTS.get(code & 0xFF, "of a problem with the database")
    return {"problems": [], "count": 0,
            "message": f"Nothing was imported because {why}. Ask your administrator, then upload the file again."}


def _audit(db, job: dict, detail: str) -> None:
    """Record the import in the audit log, in the transaction that writes it."""
    user = get_user(db, job["user_id"]) if job["user_id"] else None
    record(db, f"{job['kind']}.imported", user_id=user["id"] if user else None,
           user_email=user["email"] if user else None, detail=detail)


def _run_organisations(db, job: dict, content: bytes, progress) -> dict:
    checked = check_organisations_file(content, progress)
    if checked.problems:
        return {"failed": _problems_result(checked.problems, "Nothing was imported: the file has problems.")}
    jobs.set_progress(db, job["id"], "saving", checked.rows, checked.rows)
    names = {r["name"] for r in checked.records}
    existing = {r[0] for r in db.execute("SELECT name FROM organisations").fetchall()} & names
    result = {"summary": [f"{len(names) - len(existing):,} organisations added",
                          f"{len(existing):,} organisations already listed had their area and sector updated"],
              "mappings": [describe_mapping(m) for m in checked.mappings.as_list()],
              "rows": checked.rows}
    with write_transaction(db):
        upsert_organisations(db, checked.records)
        jobs.finish(db, job, result)
        _audit(db, job, f"{len(names)} organisations from import job {job['id']}")
    return {"done": result}


def _run_responses(db, job: dict, content: bytes, progress) -> dict:
    user = get_user(db, job["user_id"]) if job["user_id"] else None
    round_row = get_round(db, job["round_id"]) if job["round_id"] else None
    if not may_import_responses(user) or round_row is None:
        return {"failed": {"problems": [], "count": 0, "message": (
            "Nothing was imported: the account that uploaded the file can no longer import responses, "
            "or the round no longer exists.")}}
    framework = framework_for_round(db, round_row["id"])
    checked = check_responses_file(db, round_row["id"], framework, content, progress, _area_rule(user))
    if checked.problems:
        return {"failed": _problems_result(checked.problems, "Nothing was imported: the file has problems.")}
    jobs.set_progress(db, job["id"], "saving", checked.rows, checked.rows)
    answers = sum(len(a) for a in checked.responses.values())
    result = {"summary": [f"{len(checked.responses):,} submitted responses with {answers:,} answers "
                          f"imported into {round_row['title']}"]
              + ([f"{len(checked.new_organisations):,} organisations added: "
                  + ", ".join(checked.new_organisations[:20])
                  + (" and more" if len(checked.new_organisations) > 20 else "")]
                 if checked.new_organisations else []),
              "mappings": [describe_mapping(m) for m in checked.mappings.as_list()],
              "rows": checked.rows}
    try:
        with write_transaction(db):
            write_responses(db, round_row["id"], framework, checked.responses)
            jobs.finish(db, job, result)
            _audit(db, job, f"{len(checked.responses)} responses into round {round_row['id']} "
                            f"from import job {job['id']}")
    except ImportConflict as exc:
        return {"failed": {"problems": [], "count": 0,
                           "message": f"Nothing was imported: {exc} (it arrived while the file was checked)."}}
    return {"done": result}


def _run_people(db, job: dict, content: bytes, progress) -> dict:
    """Create and invite the people in a file (accounts.people_file), all in one transaction, or none.

    The invitation (its message and single-use link) is written by the web layer's
    `surveyapp.invite` through this job's own connection, inside the transaction below.
    """
    user = get_user(db, job["user_id"]) if job["user_id"] else None
    if not (user and user["active"] and can_administer(user)):
        return {"failed": {"problems": [], "count": 0, "message": (
            "Nothing was imported: the account that uploaded the file can no longer add people.")}}
    invite = current_app.extensions.get("surveyapp.invite") if has_app_context() else None
    if invite is None:
        return {"failed": {"problems": [], "count": 0, "message": (
            "Nothing was imported: the invitations cannot be written here. Upload the file again.")}}
    checked = check_people_file(db, content)
    if checked.problems:
        return {"failed": _problems_result(checked.problems, "Nothing was imported: the file has problems.")}
    jobs.set_progress(db, job["id"], "saving", checked.rows, checked.rows)
    result = {"summary": [f"{len(checked.records):,} people invited: each has been sent a link to set "
                          "their own password"],
              "mappings": [describe_mapping(m) for m in checked.mappings.as_list()],
              "rows": checked.rows}
    try:
        with write_transaction(db):
            for person in checked.records:
                if account_id_by_email(db, person["email"]):
                    raise ImportConflict(f"an account with the email {person['email']} was added")
                user_id = create_user(db, **person)
                invite(user_id, db=db, inviter=user)
                record(db, "user.created", user_id=user["id"], user_email=user["email"],
                       detail=f"user {user_id} ({person['email']}) as {person['role']}, invited from "
                              f"import job {job['id']}")
            jobs.finish(db, job, result)
            _audit(db, job, f"{len(checked.records)} people from import job {job['id']}")
    except ImportConflict as exc:
        return {"failed": {"problems": [], "count": 0,
                           "message": f"Nothing was imported: {exc} (it arrived while the file was checked)."}}
    return {"done": result}


RUNNERS = {"organisations": _run_organisations, "people": _run_people, "responses": _run_responses}


def run_job(db, job: dict) -> dict:
    """Run one claimed job to the end; return the job as it finished."""
    content = jobs.job_content(db, job["id"])
    try:
        if content is None:
            outcome = {"failed": {"problems": [], "count": 0, "message": "The uploaded file is no longer there."}}
        else:
            total = content.count(b"\n")
            jobs.set_progress(db, job["id"], "checking", 0, total)
            outcome = RUNNERS[job["kind"]](db, job, content, _Progress(db, job["id"], total))
    except jobs.JobLost:
        return jobs.get_job(db, job["id"])  # the worker that took it over reports it
    except sqlite3.Error as exc:
        log.error("import job %s stopped by a database fault: %s", job["id"], exc, exc_info=exc)
        outcome = {"failed": _fault_result(exc)}
    except Exception as exc:  # the person is told nothing was imported; the detail goes to the log
        log.error("import job %s failed", job["id"], exc_info=exc)
        outcome = {"failed": {"problems": [], "count": 0, "message": (
            "Nothing was imported because of a problem on the server. Ask your administrator.")}}
    if "failed" in outcome:
        try:
            jobs.fail(db, job["id"], outcome["failed"])
        except sqlite3.Error as exc:  # a full disk may refuse even this; the job is retried later
            log.error("import job %s could not be marked failed: %s", job["id"], exc)
    return jobs.get_job(db, job["id"])


def work_once(db) -> dict | None:
    """Claim the next queued job and run it; return it finished, or None when nothing waits."""
    if not db.execute("SELECT 1 FROM import_jobs WHERE state IN ('queued', 'running') LIMIT 1").fetchone():
        return None  # the common case, without taking the write lock
    job = jobs.claim_next(db)
    return run_job(db, job) if job else None


def start_worker_thread(database: str, interval: float = 2.0, app=None) -> threading.Thread:
    """Run queued imports in a daemon thread of this process, on its own connection (inside app's
    context when given: a people import writes its invitations with the web app's templates)."""
    def loop():
        db = connect(database)
        with app.app_context() if app is not None else nullcontext():
            _loop(db)

    def _loop(db):
        while True:
            try:
                while work_once(db):
                    pass
            except Exception as exc:  # keep the thread alive: the next pass may succeed
                log.error("import worker pass failed: %s", exc, exc_info=exc)
            time.sleep(interval)
    thread = threading.Thread(target=loop, name="surveyapp-imports", daemon=True)
    thread.start()
    return thread
