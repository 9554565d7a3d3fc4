"""Plain-English warnings: long statements, hard reading, two things in one rating item."""
from __future__ import annotations

from surveyapp.frameworks.loader import definition_warnings, load_framework_text
from surveyapp.frameworks.readability import joins_two_things, reading_ease, statement_problems
from surveyapp.frameworks.reading import load_with_lines

from .test_framework_loader import VALID

LONG = ("Senior leaders in every partner organisation consistently demonstrate, through their decisions, "
        "communications, resource allocation and personal behaviour and example, an unambiguous and visible organisational "
        "commitment to trauma-informed practice.")
DOUBLE = "Leaders listen to staff and act on what they hear."


def warnings_for(text: str) -> list[str]:
    """Return the warning lines a definition produces; it must still load."""
    load_framework_text(text, "frameworks/tip.yaml")
    data, lines = load_with_lines(text, "frameworks/tip.yaml")
    return [str(w) for w in definition_warnings(data, "frameworks/tip.yaml", lines)]


def test_a_plain_statement_has_no_warning():
    assert statement_problems("Staff have time to talk about their work.", rated=True) == []


def test_long_hard_and_double_statements_are_warnings_with_file_line_and_path():
    text = VALID.replace("Leaders talk about trauma-informed practice.", LONG).replace(
        "Staff have reflective space.", DOUBLE)
    found = warnings_for(text)
    assert any(w.startswith("frameworks/tip.yaml:25: domains[0].indicators[0].text: warning: statement has 28 words")
               for w in found), found
    assert any("domains[0].indicators[0].text: warning: Flesch reading ease" in w for w in found)
    assert any(w.startswith("frameworks/tip.yaml:38: domains[1].indicators[0].text: warning: 'and'/'or' joins")
               for w in found), found


def test_and_inside_a_name_or_brackets_is_one_thing():
    assert not joins_two_things("We involve people with lived and living experience.")
    assert not joins_two_things("Our ADP (Alcohol and Drug Partnership) meets monthly.")
    assert joins_two_things("We plan or review services.")
    assert not statement_problems("Questions such as how many people came?", rated=False)[1:]


def test_reading_ease_comes_from_textstat():
    assert reading_ease("The cat sat on the mat.") > 100


def test_check_readability_prints_a_table_and_still_passes(runner, tmp_path):
    path = tmp_path / "tip-v1.yaml"
    path.write_text(VALID.replace("Staff have reflective space.", DOUBLE))
    plain = runner.invoke(args=["frameworks", "check", str(path)])
    assert "warning" not in plain.output
    result = runner.invoke(args=["frameworks", "check", "--readability", str(path)])
    assert result.exit_code == 0, result.output
    assert "tip@1  mean Flesch reading ease" in result.output
    assert "items flagged 3 of 3" in result.output
    assert "s1" in result.output and "two-things" in result.output
