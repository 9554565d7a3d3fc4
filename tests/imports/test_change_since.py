"""Change since the last round: compared with the latest earlier round in which the organisation has results."""
from __future__ import annotations

from surveyapp.assessments.answers_csv import import_responses
from surveyapp.assessments.forms import value_key
from surveyapp.benchmarks.viewers import viewer_for_organisation
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.reports.definitions import load_report_definitions
from surveyapp.reports.model import RoundData, organisation_report
from tests.conftest import PROJECT
from tests.imports.helpers import response_rows, to_csv

ORGS = [("Skipper (fictional)", "Angus"), ("Steady One (fictional)", "Angus"),
        ("Steady Two (fictional)", "Dundee City"), ("Steady Three (fictional)", "Dundee City")]


def submit(db, round_id, organisations, top=False):
    """Import one submitted response for each organisation; top: the highest level on every rating."""
    framework = framework_for_round(db, round_id)
    overrides = {i.id: (value_key(i.scale.levels[-1].value), "") for i in framework.indicators
                 if top and i.type == "rating"}
    rows = [r for name, area in organisations
            for r in response_rows(framework, name, area, "Third sector", "lead", overrides)]
    count, errors = import_responses(db, round_id, framework, to_csv(rows))
    assert not errors and count == len(organisations)


def change_table(report):
    """Return a report's table of change since the round it compares with."""
    return next(b for b in report.section("change").blocks if getattr(b, "id", None) == "change")


def test_an_organisation_that_skipped_a_round_is_compared_with_its_last_results(db, make_round):
    first = make_round(title="Spring 2024 (fictional)")
    skipped = make_round(title="Spring 2025 (fictional)")
    latest = make_round(title="Spring 2026 (fictional)")
    submit(db, first, ORGS)
    submit(db, skipped, ORGS[1:])  # Skipper did not take part
    submit(db, latest, ORGS, top=True)
    skipper = db.execute("SELECT id FROM organisations WHERE name = ?", [ORGS[0][0]]).fetchone()[0]

    data = RoundData(db, latest, 3).for_viewer(viewer_for_organisation(skipper))
    definition = load_report_definitions(PROJECT / "reports")["organisation"]
    report = organisation_report(db, data, definition, skipper)
    change = change_table(report)
    assert change.columns[1] == "Spring 2024 (fictional)", "names the round it compares with"
    assert change.rows and all(row[3].text.startswith("+") for row in change.rows)

    # an organisation that took part in the previous round is still compared with that one
    steady = db.execute("SELECT id FROM organisations WHERE name = ?", [ORGS[1][0]]).fetchone()[0]
    data = RoundData(db, latest, 3).for_viewer(viewer_for_organisation(steady))
    report = organisation_report(db, data, definition, steady)
    change = change_table(report)
    assert change.columns[1] == "Spring 2025 (fictional)"


def test_an_area_that_skipped_a_round_is_compared_with_its_last_results(db, make_round):
    from surveyapp.benchmarks.viewers import viewer_for_area
    from surveyapp.reports.model import group_report

    first = make_round(title="Spring 2024 (fictional)")
    skipped = make_round(title="Spring 2025 (fictional)")
    latest = make_round(title="Spring 2026 (fictional)")
    submit(db, first, ORGS)
    submit(db, skipped, ORGS[2:])  # no Angus organisation took part
    submit(db, latest, ORGS, top=True)

    # Angus's commissioner knows every Angus organisation, so Angus's own figures are shown to them
    data = RoundData(db, latest, 3).for_viewer(viewer_for_area(db, "Angus"))
    definition = load_report_definitions(PROJECT / "reports")["area"]
    report = group_report(data, definition, "Angus", db=db)
    change = change_table(report)
    assert change.columns[1] == "Spring 2024 (fictional)", "names the round it compares with"
    assert change.rows and all(row[3].text.startswith("+") for row in change.rows)

    # Dundee City took part in the previous round, so it is compared with that one
    data = RoundData(db, latest, 3).for_viewer(viewer_for_area(db, "Dundee City"))
    report = group_report(data, definition, "Dundee City", db=db)
    change = change_table(report)
    assert change.columns[1] == "Spring 2025 (fictional)"
