"""The command line: database set-up, framework checks, organisations, rounds, demo."""
from __future__ import annotations

import shutil

from surveyapp.storage.db import connect
from surveyapp.storage.migrations import migrations

from .conftest import PROJECT
from .test_framework_loader import VALID


def test_init_db_is_idempotent(app, runner, db):
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    schema = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0 and "already up to date" in second.output
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert [m.name for m in migrations.applied(db)] == [m.name for m in migrations._migrations]
    assert migrations.pending(db) == []


def test_connections_are_durable(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_frameworks_check_reports_file_line_and_path(runner, tmp_path):
    good = tmp_path / "tip-v1.yaml"
    good.write_text(VALID)
    bad = tmp_path / "bad-v1.yaml"
    bad.write_text(VALID.replace("id: tip", "id: bad").replace("scale: fourpoint\n        evidence", "scale: five\n        evidence"))
    ok = runner.invoke(args=["frameworks", "check", str(good)])
    assert ok.exit_code == 0
    assert ok.output.strip().endswith("ok: tip@1 'Trauma-informed leadership', 2 domains, 3 indicators")
    failed = runner.invoke(args=["frameworks", "check", str(good), str(bad)])
    assert failed.exit_code == 1
    assert f"{bad}:26: domains[0].indicators[0].scale: unknown scale 'five'" in failed.output


def test_frameworks_check_defaults_to_the_shipped_folder(runner):
    result = runner.invoke(args=["frameworks", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok: ") == len(list((PROJECT / "frameworks").glob("*.yaml")))


def test_frameworks_list(runner):
    result = runner.invoke(args=["frameworks", "list"])
    assert "strategic-planning@1\tStrategic planning self-assessment" in result.output


def test_orgs_import_accepts_good_rows_and_refuses_a_file_with_errors(runner, db, tmp_path):
    good = tmp_path / "orgs.csv"
    good.write_text("name,area,sector\nAlpha (fictional),Angus,Third sector\nBeta (fictional),dundee city,council\n")
    result = runner.invoke(args=["orgs", "import", str(good)])
    assert result.exit_code == 0 and "Imported 2 organisations" in result.output
    assert db.execute("SELECT area, sector FROM organisations WHERE name = 'Beta (fictional)'").fetchone() == (
        "Dundee City", "Local authority")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,area,sector\nGamma (fictional),Angus,NHS\nDelta (fictional),Fife,NHS\n")
    result = runner.invoke(args=["orgs", "import", str(bad)])
    assert result.exit_code == 2, "bad input"
    assert "line 3, column area: unknown area 'Fife'" in result.output
    assert db.execute("SELECT count(*) FROM organisations").fetchone()[0] == 2


def test_rounds_create_and_list(runner, db):
    created = runner.invoke(args=["rounds", "create", "--framework", "mat-standards", "--title", "Autumn",
                                  "--opens", "2026-09-01", "--closes", "2026-12-01"])
    assert created.exit_code == 0, created.output
    round_id = int(created.output.strip())
    listing = runner.invoke(args=["rounds", "list"]).output
    assert f"{round_id}\tmat-standards\t3\tAutumn\topen\t0" in listing  # the latest version by default
    bad = runner.invoke(args=["rounds", "create", "--framework", "nope", "--title", "X"])
    assert bad.exit_code != 0 and "no registered framework nope" in bad.output
    backwards = runner.invoke(args=["rounds", "create", "--framework", "mat-standards", "--title", "X",
                                    "--opens", "2026-12-01", "--closes", "2026-09-01"])
    assert backwards.exit_code != 0 and "before the opening date" in backwards.output


def test_demo_loads_fictional_data_once(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    names = [r[0] for r in db.execute("SELECT name FROM organisations")]
    assert names and all(n.endswith("(fictional)") for n in names)
    areas = {r[0] for r in db.execute("SELECT DISTINCT area FROM organisations")}
    assert {"Dundee City", "Angus", "Perth and Kinross"} <= areas
    sectors = {r[0] for r in db.execute("SELECT DISTINCT sector FROM organisations")}
    assert len(sectors) == 7
    counts = db.execute("SELECT count(*) FROM answers").fetchone()[0]
    again = runner.invoke(args=["demo"])
    assert "already loaded" in again.output
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == counts


def test_demo_is_deterministic(tmp_path):
    from surveyapp.cli.main import prepare_database
    from surveyapp.demo.data import load_demo

    results = []
    for name in ("a.sqlite", "b.sqlite"):
        db = connect(tmp_path / name)
        prepare_database(db, str(PROJECT / "frameworks"))
        load_demo(db)
        results.append(db.execute(
            "SELECT r.organisation_id, r.respondent, a.indicator_id, a.value, a.option FROM answers a "
            "JOIN responses r ON r.id = a.response_id ORDER BY 1, 2, 3").fetchall())
        db.close()
    assert results[0] == results[1] and len(results[0]) > 1000


def test_changing_a_framework_with_responses_is_refused(app, runner, db, tmp_path, make_org, make_round):
    folder = tmp_path / "frameworks"
    shutil.copytree(PROJECT / "frameworks", folder)
    app.config["FRAMEWORKS_DIR"] = str(folder)
    from surveyapp.assessments.rounds import create_round

    round_id = create_round(db, "enabling-system@1", "Test round")  # v1: the shipped v2 has no responses
    org = make_org()
    db.execute("INSERT INTO responses (round_id, organisation_id, respondent) VALUES (?, ?, 'x')", [round_id, org])
    path = folder / "enabling-system-v1.yaml"
    original = path.read_text()
    edited = original.replace("title: Leadership for an enabling system", "title: Changed title", 1)
    assert edited != original
    path.write_text(edited)
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 1
    assert "version 1 already has responses" in result.output and "version 2" in result.output
    assert db.execute("SELECT title FROM framework_versions WHERE key = 'enabling-system@1'").fetchone()[0] == \
        "Leadership for an enabling system"
    # the same change as a new version is accepted, and both versions stay loadable
    path.write_text(original)
    (folder / "enabling-system-v4.yaml").write_text(edited.replace("version: 1", "version: 4", 1))
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    from surveyapp.frameworks.registry import get_framework

    assert get_framework(db, "enabling-system@1").title == "Leadership for an enabling system"
    assert get_framework(db, "enabling-system@4").title == "Changed title"


def test_a_framework_without_responses_can_still_be_corrected(app, runner, db, tmp_path):
    folder = tmp_path / "frameworks"
    shutil.copytree(PROJECT / "frameworks", folder)
    app.config["FRAMEWORKS_DIR"] = str(folder)
    path = folder / "enabling-system-v1.yaml"
    from surveyapp.frameworks.registry import get_framework

    assert get_framework(db, "enabling-system@1").title == "Leadership for an enabling system"  # now kept
    path.write_text(path.read_text().replace("title: Leadership for an enabling system", "title: Fixed typo", 1))
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert db.execute("SELECT title FROM framework_versions WHERE key = 'enabling-system@1'").fetchone()[0] == "Fixed typo"
    # the running app sees the correction at once: the kept copy is keyed by content hash
    assert get_framework(db, "enabling-system@1").title == "Fixed typo"
