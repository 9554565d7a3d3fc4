"""`surveyapp report`: one answer for a group alone and in --all, no silent overwrite, progress in a log."""
from __future__ import annotations

import pytest

from surveyapp.storage.db import connect
from tests.conftest import copy_database
from tests.report_world import build_report_world

LOCAL_AUTHORITY_HIDDEN = ("sector Local authority: its figures are hidden for someone who knows no organisation's "
                          "results (too few organisations)")


@pytest.fixture(scope="module")
def world_database(tmp_path_factory, prepared_database):
    """The small report world (8 organisations, two rounds) in a database file shared by this module."""
    path = tmp_path_factory.mktemp("reports") / "surveyapp.sqlite"
    copy_database(prepared_database, path)
    db = connect(path)
    world = build_report_world(db)
    db.close()
    return path, world.round_id


@pytest.fixture
def report(cli, world_database):
    path, round_id = world_database
    return lambda *args: cli("report", "--round", str(round_id), *args, database=path)


def test_a_group_with_nothing_to_show_is_skipped_alone_as_with_all(report, tmp_path):
    alone = report("--sector", "local authority", "-o", str(tmp_path / "la.pdf"))
    assert (alone.code, alone.err) == (2, f"Error: no report for {LOCAL_AUTHORITY_HIDDEN}\n")
    assert not (tmp_path / "la.pdf").exists()
    empty = report("--area", "Tayside-wide", "-o", str(tmp_path / "tw.pdf"))
    assert empty.code == 2 and "no report for area Tayside-wide: no organisation in it has submitted responses" in empty.err
    folder = tmp_path / "all"
    batch = report("--all", "--jobs", "2", "-o", str(folder))
    assert batch.code == 0, batch.err
    assert f"Skipped {LOCAL_AUTHORITY_HIDDEN}, so no report.\n" in batch.out
    assert not any("local-authority" in p.name for p in folder.iterdir())
    # not on a terminal (cron, a pipe): a line per report instead of a progress bar
    lines = [line for line in batch.out.splitlines() if line.startswith("Wrote ") and " of " in line]
    assert len(lines) == len(list(folder.glob("*.pdf"))) == 12
    assert sorted(line.rsplit("(", 1)[1] for line in lines) == sorted(f"{n} of 12)" for n in range(1, 13))
    # run again: refused before any work, the reports kept, unless --force
    again = report("--all", "-o", str(folder))
    assert again.code == 2 and "already holds 12 reports for round" in again.err and "--force" in again.err


def test_one_report_refuses_to_overwrite_without_force(report, tmp_path):
    target = tmp_path / "angus.pdf"
    target.write_bytes(b"keep me")
    kept = report("--area", "Angus", "-o", str(target))
    assert kept.code == 2 and f"{target} already exists: give --force to replace it" in kept.err
    assert target.read_bytes() == b"keep me"
    replaced = report("--area", "Angus", "--force", "-o", str(target))
    assert replaced.code == 0 and target.read_bytes().startswith(b"%PDF")


def test_all_into_a_file_is_refused_plainly(report, tmp_path):
    existing = tmp_path / "report.pdf"
    existing.write_bytes(b"not a folder")
    run = report("--all", "-o", str(existing))
    assert (run.code, run.err) == (2, f"Error: {existing} is a file: with --all, -o names a folder to write the "
                                      "reports into\n")
    assert "Traceback" not in run.text
