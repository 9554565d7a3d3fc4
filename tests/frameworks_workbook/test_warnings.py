"""Warnings are shown with a stable number and a location, and never block loading, import or publishing."""
from __future__ import annotations

import json

from surveyapp.frameworks.errors import CATALOGUE
from surveyapp.frameworks.loader import definition_warnings, framework_from_definition, load_framework_text
from surveyapp.frameworks.reading import load_with_lines
from surveyapp.frameworks.structure import STRUCTURE
from surveyapp.frameworks.workbook_read import read_workbook

from ..conftest import PROJECT
from ..test_framework_loader import VALID
from .conftest import as_next_version, book_of, bytes_of, shipped_definition

NO_DESCRIPTOR = VALID.replace(", descriptor: Nothing in place.}", "}", 1)


def test_a_level_without_a_descriptor_loads_with_warning_w104_at_its_line():
    assert NO_DESCRIPTOR != VALID
    fw = load_framework_text(NO_DESCRIPTOR, "frameworks/tip.yaml")  # no error
    assert fw.scales[0].levels[0].descriptor == ""
    data, lines = load_with_lines(NO_DESCRIPTOR, "frameworks/tip.yaml")
    (warning,) = [w for w in definition_warnings(data, "frameworks/tip.yaml", lines) if w.code == "no-descriptor"]
    assert warning.number == "W104"
    assert str(warning).startswith("frameworks/tip.yaml:")
    assert warning.path == "scales[0].levels[0].descriptor"
    assert "level 'Not yet' has no descriptor" in warning.message


def test_a_blank_descriptor_cell_in_a_workbook_is_a_warning_at_its_cell():
    book = book_of(as_next_version(shipped_definition()))
    assert book["scales"]["E1"].value == "descriptor"
    book["scales"]["E3"] = None  # Amber
    data, cells = read_workbook(bytes_of(book), "framework.xlsx")
    framework_from_definition(data, "framework.xlsx", cells)  # loads
    found = [(w.number, w.cell) for w in definition_warnings(data, "framework.xlsx", cells)]
    assert ("W104", "scales!E3") in found


def test_a_file_with_only_warnings_is_published_by_import(runner, db, tmp_path):
    path = tmp_path / "tip-v1.yaml"
    path.write_text(NO_DESCRIPTOR.replace("Staff have reflective space.",
                                          "Leaders listen to staff and act on what they hear."))
    result = runner.invoke(args=["frameworks", "check", str(path)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert db.execute("SELECT count(*) FROM framework_versions WHERE key = 'tip@1'").fetchone()[0] == 1


def test_the_three_plain_english_warnings_have_stable_numbers_in_the_docs():
    docs = (PROJECT / "docs" / "frameworks.md").read_text()
    for code, number in (("long-statement", "W101"), ("no-descriptor", "W104"), ("two-things", "W103")):
        assert CATALOGUE[code][0] == number
        assert f"| {number} | `{code}` |" in docs


def test_the_json_schema_lets_a_level_go_without_a_descriptor_as_the_validator_does():
    schema = json.loads((PROJECT / "surveyapp" / "frameworks" / "schema" / "framework.schema.json").read_text())
    level = schema["$defs"]["level"]
    assert "descriptor" in level["properties"]
    assert level["required"] == [k for k, (_, required, _) in STRUCTURE["level"].items() if required]
    assert "descriptor" not in level["required"]
