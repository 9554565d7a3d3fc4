"""Framework definitions: every validation error names file, line and path."""
from __future__ import annotations

import textwrap

import pytest

from surveyapp.frameworks.errors import FrameworkErrors
from surveyapp.frameworks.loader import load_framework_text

VALID = """\
id: tip
version: 1
title: Trauma-informed leadership
summary: A short summary.
instrument: adaptation
adaptation: Written for this project in its own words.
sources:
  - title: Roadmap for creating trauma-informed and responsive change
    year: "2023"
scales:
  - id: fourpoint
    label: Four-point scale
    levels:
      - {value: 1, label: Not yet, descriptor: Nothing in place.}
      - {value: 2, label: Emerging, descriptor: Early steps.}
      - {value: 3, label: Established, descriptor: In place in most teams.}
      - {value: 4, label: Embedded, descriptor: Part of how we work.}
    options:
      - {key: na, label: Not applicable}
domains:
  - id: lead
    title: Leadership
    indicators:
      - id: l1
        text: Leaders talk about trauma-informed practice.
        scale: fourpoint
        evidence: optional
        weight: 2
      - id: l2
        text: How many managers finished training?
        type: number
        min: 0
        required: false
  - id: staff
    title: Staff
    indicators:
      - id: s1
        text: Staff have reflective space.
        scale: fourpoint
"""


def errors_for(text: str, filename: str = "frameworks/tip.yaml") -> list[str]:
    """Return the error lines a definition produces."""
    with pytest.raises(FrameworkErrors) as caught:
        load_framework_text(textwrap.dedent(text), filename)
    return [str(e) for e in caught.value.errors]


def test_valid_definition_builds_an_immutable_model():
    fw = load_framework_text(VALID, "frameworks/tip.yaml")
    assert fw.key == "tip@1"
    assert [d.id for d in fw.domains] == ["lead", "staff"]
    l1 = fw.indicator("l1")
    assert l1.scale.values == (1.0, 2.0, 3.0, 4.0) and l1.weight == 2.0 and l1.evidence == "optional"
    assert fw.indicator("l2").type == "number" and not fw.indicator("l2").scored
    # defaults: strengths from the second-highest level, development from the second-lowest
    assert fw.strengths.min_score == 3.0 and fw.development.max_score == 2.0
    assert fw.development.gap == 1.0 and fw.strengths.max == 5
    with pytest.raises(AttributeError):
        fw.title = "changed"


def test_unknown_scale_names_file_line_and_path():
    text = VALID.replace("        scale: fourpoint\n        evidence", "        scale: fivepoint\n        evidence")
    assert errors_for(text) == [
        "frameworks/tip.yaml:26: domains[0].indicators[0].scale: unknown scale 'fivepoint'"]


def test_unknown_key_is_reported_with_a_suggestion():
    text = VALID.replace("        evidence: optional", "        evidnce: optional")
    assert errors_for(text) == [
        "frameworks/tip.yaml:27: domains[0].indicators[0].evidnce: unknown key 'evidnce' (did you mean 'evidence'?)"]


def test_missing_required_key():
    text = VALID.replace("summary: A short summary.\n", "")
    assert errors_for(text) == ["frameworks/tip.yaml:1: summary: required key 'summary' is missing"]


def test_duplicate_ids_point_at_the_second_use():
    text = VALID.replace("      - id: s1", "      - id: l1")
    assert errors_for(text) == [
        "frameworks/tip.yaml:37: domains[1].indicators[0].id: duplicate indicator id 'l1' "
        "(first used at domains[0].indicators[0].id)"]


def test_empty_domain():
    text = VALID[: VALID.index("  - id: staff")] + "  - id: staff\n    title: Staff\n    indicators: []\n"
    assert errors_for(text) == [
        "frameworks/tip.yaml:36: domains[1].indicators: a domain needs at least one indicator"]


def test_scale_needs_two_levels():
    start = VALID.index("      - {value: 2")
    end = VALID.index("    options:")
    assert errors_for(VALID[:start] + VALID[end:]) == [
        "frameworks/tip.yaml:13: scales[0].levels: a scale needs at least two levels, found 1"]


def test_level_values_must_increase():
    text = VALID.replace("{value: 3, label: Established", "{value: 2, label: Established")
    assert errors_for(text) == [
        "frameworks/tip.yaml:16: scales[0].levels[2].value: level values must increase from lowest "
        "to highest: 2 follows 2"]


def test_wrong_type_is_named():
    text = VALID.replace("version: 1", "version: one")
    assert errors_for(text) == ["frameworks/tip.yaml:2: version: expected integer, found text"]


def test_several_errors_are_all_reported_in_line_order():
    text = VALID.replace("version: 1", "version: 0").replace("scale: fourpoint\n        evidence", "scale: nope\n        evidence")
    errors = errors_for(text)
    assert errors == [
        "frameworks/tip.yaml:2: version: version must be 1 or more",
        "frameworks/tip.yaml:26: domains[0].indicators[0].scale: unknown scale 'nope'",
    ]


def test_yaml_tags_that_construct_objects_are_refused():
    text = VALID.replace("title: Trauma-informed leadership", "title: !!python/object/apply:os.system ['echo hacked']")
    [error] = errors_for(text)
    assert error.startswith("frameworks/tip.yaml:3: title: not valid YAML here: the tag") and "os.system" in error


def test_duplicate_yaml_key():
    text = VALID.replace("title: Trauma-informed leadership\n", "title: A\ntitle: B\n")
    assert errors_for(text) == ["frameworks/tip.yaml:4: title: key 'title' appears twice"]


def test_broken_yaml_syntax_gives_the_line():
    text = VALID.replace("    label: Four-point scale", "    label: [unclosed")
    [error] = errors_for(text)
    assert error.startswith("frameworks/tip.yaml:") and "not valid YAML" in error


def test_rating_question_without_scale_and_choice_without_choices():
    text = VALID.replace("        scale: fourpoint\n        evidence: optional\n", "        evidence: optional\n").replace(
        "        type: number\n        min: 0\n", "        type: choice\n")
    assert errors_for(text) == [
        "frameworks/tip.yaml:24: domains[0].indicators[0].scale: a rating question needs a 'scale'",
        "frameworks/tip.yaml:28: domains[0].indicators[1].choices: a choice question needs 'choices'",
    ]


def test_content_hash_ignores_layout_but_not_content():
    a = load_framework_text(VALID)
    b = load_framework_text("# a comment\n" + VALID.replace("label: Four-point scale", "label:   Four-point scale"))
    c = load_framework_text(VALID.replace("Early steps.", "First steps."))
    assert a.content_hash == b.content_hash != c.content_hash
