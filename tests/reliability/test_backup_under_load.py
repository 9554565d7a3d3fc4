"""`surveyapp backup` while people are saving, and `surveyapp restore` of that backup."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.backup import database_problems
from surveyapp.storage.db import connect

from .live import (
    FRAMEWORKS,
    PROJECT,
    SECRET_KEY,
    Browser,
    answers_for,
    assert_sound,
    csrf_from,
    expected_rows,
    free_port,
    prefill,
    seed,
    start_gunicorn,
    stop_server,
    stored_rows,
)

WRITERS = 8
WORKERS = 2
ORGS_PER_WRITER = 40


def surveyapp(db_path, *args) -> subprocess.CompletedProcess:
    """Run the surveyapp command line against a database, as an operator would."""
    env = {**os.environ, "SURVEYAPP_DATABASE": str(db_path), "SURVEYAPP_SECRET_KEY": SECRET_KEY,
           "SURVEYAPP_FRAMEWORKS": str(FRAMEWORKS)}
    return subprocess.run([sys.executable, "-c", "from surveyapp.cli.main import main; main()", *args],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60)


def writer(port, email, orgs, round_id, framework, ready, stop, saves):
    """Save every page of one draft after another, noting when each save was acknowledged."""
    browser = Browser(port)
    browser.sign_in(email)
    token = csrf_from(browser.get("/").body)
    ready.wait()
    for org in orgs:
        base = f"/rounds/{round_id}/organisations/{org}"
        for version, domain in enumerate(framework.domains, start=1):
            if stop.is_set():
                return
            fields = answers_for(domain, f"{email}/{org}/{domain.id}")
            reply = browser.post(f"{base}/domains/{domain.id}", {
                **fields, "action": "continue", "version": version, "csrf_token": token})
            assert reply.status == 302, (reply.status, reply.body[:300])
            saves[(email, org, domain.id)] = time.monotonic()


def read_only(path) -> sqlite3.Connection:
    """Open a database without changing it, not even its journal mode."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def dump(path) -> dict:
    """Return every response, status and answer in a database, for comparing two files."""
    conn = read_only(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in ("responses", "domain_status", "answers")}
    finally:
        conn.close()


@pytest.mark.slow
def test_backup_while_writing_holds_everything_acknowledged_and_restores(tmp_path):
    db_path, log, backup_path = tmp_path / "live.sqlite", tmp_path / "gunicorn.log", tmp_path / "backup.sqlite"
    data = seed(db_path, WRITERS, ORGS_PER_WRITER)
    round_id = data["round_id"]
    with connect(db_path) as db:
        framework = framework_for_round(db, round_id)
    ids = prefill(db_path, round_id, framework, data["people"], domains=[])  # empty drafts
    port = free_port()
    server = start_gunicorn(db_path, port, WORKERS, log)
    saves, ready, stop = {}, threading.Barrier(WRITERS + 1), threading.Event()
    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            futures = [pool.submit(writer, port, email, orgs, round_id, framework, ready, stop, saves)
                       for email, orgs in data["people"]]
            ready.wait(timeout=60)
            time.sleep(2)
            backup_started = time.monotonic()
            made = surveyapp(db_path, "backup", "-o", str(backup_path))
            backup_done = time.monotonic()
            time.sleep(1)
            stop.set()
            for future in futures:
                future.result(timeout=60)
    finally:
        stop_server(server)
    assert made.returncode == 0, made.stderr
    before = {key for key, at in saves.items() if at < backup_started}
    during = [key for key, at in saves.items() if backup_started <= at <= backup_done]
    print(f"\nbackup took {backup_done - backup_started:.1f}s; {len(before)} saves acknowledged before it, "
          f"{len(during)} while it ran, {len(saves)} in all")
    assert before and during  # the writers really were writing while the backup ran

    assert database_problems(backup_path) == []
    copy = read_only(backup_path)
    try:
        assert_sound(copy)
        for email, org, domain_id in before:
            domain = framework.domain(domain_id)
            assert stored_rows(copy, ids[(email, org)], domain_id) == expected_rows(
                domain, answers_for(domain, f"{email}/{org}/{domain_id}"))
        by_id = {response_id: key for key, response_id in ids.items()}
        for response_id, domain_id in copy.execute("SELECT response_id, domain_id FROM domain_status").fetchall():
            email, org = by_id[response_id]
            domain = framework.domain(domain_id)
            assert stored_rows(copy, response_id, domain_id) == expected_rows(
                domain, answers_for(domain, f"{email}/{org}/{domain_id}"))
    finally:
        copy.close()

    # restore, with the app stopped: the live database becomes the backup again
    latest = dump(db_path)
    backed_up = dump(backup_path)
    assert latest != backed_up  # later saves exist only in the live database
    restored = surveyapp(db_path, "restore", str(backup_path))
    assert restored.returncode == 0, restored.stderr
    assert dump(db_path) == backed_up
    kept = next(tmp_path.glob("live.sqlite.before-restore-*"))
    assert dump(kept) == latest  # and what it replaced was kept
    with connect(db_path) as db:
        assert_sound(db.conn)
