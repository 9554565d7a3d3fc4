"""Long-format response CSV: import, export, round trip, errors by line."""
from __future__ import annotations

import csv
import io

from surveyapp.assessments.answers_csv import COLUMNS
from surveyapp.frameworks.registry import framework_for_round
from tests.imports.helpers import response_rows


def rows_to_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


SAMPLE = [
    ("Alpha Project (fictional)", "Angus", "Third sector", "r1", "sp-1", "sp-1-1", "5", "Minutes, May"),
    ("Alpha Project (fictional)", "Angus", "Third sector", "r1", "sp-1", "sp-1-2", "dont_know", ""),
    ("Alpha Project (fictional)", "Angus", "Third sector", "r2", "sp-1", "sp-1-1", "3", "=HYPERLINK(\"x\")"),
    ("Beta Team (fictional)", "Perth and Kinross", "NHS", "r1", "sp-1", "sp-1-1", "6", "Ünïcode – “quotes”"),
]


def complete(db, round_id, sample):
    """Return the sample rows filled out into complete responses (every required question answered)."""
    framework = framework_for_round(db, round_id)
    rows = []
    for who in dict.fromkeys(r[:4] for r in sample):
        given = {r[5]: (r[6], r[7]) for r in sample if r[:4] == who}
        rows += response_rows(framework, *who, overrides=given)
    return rows


def test_import_then_export_round_trip(runner, db, make_round, tmp_path):
    round_id = make_round("strategic-planning")
    source = tmp_path / "in.csv"
    sample = complete(db, round_id, SAMPLE)
    source.write_text(rows_to_csv(sample), encoding="utf-8")
    result = runner.invoke(args=["import-responses", str(source), "--round", str(round_id)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 responses" in result.output
    # unknown organisations are created from the area and sector columns
    assert db.execute("SELECT area, sector FROM organisations WHERE name = 'Beta Team (fictional)'").fetchone() == (
        "Perth and Kinross", "NHS")
    assert db.execute("SELECT count(*) FROM responses WHERE status = 'submitted'").fetchone()[0] == 3
    assert db.execute("SELECT value, option FROM answers WHERE indicator_id = 'sp-1-2'").fetchone() == (None, "dont_know")

    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export-responses", "--round", str(round_id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    exported = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(exported[0]) == COLUMNS
    # the formula-looking comment is neutralised in the file...
    assert ["Alpha Project (fictional)", "Angus", "Third sector", "r2", "sp-1", "sp-1-1", "3",
            "'=HYPERLINK(\"x\")"] in exported
    assert sorted(tuple(r) for r in exported[1:]) == sorted(
        tuple(r[:7]) + (("'" + r[7]) if r[7].startswith("=") else r[7],) for r in sample)

    # ...and the exported file imports back into a new round unchanged
    second = make_round("strategic-planning", title="Copy")
    result = runner.invoke(args=["import-responses", str(out), "--round", str(second)])
    assert result.exit_code == 0, result.output
    query = ("SELECT o.name, r.respondent, a.indicator_id, a.value, a.option, a.comment FROM answers a "
             "JOIN responses r ON r.id = a.response_id JOIN organisations o ON o.id = r.organisation_id "
             "WHERE r.round_id = ? ORDER BY 1, 2, 3")
    assert db.execute(query, [round_id]).fetchall() == db.execute(query, [second]).fetchall()


def test_a_file_with_errors_imports_nothing_and_names_each_line(runner, db, make_round, tmp_path):
    round_id = make_round("strategic-planning")
    rows = complete(db, round_id, SAMPLE[:1]) + [
        ("Gamma (fictional)", "Fife", "NHS", "r1", "sp-1", "sp-1-1", "4", ""),
        ("Gamma (fictional)", "Angus", "NHS", "r1", "sp-1", "sp-9-9", "4", ""),
        ("Gamma (fictional)", "Angus", "NHS", "r1", "sp-1", "sp-1-1", "7", ""),
    ]
    source = tmp_path / "bad.csv"
    source.write_text(rows_to_csv(rows))
    result = runner.invoke(args=["import-responses", str(source), "--round", str(round_id)])
    assert result.exit_code == 2
    first = len(rows) - 3 + 2  # the line of the first bad row
    assert f"line {first}, column area: unknown area 'Fife'" in result.output
    assert f"line {first + 1}, column indicator: unknown indicator 'sp-9-9'" in result.output
    assert f"line {first + 2}, column value: '7' is not on the scale for sp-1-1" in result.output
    assert "Nothing was imported" in result.output
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM organisations").fetchone()[0] == 0


def test_missing_columns_are_reported(runner, make_round, tmp_path):
    round_id = make_round("strategic-planning")
    source = tmp_path / "bad.csv"
    source.write_text("organisation,value\nX,1\n")
    result = runner.invoke(args=["import-responses", str(source), "--round", str(round_id)])
    assert result.exit_code == 2
    assert "line 1: the first line must name the columns" in result.output
    assert "missing: area, sector, respondent, domain, indicator, comment" in result.output
