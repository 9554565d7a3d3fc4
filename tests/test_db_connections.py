"""The app keeps one connection per thread between requests, and never carries anything wrong across them."""
from __future__ import annotations

import os
import threading

from surveyapp.storage.db import connect, get_db, kept_connection

from .conftest import copy_database


def organisation_names(app) -> set[str]:
    """Read the organisations through the app's own connection, as a request would."""
    with app.app_context():
        return {row[0] for row in get_db().execute("SELECT name FROM organisations")}


def test_requests_share_the_threads_connection_and_other_threads_get_their_own(app):
    with app.app_context():
        first = get_db()
    with app.app_context():
        assert get_db() is first
    seen = []
    thread = threading.Thread(target=lambda: seen.append(kept_connection(app.config["DATABASE"])))
    thread.start()
    thread.join()
    assert seen[0] is not first


def test_a_database_file_put_in_place_of_the_old_one_is_read_at_once(app, db, tmp_path):
    db.execute("INSERT INTO organisations (name, area, sector) VALUES ('Before (fictional)', 'Angus', 'NHS')")
    assert "Before (fictional)" in organisation_names(app)  # the app's connection now exists
    replacement = tmp_path / "replacement.sqlite"
    copy_database(app.config["DATABASE"], replacement)
    other = connect(replacement)
    other.execute("INSERT INTO organisations (name, area, sector) VALUES ('After (fictional)', 'Angus', 'NHS')")
    other.close()
    db.close()
    # what a restore does: one rename puts another file at the database's path
    os.replace(replacement, app.config["DATABASE"])
    for leftover in ("-wal", "-shm"):
        if os.path.exists(app.config["DATABASE"] + leftover):
            os.remove(app.config["DATABASE"] + leftover)
    assert "After (fictional)" in organisation_names(app)


def test_a_transaction_left_open_by_a_request_is_rolled_back_when_it_ends(app, db):
    with app.app_context():
        conn = get_db()
        conn.conn.execute("BEGIN IMMEDIATE")
        conn.conn.execute("INSERT INTO organisations (name, area, sector) VALUES ('Half (fictional)', 'Angus', 'NHS')")
    # the request is over: nothing it left half done is kept, and the write lock is free again
    assert not conn.conn.in_transaction
    db.execute("INSERT INTO organisations (name, area, sector) VALUES ('Next (fictional)', 'Angus', 'NHS')")
    assert organisation_names(app) == {"Next (fictional)"}


def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents_alone(app):
    path = app.config["DATABASE"]
    parent = kept_connection(path)
    parent.execute("INSERT INTO organisations (name, area, sector) VALUES ('Parent (fictional)', 'Angus', 'NHS')")
    pid = os.fork()
    if pid == 0:  # the child, as a `report --all` worker is
        ok = False
        try:
            child = kept_connection(path)
            ok = child is not parent and child.execute("SELECT count(*) FROM organisations").fetchone()[0] == 1
            child.execute("INSERT INTO organisations (name, area, sector) VALUES ('Child (fictional)', 'Angus', 'NHS')")
        finally:
            os._exit(0 if ok else 1)
    assert os.waitpid(pid, 0)[1] == 0
    assert kept_connection(path) is parent
    parent.execute("INSERT INTO organisations (name, area, sector) VALUES ('Parent again (fictional)', 'Angus', 'NHS')")
    assert organisation_names(app) == {"Parent (fictional)", "Child (fictional)", "Parent again (fictional)"}
