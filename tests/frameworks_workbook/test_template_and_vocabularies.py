"""The workbook template, its lists sheet and drop-downs, and the documented vocabularies."""
from __future__ import annotations

from openpyxl import load_workbook

from surveyapp.accounts.organisations import AREAS, SECTORS, vocabulary_lists
from surveyapp.frameworks.loader import check_framework_file, read_definition
from surveyapp.frameworks.workbook_format import SHEETS

from ..conftest import PROJECT
from .conftest import TEMPLATE

DOCS = (PROJECT / "docs" / "frameworks.md").read_text(encoding="utf-8")


def test_the_template_is_a_valid_framework_with_every_sheet():
    fw, _ = check_framework_file(TEMPLATE)
    assert fw.key == "example-framework@1"
    assert fw.indicator("ex-1-1").next_step_for(1).text.startswith("Ask each senior leader")
    book = load_workbook(TEMPLATE)
    assert book.sheetnames == [s.name for s in SHEETS] + ["lists"]


def test_the_template_matches_its_yaml_source():
    assert read_definition(TEMPLATE)[0] == read_definition(TEMPLATE.with_suffix(".yaml"))[0]


def test_lists_sheet_holds_areas_sectors_and_accepted_spellings():
    rows = list(load_workbook(TEMPLATE)["lists"].iter_rows(min_row=2, values_only=True))
    assert [name for kind, name, _ in rows if kind == "area"] == list(AREAS)
    assert [name for kind, name, _ in rows if kind == "sector"] == list(SECTORS)
    assert ("sector_spelling", "council", "Local authority") in rows


def test_columns_with_a_fixed_set_of_answers_have_drop_downs():
    book = load_workbook(TEMPLATE)
    validations = {str(v.sqref): v.formula1 for v in book["indicators"].data_validations.dataValidation}
    header = [c.value for c in book["indicators"][1]]
    letter = {name: chr(ord("A") + header.index(name)) for name in ("type", "required", "evidence")}
    lists = list(book["lists"].iter_rows(min_row=2, values_only=True))
    for name, list_name in (("type", "type"), ("required", "yes_no"), ("evidence", "evidence")):
        formula = validations[f"{letter[name]}2:{letter[name]}500"]
        first, last = (int(part.split("$")[-1]) for part in formula.split("!")[1].split(":"))
        assert {row[0] for row in lists[first - 2:last - 1]} == {list_name}, name


def test_docs_list_every_area_sector_and_accepted_spelling():
    section = DOCS.split("## Vocabularies")[1].split("\n## ")[0]
    for area in AREAS:
        assert f"`{area}`" in section
    for sector in SECTORS:
        assert f"`{sector}`" in section
    for alias, canonical in vocabulary_lists()["sector_spelling"]:
        assert f"`{canonical}`" in section
        assert f"`{alias}`" in section, alias


def test_organisation_import_says_which_alias_it_mapped(runner, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("name,area,sector\nTay Council Team,Angus,council\nTay Clinic,angus,nhs\n", encoding="utf-8")
    result = runner.invoke(args=["orgs", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "sector 'council' was read as 'Local authority' on 1 row (first on line 2)" in result.output
