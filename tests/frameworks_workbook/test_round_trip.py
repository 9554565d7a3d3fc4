"""Every shipped framework goes YAML -> XLSX -> YAML and comes back the same, by the functions and by the CLI."""
from __future__ import annotations

import pytest
import yaml

from surveyapp.frameworks.loader import check_framework_file, content_hash, read_definition
from surveyapp.frameworks.workbook_read import read_workbook
from surveyapp.frameworks.workbook_write import workbook_bytes

from .conftest import SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_framework_round_trips_through_a_workbook(path):
    data, _ = read_definition(path)
    back, _ = read_workbook(workbook_bytes(data), path.name + ".xlsx")
    assert back == data
    # the content hash is what freezes an answered version: it must not move either
    assert content_hash(back) == content_hash(data)


def test_export_then_import_gives_the_registered_yaml(runner, tmp_path):
    book, out = tmp_path / "sp.xlsx", tmp_path / "sp.yaml"
    exported = runner.invoke(args=["frameworks", "export", "strategic-planning", "--version", "1",
                                   "--format", "xlsx", "-o", str(book)])
    assert exported.exit_code == 0, exported.output
    assert book.read_bytes()[:2] == b"PK"
    imported = runner.invoke(args=["frameworks", "import", str(book), "-o", str(out)])
    assert imported.exit_code == 0, imported.output
    original, _ = read_definition(SHIPPED[[p.name for p in SHIPPED].index("strategic-planning-v1.yaml")])
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == original


def test_check_accepts_an_exported_workbook_like_its_yaml(runner, tmp_path):
    book = tmp_path / "es.xlsx"
    runner.invoke(args=["frameworks", "export", "enabling-system", "-o", str(book)])
    result = runner.invoke(args=["frameworks", "check", str(book)])
    assert result.exit_code == 0, result.output
    assert "ok: enabling-system@3" in result.output
    fw, _ = check_framework_file(book)
    assert fw.content_hash == check_framework_file(SHIPPED[[p.name for p in SHIPPED].index(
        "enabling-system-v3.yaml")])[0].content_hash


def test_export_of_an_unknown_framework_says_so(runner, tmp_path):
    result = runner.invoke(args=["frameworks", "export", "no-such", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1
    assert "no framework 'no-such'" in result.output and "Traceback" not in result.output


def test_check_gives_yaml_errors_a_number_and_a_line(runner, tmp_path):
    path = tmp_path / "mat-standards-v3.yaml"
    text = (SHIPPED[[p.name for p in SHIPPED].index("mat-standards-v2.yaml")]).read_text(encoding="utf-8")
    path.write_text(text.replace("scale: rag\n", "scale: maturty\n", 1), encoding="utf-8")
    result = runner.invoke(args=["frameworks", "check", str(path)])
    assert result.exit_code == 1
    line = text.splitlines().index("        scale: rag") + 1
    assert f"E012 {path}:{line}: domains[0].indicators[0].scale: unknown scale 'maturty'" in result.output
