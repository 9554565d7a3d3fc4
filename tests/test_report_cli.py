"""`surveyapp report`: one PDF where -o says, or every report of a round into a folder."""
from __future__ import annotations

import io

from pypdf import PdfReader

from surveyapp.cli.report_batch import plan_all

from .report_world import ALPHA, build_report_world


def pdf_text(path) -> str:
    """Extract a PDF file's text."""
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_report_writes_one_organisations_pdf_where_asked(runner, db, tmp_path):
    world = build_report_world(db)
    target = tmp_path / "out" / "alpha.pdf"
    result = runner.invoke(args=["report", "--round", str(world.round_id), "--organisation", str(world.alpha),
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {target}" in result.output
    assert ALPHA in pdf_text(target)
    assert [p.name for p in target.parent.iterdir()] == ["alpha.pdf"]


def test_report_all_writes_every_report_with_two_processes(runner, db, tmp_path):
    world = build_report_world(db)
    folder = tmp_path / "all"
    result = runner.invoke(args=["report", "--round", str(world.round_id), "--all", "-o", str(folder),
                                 "--jobs", "2"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    # 8 organisations, 3 areas (each for its own commissioners, who know its organisations) and the
    # Third sector; a sector report may go to anyone, so Local authority (one organisation) is too
    # small, and NHS would give it away beside Tayside and the Third sector
    assert len(names) == 12
    assert f"round-{world.round_id}-area-angus.pdf" in names
    assert f"round-{world.round_id}-sector-third-sector.pdf" in names
    assert ("Skipped sector Local authority: its figures are hidden for someone who knows no organisation's "
            "results (too few organisations), so no report.") in result.output
    assert "with 2 processes" in result.output
    assert "Dundee City" in pdf_text(folder / f"round-{world.round_id}-area-dundee-city.pdf")


def test_report_area_by_name_and_refusals(runner, db, tmp_path):
    world = build_report_world(db)
    target = tmp_path / "angus.pdf"
    ok = runner.invoke(args=["report", "--round", str(world.round_id), "--area", "angus", "-o", str(target)])
    assert ok.exit_code == 0, ok.output
    # for Angus's commissioners, who see Angus's one organisation anyway: its figures are shown
    assert "Organisations with submitted responses 1" in " ".join(pdf_text(target).split())
    sector = tmp_path / "la.pdf"
    hidden = runner.invoke(args=["report", "--round", str(world.round_id), "--sector", "Local authority",
                                 "-o", str(sector)])
    # as with --all: a sector whose figures are all hidden from its readers gets no report, and says why
    assert hidden.exit_code == 2 and "no report for sector Local authority: its figures are hidden" in hidden.output
    assert not sector.exists()
    both = runner.invoke(args=["report", "--round", str(world.round_id), "--area", "Angus", "--all",
                               "-o", str(tmp_path)])
    assert both.exit_code == 2 and "exactly one of" in both.output
    unknown = runner.invoke(args=["report", "--round", str(world.round_id), "--sector", "Pirates", "-o", "x.pdf"])
    assert unknown.exit_code == 1 and "unknown sector 'Pirates'" in unknown.output
    missing = runner.invoke(args=["report", "--round", "999", "--all", "-o", str(tmp_path)])
    assert missing.exit_code == 1 and "there is no round 999" in missing.output


def test_plan_covers_every_organisation_with_submissions(db):
    from surveyapp.reports.model import RoundData

    world = build_report_world(db)
    tasks, skipped = plan_all(RoundData(db, world.round_id, 3), {})
    assert sorted(t.key for t in tasks if t.kind == "organisation") == sorted(world.orgs.values())
    assert len(skipped) == 2  # Local authority, and beside it NHS (sector reports go to anyone)


def test_the_batch_uses_every_core_available(monkeypatch):
    from surveyapp.cli import report_batch

    monkeypatch.setattr(report_batch.os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    assert report_batch.default_jobs() == 8
    monkeypatch.delattr(report_batch.os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(report_batch.os, "cpu_count", lambda: 6)
    assert report_batch.default_jobs() == 6
    monkeypatch.setattr(report_batch.os, "cpu_count", lambda: None)
    assert report_batch.default_jobs() == 1
