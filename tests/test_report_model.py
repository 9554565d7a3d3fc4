"""The finished Report object: sections in order, evidence, suppression marks, group reports."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from surveyapp.reports.blocks import SUPPRESSED
from surveyapp.reports.model import RoundData, group_report, organisation_report

from .report_world import (  # noqa: F401  (fixtures)
    ALPHA,
    DEVELOPMENT_QUOTE,
    DRAFT_QUOTE,
    OTHER_QUOTE,
    STRENGTH_QUOTE,
    definitions,
    for_lead,
    for_public,
    round_data,
    world_db,
)

DAY = dt.date(2026, 11, 22)


def all_text(report) -> str:
    """Gather every piece of text a report holds."""
    parts = [report.title, report.subject]
    for section in report.sections:
        parts.append(section.heading)
        for block in section.blocks:
            parts += _block_text(block)
    return "\n".join(parts)


def _block_text(block) -> list[str]:
    if block.kind == "paragraphs":
        return list(block.texts)
    if block.kind in ("subheading", "notice"):
        return [block.text]
    if block.kind == "facts":
        return [f"{k}: {v}" for k, v in block.pairs]
    if block.kind == "list":
        return [x for item in block.items for x in (item.title, item.detail, *item.quotes)]
    if block.kind == "chart":
        return [block.title, block.description, *block.categories, *_block_text(block.table)]
    if block.kind == "glance":
        return [block.headline, *block.more, *(x for column in block.columns for x in (
            column.heading, column.empty, *(part for item in column.items for part in (item.title, item.detail))))]
    return [block.caption, *block.columns, *(c.text for row in block.rows for c in row), *block.notes]


def table(report, section_id, table_id):
    """Return a table (or a chart's table) by id from a section."""
    for block in report.section(section_id).blocks:
        found = block.table if block.kind == "chart" else block
        if getattr(found, "id", None) == table_id:
            return found
    raise KeyError(table_id)


@pytest.fixture(scope="module")
def alpha_report(round_data, definitions):
    data, world, db = round_data
    return organisation_report(db, for_lead(data, world.alpha), definitions["organisation"], world.alpha, DAY)


def test_sections_follow_the_definition(alpha_report, definitions):
    assert [s.id for s in alpha_report.sections] == [s.id for s in definitions["organisation"].sections]
    assert alpha_report.title == f"{ALPHA}: self-assessment results"
    assert alpha_report.date == "22 November 2026"
    assert alpha_report.filename.startswith("round-") and " " not in alpha_report.filename


def test_report_is_frozen(alpha_report):
    with pytest.raises(dataclasses.FrozenInstanceError):
        alpha_report.title = "changed"


def test_strengths_and_development_carry_only_this_organisations_submitted_evidence(alpha_report, round_data):
    _, world, _ = round_data
    texts = {i.id: i.text for i in world.framework.indicators}
    strengths = alpha_report.section("strengths").blocks[-1].items
    assert [i.title for i in strengths] == [texts[f"sp-1-{n}"] for n in (1, 2, 3, 4)]
    assert strengths[0].quotes == (STRENGTH_QUOTE,)
    assert strengths[0].detail.startswith("Score 6.0 · Whole-system view and needs assessment · Dundee City average 3.8")
    development = alpha_report.section("development").blocks[-1].items
    assert development[0].title == texts["sp-3-1"] and development[0].quotes == (DEVELOPMENT_QUOTE,)
    text = all_text(alpha_report)
    assert DRAFT_QUOTE not in text and OTHER_QUOTE not in text


def test_visible_and_suppressed_benchmarks(alpha_report):
    scores = table(alpha_report, "domain_table", "domain-scores")
    assert scores.columns[:5] == ("Domain", "Your score", "Dundee City average", "Third sector average", "Tayside average")
    first = [c.text for c in scores.rows[0]]
    assert first[:5] == ["Whole-system view and needs assessment", "6.0", "3.8", "3.8", "3.4"]
    assert not scores.has_suppressed


def test_hidden_area_is_marked_c_with_a_footnote(round_data, definitions):
    _, world, db = round_data
    # Perth and Kinross has three organisations; with groups of four or more required it is hidden
    perth = world.orgs["Perth Advice (fictional)"]
    data = RoundData(db, world.round_id, 4)
    report = organisation_report(db, for_lead(data, perth), definitions["organisation"], perth, DAY)
    scores = table(report, "domain_table", "domain-scores")
    area_column = [row[2] for row in scores.rows]
    assert all(cell.text == SUPPRESSED and cell.suppressed for cell in area_column)
    assert any(note.startswith("c hidden: too few organisations. A group figure is shown when it rests on at "
                               "least 4 organisations") for note in scores.notes)
    radar = report.section("radar").blocks[-1]
    assert radar.series[1].values == (None,) * 8 and radar.series[1].note.startswith("c: hidden")
    assert "The Perth and Kinross average is not shown" in all_text(report)


def test_agreement_and_change(alpha_report):
    agreement = table(alpha_report, "agreement", "agreement")
    assert [[c.text for c in row][1:] for row in agreement.rows] == [["1 Unsatisfactory", "6 Excellent", "5"]]
    change = table(alpha_report, "change", "change")
    assert change.columns[1] == "Last year’s round"
    assert [c.text for c in change.rows[0]] == ["Whole-system view and needs assessment", "3.0", "6.0", "+3.0"]


def test_summary_in_plain_words(alpha_report):
    words = " ".join(alpha_report.section("summary").blocks[-1].texts)
    assert f"{ALPHA} submitted 2 responses in this round." in words
    assert "This report lists 4 strengths and 1 development area." in words
    assert "two or more levels apart on 1 indicator." in words


def test_suppressed_area_report_shows_c_and_a_notice(round_data, definitions):
    data, _, _ = round_data
    report = group_report(for_public(data), definitions["area"], "Angus", DAY)
    notice = report.section("summary").blocks[-1]
    assert notice.kind == "notice" and "Too few organisations in Angus can be compared" in notice.text
    scores = table(report, "domain_table", "domain-scores")
    assert all(row[1].text == SUPPRESSED for row in scores.rows)
    distribution = report.section("distribution")
    assert not any(b.kind == "chart" for b in distribution.blocks)
    assert {row[1].text for row in distribution.blocks[-1].rows} == {SUPPRESSED}
    assert ALPHA not in all_text(report)


def test_area_report_names_no_organisation_and_counts_them(round_data, definitions):
    data, world, _ = round_data
    report = group_report(for_public(data), definitions["area"], "Dundee City", DAY)
    text = all_text(report)
    assert not any(name in text for name in world.orgs)
    chart = report.section("distribution").blocks[-1]
    assert chart.kind == "chart" and sum(chart.series[0].values) == 4
    development = report.section("development").blocks[-1].items
    assert [i.title for i in development] == [world.framework.indicator("sp-3-1").text]
    assert "4 organisations in Dundee City submitted 5 responses" in text
