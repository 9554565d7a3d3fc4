"""'Not applicable' on an indicator: offered, stored as an option, left out of scores, counted apart."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from surveyapp.assessments.answers_csv import _parse_value
from surveyapp.assessments.forms import OPTION_PREFIX, build_domain_form, form_to_answers
from surveyapp.benchmarks.aggregation import benchmark_round
from surveyapp.frameworks.errors import FrameworkErrors
from surveyapp.frameworks.loader import load_framework_text

from .aggregation_helpers import add_org, add_response, add_round, new_db

NA_YAML = """\
id: na-fw
version: 1
title: N/A test
summary: A framework for tests.
instrument: adaptation
adaptation: Written for the tests.
sources:
  - title: Nobody
scales:
  - id: four
    label: Four-point scale
    levels:
      - {value: 1, label: Not yet, descriptor: d1}
      - {value: 2, label: Emerging, descriptor: d2}
      - {value: 3, label: Established, descriptor: d3}
      - {value: 4, label: Embedded, descriptor: d4}
domains:
  - id: lead
    title: Leadership
    indicators:
      - {id: l1, text: Leaders are visible, scale: four, weight: 2}
      - {id: l2, text: Our prison service is trauma-informed, scale: four, allow_not_applicable: true}
"""


def row(table, **where):
    """Return the one row of a table matching every column=value."""
    mask = True
    for column, value in where.items():
        mask = mask & (table[column] == value)
    found = table[mask]
    assert len(found) == 1, where
    return found.iloc[0]


def test_only_the_marked_indicator_offers_not_applicable():
    fw = load_framework_text(NA_YAML)
    l1, l2 = fw.indicator("l1"), fw.indicator("l2")
    assert l2.allow_not_applicable and l2.scale.option_for("na").label == "Not applicable"
    assert l1.scale.options == () and not l1.allow_not_applicable
    assert l2.scale.levels == l1.scale.levels and l2.scale.id == "four"


def test_not_applicable_is_only_for_rating_questions():
    text = NA_YAML + "      - {id: t1, text: Anything else, type: text, allow_not_applicable: true}\n"
    with pytest.raises(FrameworkErrors) as caught:
        load_framework_text(text, "na.yaml")
    assert "domains[0].indicators[2].allow_not_applicable: only rating questions offer 'Not applicable'" in str(
        caught.value)


def test_the_form_accepts_and_stores_not_applicable(app):
    fw = load_framework_text(NA_YAML)
    domain = fw.domain("lead")
    with app.test_request_context(method="POST"):
        form = build_domain_form(fw, domain, True, MultiDict({"l1": "3", "l2": OPTION_PREFIX + "na"}))
        assert form.validate(), form.errors
        answers = form_to_answers(domain, form)
        refused = build_domain_form(fw, domain, True, MultiDict({"l1": OPTION_PREFIX + "na", "l2": "2"}))
        assert not refused.validate() and "l1" in refused.errors
    assert (answers["l2"].option, answers["l2"].value) == ("na", None)
    assert _parse_value(fw.indicator("l2"), "na")[0].option == "na"
    assert _parse_value(fw.indicator("l1"), "na")[0] is None


def test_not_applicable_is_left_out_of_scores_and_counted_apart(tmp_path):
    db = new_db(tmp_path / "na.sqlite")
    fw = load_framework_text(NA_YAML)
    round_id = add_round(db, fw)
    org = add_org(db, "Alpha (fictional)", "Angus", round_id=round_id)
    add_response(db, round_id, org, {"l1": 2, "l2": "na"})
    add_response(db, round_id, org, {"l1": 4, "l2": 4})
    add_response(db, round_id, org, {"l1": 3, "l2": "na"})
    bench = benchmark_round(db, round_id, fw)
    l2 = row(bench.org_indicator, organisation_id=org, indicator="l2")
    assert (l2["score"], l2["n_scoring"], l2["n_non_scoring"], l2["n_blank"]) == (4, 1, 2, 0)
    # domain: (2 * mean(l1) + 1 * 4) / 3 = (2 * 3 + 4) / 3
    assert row(bench.org_domain, organisation_id=org, domain="lead")["score"] == pytest.approx(10 / 3)
    db.close()
