"""Bad workbooks: each gives a located error with its stable number, and nothing is published."""
from __future__ import annotations

import io
import zipfile

import pytest

from .conftest import as_next_version, book_of, bytes_of, codes_at, shipped_definition, workbook_errors


@pytest.fixture
def next_version():
    """mat-standards version 9, not yet published: what a bad import must not publish."""
    return as_next_version(shipped_definition())


def versions(db) -> list[tuple]:
    """Return every registered version with its content hash."""
    return db.execute("SELECT key, content_hash FROM framework_versions ORDER BY key").fetchall()


def import_refused(runner, db, tmp_path, content: bytes, name: str = "bad.xlsx") -> str:
    """Import a file through the CLI; assert it was refused and nothing changed; return the output."""
    before = versions(db)
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "nothing was published" in result.output and "Traceback" not in result.output
    assert versions(db) == before
    return result.output


def test_a_good_next_version_is_published_once(runner, db, tmp_path, next_version):
    path = tmp_path / "good.xlsx"
    path.write_bytes(bytes_of(book_of(next_version)))
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "published mat-standards@9" in result.output
    again = runner.invoke(args=["frameworks", "import", str(path)])
    assert "already published, unchanged" in again.output


def test_changed_content_under_a_published_version_is_refused(runner, db, tmp_path, next_version):
    path = tmp_path / "good.xlsx"
    path.write_bytes(bytes_of(book_of(next_version)))
    runner.invoke(args=["frameworks", "import", str(path)])
    book = book_of(next_version)
    book["settings"]["B4"] = "Another title"
    path.write_bytes(bytes_of(book))
    before = versions(db)
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 1
    assert "E030" in result.output and "give this one version 10" in result.output
    assert versions(db) == before


def test_missing_sheet(runner, db, tmp_path, next_version):
    book = book_of(next_version)
    del book["scales"]
    errors = workbook_errors(bytes_of(book))
    assert codes_at(errors) == [("E043", "scales!A1")]
    assert "no 'scales' sheet" in errors[0].message
    assert "E043" in import_refused(runner, db, tmp_path, bytes_of(book))


def test_renamed_column(runner, db, tmp_path, next_version):
    book = book_of(next_version)
    assert book["indicators"]["D1"].value == "label"
    book["indicators"]["D1"] = "labels"
    errors = workbook_errors(bytes_of(book))
    assert ("E045", "indicators!D1") in codes_at(errors)
    assert "unknown column 'labels' (did you mean 'label'?)" in errors[0].message
    assert any(e.number == "E044" and "needs a 'label' column" in e.message for e in errors)
    import_refused(runner, db, tmp_path, bytes_of(book))


def test_merged_cells(runner, db, tmp_path, next_version):
    book = book_of(next_version)
    book["indicators"].merge_cells("E3:F3")
    errors = workbook_errors(bytes_of(book))
    assert codes_at(errors) == [("E046", "indicators!E3")]
    import_refused(runner, db, tmp_path, bytes_of(book))


def test_formula_is_an_error_and_never_evaluated(runner, db, tmp_path, next_version):
    book = book_of(next_version)
    book["indicators"]["I3"] = "=1+1"  # weight
    book["settings"]["B3"] = '=WEBSERVICE("http://127.0.0.1:22150/")'  # version
    errors = workbook_errors(bytes_of(book))
    assert codes_at(errors) == [("E047", "settings!B3"), ("E047", "indicators!I3")]
    assert "never evaluated" in errors[0].message
    import_refused(runner, db, tmp_path, bytes_of(book))


def test_blank_row_in_the_middle(runner, db, tmp_path, next_version):
    book = book_of(next_version)
    book["indicators"].insert_rows(5)
    errors = workbook_errors(bytes_of(book))
    assert codes_at(errors) == [("E048", "indicators!A5")]
    import_refused(runner, db, tmp_path, bytes_of(book))


def test_blank_rows_at_the_end_are_fine(next_version):
    book = book_of(next_version)
    ws = book["indicators"]
    ws.cell(row=ws.max_row + 3, column=1, value="  ")  # a stray space far below counts as blank
    from surveyapp.frameworks.workbook_read import read_workbook
    data, _ = read_workbook(bytes_of(book), "ok.xlsx")
    assert data == next_version


def test_duplicate_indicator_id(runner, db, tmp_path, next_version):
    book = book_of(next_version)
    ws = book["indicators"]
    ws["B4"] = ws["B3"].value
    errors = workbook_errors(bytes_of(book))
    assert codes_at(errors) == [("E013", "indicators!B4")]
    assert f"duplicate indicator id '{ws['B3'].value}'" in errors[0].message
    import_refused(runner, db, tmp_path, bytes_of(book))


def test_unknown_scale_is_located_at_its_cell(next_version):
    book = book_of(next_version)
    book["indicators"]["G14"] = "maturty"
    errors = workbook_errors(bytes_of(book))
    assert codes_at(errors) == [("E012", "indicators!G14")]
    assert str(errors[0]) == ("framework.xlsx: indicators!G14: unknown scale 'maturty' "
                              "(domains[4].indicators[0].scale)")


def test_next_step_level_out_of_range(runner, db, tmp_path, next_version):
    book = book_of(next_version)
    ws = book["next_steps"]
    ws.append(["mat-1-1", 9, "Agree a same-day pathway with prescribers."])
    errors = workbook_errors(bytes_of(book))
    assert codes_at(errors) == [("E028", "next_steps!B2")]
    assert "level 9 is not on scale 'rag'; its levels are 1, 2, 3, 4, 5" in errors[0].message
    import_refused(runner, db, tmp_path, bytes_of(book))


def test_scale_level_out_of_order(next_version):
    book = book_of(next_version)
    book["scales"]["C3"] = 0  # Amber's value below Red's
    assert codes_at(workbook_errors(bytes_of(book))) == [("E015", "scales!C3")]


def test_a_twenty_megabyte_file(runner, db, tmp_path, next_version):
    content = bytes_of(book_of(next_version))
    padded = content + b"\0" * (20 * 1024 * 1024)
    errors = workbook_errors(padded)
    assert codes_at(errors) == [("E041", "workbook")]
    assert "at most 5 MB" in errors[0].message
    assert "E041" in import_refused(runner, db, tmp_path, padded)


def test_a_csv_renamed(runner, db, tmp_path):
    content = b"id,statement\nmat-1-1,People can start the same day\n"
    assert codes_at(workbook_errors(content)) == [("E040", "workbook")]
    assert "E040" in import_refused(runner, db, tmp_path, content)


def test_a_zip_bomb(runner, db, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024  # small on disk, 60 MB unpacked
    errors = workbook_errors(content)
    assert codes_at(errors) == [("E041", "workbook")] and "zip bomb" in errors[0].message
    assert "E041" in import_refused(runner, db, tmp_path, content)


def test_macros_xlsm(runner, db, tmp_path, next_version):
    content = bytes_of(book_of(next_version))
    assert codes_at(workbook_errors(content, "framework.xlsm")) == [("E042", "workbook")]
    assert "E042" in import_refused(runner, db, tmp_path, content, name="bad.xlsm")


def test_macros_hidden_in_an_xlsx(runner, db, tmp_path, next_version):
    source = zipfile.ZipFile(io.BytesIO(bytes_of(book_of(next_version))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        archive.writestr("xl/vbaProject.bin", b"Attribute VB_Name = \"Module1\"")
    errors = workbook_errors(buffer.getvalue())
    assert codes_at(errors) == [("E042", "workbook")]
    import_refused(runner, db, tmp_path, buffer.getvalue())


def test_an_external_link_is_refused(next_version):
    source = zipfile.ZipFile(io.BytesIO(bytes_of(book_of(next_version))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        archive.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
    assert codes_at(workbook_errors(buffer.getvalue())) == [("E051", "workbook")]
