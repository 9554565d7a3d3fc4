"""The import worker killed half way (a real process, SIGKILL): the database is exactly as before; run again,
the import completes once."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.db import connect
from tests.conftest import PROJECT, csrf_token, sign_in
from tests.imports.helpers import post_file, response_rows, to_csv

SURVEYAPP = Path(sys.executable).parent / "surveyapp"  # the installed console script of this venv


def snapshot(path) -> dict:
    """Return every row of every table but the job queue, to compare before and after."""
    db = connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT IN ('import_jobs', 'sqlite_sequence')")]
        # every column in order: some tables (the maintained statistics) have no rowid
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        db.close()


def job_state(path) -> tuple:
    db = connect(path)
    try:
        return db.execute("SELECT state, stage, rows_done, attempts FROM import_jobs").fetchone()
    finally:
        db.close()


def start(path, *args, output=subprocess.DEVNULL) -> subprocess.Popen:
    env = {**os.environ, "SURVEYAPP_DATABASE": str(path), "SURVEYAPP_SECRET_KEY": "test",
           "SURVEYAPP_FRAMEWORKS": str(PROJECT / "frameworks")}
    return subprocess.Popen([str(SURVEYAPP), "imports", *args], env=env, stdout=output, stderr=output, text=True)


def kill_when(path, proc, ready, timeout=60.0) -> tuple:
    """SIGKILL the worker as soon as ready(job state) holds; return the state seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = job_state(path)
        if ready(state):
            proc.send_signal(signal.SIGKILL)
            proc.wait()  # reaped: its process id is gone, as after any crash
            return state
        assert proc.poll() is None, "the worker stopped by itself"
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    raise AssertionError(f"the worker never reached the state wanted; last {job_state(path)}")


def test_a_killed_worker_leaves_nothing_and_the_rerun_imports_once(app, client, db, make_user, make_round):
    path = app.config["DATABASE"]
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    make_user("facilitator@example.org", role="facilitator", areas=["*"])
    rows = []
    for n in range(450):  # about 16,000 rows: queued, not run inside the request
        rows += response_rows(framework, f"Organisation {n // 10} (fictional)", ("Dundee City", "Angus")[n // 10 % 2],
                              "Third sector", f"paper {n % 10}")
    data = to_csv(rows).encode()
    sign_in(client, "facilitator@example.org")
    page = client.get("/imports/responses").get_data(as_text=True)
    uploaded = post_file(client, "/imports/responses", {"round_id": str(round_id),
                                                        "file": (io.BytesIO(data), "big.csv"),
                                                        "csrf_token": csrf_token(page)})
    assert uploaded.status_code == 303
    assert job_state(path)[0] == "queued"
    before = snapshot(path)

    # killed while checking the rows
    seen = kill_when(path, start(path, "worker", "--interval", "0.2"), lambda s: s[1] == "checking" and s[2] > 0)
    assert seen[2] < len(rows)
    assert snapshot(path) == before
    assert "Checked" in client.get(uploaded.location).get_data(as_text=True), "the page shows progress"

    # killed while saving them, inside the one write transaction
    kill_when(path, start(path, "worker", "--interval", "0.2"), lambda s: s[1] == "saving")
    assert job_state(path)[0] == "running", "killed before the write committed"
    assert snapshot(path) == before, "the database is exactly as before"

    # the same file uploaded again is the same job, not a second import
    page = client.get("/imports/responses").get_data(as_text=True)
    again = post_file(client, "/imports/responses", {"round_id": str(round_id),
                                                     "file": (io.BytesIO(data), "big.csv"),
                                                     "csrf_token": csrf_token(page)})
    assert again.location == uploaded.location

    # run again: it completes, once
    done = start(path, "run", output=subprocess.PIPE)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert "450 submitted responses" in out
    assert job_state(path)[:1] == ("done",) and job_state(path)[3] == 3
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 450
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == len(rows)
    assert "Import complete" in client.get(uploaded.location).get_data(as_text=True)
    rerun = start(path, "run", output=subprocess.PIPE)
    assert "No imports are waiting" in rerun.communicate(timeout=60)[0]
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 450
