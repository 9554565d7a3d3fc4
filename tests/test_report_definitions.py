"""Report definitions in reports/: the shipped ones load, and errors say file, line and path."""
from __future__ import annotations

import pytest

from surveyapp.reports.definitions import (
    SECTION_TYPES,
    ReportDefinitionErrors,
    load_report_definitions,
    load_report_text,
)

from .conftest import PROJECT

VALID = """\
kind: area
title: "{area}: report"
author: Tayside leadership self-assessment
sections:
  - type: cover
    heading: "{area}"
  - type: summary
    heading: Summary
    text: |
      First paragraph
      wraps here.

      Second paragraph.
  - type: method
    heading: Method
    text: Groups under {min_group} are hidden.
"""


def errors_of(text: str, kind: str | None = "area") -> list[str]:
    """Load definition text and return its error messages."""
    with pytest.raises(ReportDefinitionErrors) as caught:
        load_report_text(text, "reports/area.yaml", kind=kind)
    return [str(e) for e in caught.value.errors]


def test_every_shipped_definition_loads_with_every_section_type():
    definitions = load_report_definitions(PROJECT / "reports")
    assert set(definitions) == {"organisation", "area", "sector"}
    for kind, definition in definitions.items():
        assert [s.type for s in definition.sections] == list(SECTION_TYPES[kind])
        assert definition.sections[0].type == "cover" and definition.author


def test_a_valid_definition_is_built_with_paragraphs():
    definition = load_report_text(VALID, "reports/area.yaml", kind="area")
    assert [s.id for s in definition.sections] == ["cover", "summary", "method"]
    assert definition.section("summary").paragraphs == ("First paragraph wraps here.", "Second paragraph.")


def test_unknown_section_type_names_file_line_and_path():
    text = VALID.replace("type: summary", "type: radar-chart")
    assert errors_of(text) == [
        "reports/area.yaml:7: sections[1].type: unknown section type 'radar-chart' for a area report "
        "(use one of: " + ", ".join(SECTION_TYPES["area"]) + ")"]


def test_unknown_placeholder_is_refused():
    text = VALID.replace("Groups under {min_group}", "Groups under {minimum}")
    [error] = errors_of(text)
    assert error.startswith("reports/area.yaml:16: sections[2].text: unknown placeholder {minimum} in a area report")


def test_organisation_placeholders_are_not_allowed_in_group_reports():
    [error] = errors_of(VALID.replace('"{area}: report"', '"{organisation}: report"'))
    assert error.startswith("reports/area.yaml:2: title: unknown placeholder {organisation}")


def test_attribute_lookups_in_placeholders_are_refused():
    [error] = errors_of(VALID.replace('heading: "{area}"', 'heading: "{area.__class__}"'))
    assert "unknown placeholder {area.__class__}" in error


def test_missing_heading_unknown_key_and_missing_method():
    text = VALID.replace("    heading: Summary\n", "    colour: red\n").replace(
        "  - type: method\n    heading: Method\n    text: Groups under {min_group} are hidden.\n", "")
    assert errors_of(text) == [
        "reports/area.yaml:4: sections: every report needs a 'method' section that explains the scale, "
        "how scores are made and the suppression rule",
        "reports/area.yaml:7: sections[1]: 'heading' is required",
        "reports/area.yaml:8: sections[1].colour: unknown key 'colour' (use one of: type, heading, text, "
        "empty, id)",
    ]


def test_kind_must_match_the_file_name():
    [error] = errors_of(VALID, kind="sector")
    assert error == "reports/area.yaml:1: kind: a file named sector.yaml must have kind 'sector', not 'area'"


def test_duplicate_sections_and_cover_not_first():
    text = VALID.replace("  - type: summary\n", "  - type: method\n    heading: M\n  - type: cover\n    heading: x\n"
                         "  - type: summary\n", 1)
    assert errors_of(text) == [
        "reports/area.yaml:9: sections[2]: section 'cover' appears twice; give one of them its own id",
        "reports/area.yaml:9: sections[2].type: the cover must be the first section",
        "reports/area.yaml:18: sections[4]: section 'method' appears twice; give one of them its own id",
    ]


def test_yaml_syntax_errors_say_where():
    [error] = errors_of(VALID + "  - type: [unclosed\n")
    assert error.startswith("reports/area.yaml:18: not valid YAML")
