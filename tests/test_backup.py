"""`surveyapp backup -o FILE` and `surveyapp restore FILE`: consistent copies, checked restores."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from surveyapp.assessments.responses import Answer, save_domain, start_response
from surveyapp.assessments.rounds import create_round
from surveyapp.frameworks.registry import framework_for_round, latest_version_key
from surveyapp.storage.db import connect


def read_only(path) -> sqlite3.Connection:
    """Open a database without changing it, not even its journal mode."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def answers_in(path) -> list[tuple]:
    """Return every stored answer in a database file."""
    conn = read_only(path)
    try:
        return conn.execute("SELECT response_id, indicator_id, value, comment FROM answers ORDER BY 1, 2").fetchall()
    finally:
        conn.close()


def save_first_page(path, level: float, comment: str) -> None:
    """Store one draft page with every rating at one level."""
    with connect(path) as db:
        round_id = db.execute("SELECT max(id) FROM rounds").fetchone()[0]
        framework = framework_for_round(db, round_id)
        response = start_response(db, round_id, 1, "lead@example.org")
        domain = framework.domains[0]
        save_domain(db, response["id"], domain, {i.id: Answer(value=level, comment=comment)
                                                 for i in domain.indicators}, response["version"], True)


@pytest.fixture
def live(app):
    """The app's database with one organisation, round and saved page; no connection left open."""
    path = app.config["DATABASE"]
    with connect(path) as db:
        db.execute("INSERT INTO organisations (name, area, sector) VALUES ('Backup Test Service (fictional)', "
                   "'Angus', 'NHS')")
        create_round(db, latest_version_key(db, "strategic-planning"), "Backup round")
    save_first_page(path, 3.0, "Before the backup")
    return Path(path)


@pytest.fixture
def good_backup(runner, live, tmp_path):
    """A backup of the live database, made with the command."""
    out = tmp_path / "backups" / "surveyapp-backup.sqlite"
    result = runner.invoke(args=["backup", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_backup_is_a_checked_self_contained_copy(good_backup, live, runner):
    assert answers_in(good_backup) == answers_in(live) != []
    conn = read_only(good_backup)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # a plain rollback-journal file: nothing of it lives in a -wal beside it
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert sorted(p.name for p in good_backup.parent.iterdir()) == [good_backup.name]  # no temp files left

    again = runner.invoke(args=["backup", "-o", str(good_backup)])
    assert again.exit_code == 1 and "already exists; choose a new file name" in again.output


def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(good_backup, live, runner):
    backed_up = answers_in(good_backup)
    save_first_page(live, 6.0, "After the backup")
    after = answers_in(live)
    assert after != backed_up

    result = runner.invoke(args=["restore", str(good_backup)])
    assert result.exit_code == 0, result.output
    assert answers_in(live) == backed_up
    kept = next(live.parent.glob(live.name + ".before-restore-*"))
    assert answers_in(kept) == after
    assert f"Kept the database it replaced as {kept}" in result.output
    with connect(live) as db:  # the app opens it as before: WAL and all
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def corrupt_a_page(path: Path) -> None:
    """Overwrite the answers table's first page with junk, as a failing disk might."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'answers'").fetchone()[0]
    conn.close()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(bytes(range(256)) * (page_size // 256))


def orphan_an_answer(path: Path) -> None:
    """Store an answer for a response that does not exist."""
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO answers (response_id, indicator_id, domain_id, value) VALUES (999, 'x', 'y', 1)")
    conn.commit()
    conn.close()


def from_the_future(path: Path) -> None:
    """Record a migration this version of surveyapp has never heard of."""
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('surveyapp', '9999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()


def another_apps_database(path: Path) -> None:
    """Replace the file with a sound SQLite database that is not surveyapp's."""
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()


def not_a_database(path: Path) -> None:
    """Replace the file with text."""
    path.write_text("name,area\nHarbour,Angus\n")


@pytest.mark.parametrize("damage, reason", [
    (corrupt_a_page, ("the integrity check failed", "not a readable SQLite database")),
    (orphan_an_answer, ("1 rows point at rows that do not exist (in answers)",)),
    (from_the_future, ("made by a newer version of surveyapp (unknown migrations: 9999_from_the_future)",)),
    (another_apps_database, ("not a surveyapp database",)),
    (not_a_database, ("not a readable SQLite database",)),
])
def test_restore_refuses_a_bad_file_and_changes_nothing(good_backup, live, runner, damage, reason):
    damage(good_backup)
    before = answers_in(live)
    result = runner.invoke(args=["restore", str(good_backup)])
    assert result.exit_code == 1
    assert any(r in result.output for r in reason), result.output
    assert answers_in(live) == before
    assert [p.name for p in live.parent.iterdir() if p.name.endswith(".tmp") or "before-restore" in p.name] == []


def test_restore_rescues_a_damaged_database(good_backup, live, runner):
    backed_up = answers_in(good_backup)
    corrupt_a_page(live)
    result = runner.invoke(args=["restore", str(good_backup)])
    assert result.exit_code == 0, result.output
    assert answers_in(live) == backed_up
    assert next(live.parent.glob(live.name + ".before-restore-*"))  # the damaged file, kept as it was


def test_restore_refuses_while_the_database_is_open(good_backup, live, runner):
    with connect(live):  # a request in progress, or an app that was not stopped
        result = runner.invoke(args=["restore", str(good_backup)])
    assert result.exit_code == 1
    assert "is in use: stop the app, then restore again" in result.output
    assert answers_in(live) == answers_in(good_backup)
    assert list(live.parent.glob("*before-restore*")) == list(live.parent.glob(".*.tmp")) == []


def test_restore_of_a_missing_file_says_so(runner, live, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nowhere.sqlite")])
    assert result.exit_code == 1 and "there is no backup file at" in result.output
