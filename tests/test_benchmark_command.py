"""The `surveyapp benchmark` command prints the benchmark records as CSV or JSON."""
import csv
import io
import json

from surveyapp.accounts.users import create_user
from surveyapp.cli.commands.benchmark import benchmark

from .aggregation_helpers import add_orgs_with_scores
from .plan_helpers import register_test_framework


def make_round(db):
    """Angus: three organisations scoring l1 2, 4 and 6; Dundee City and Perth and Kinross one each.

    Two small areas are hidden, so Angus needs no complement and is shown.
    """
    fw = register_test_framework(db, "command-test-fw")
    round_id = db["rounds"].insert({"framework_key": fw.key, "title": "Command test"}).last_pk
    add_orgs_with_scores(db, round_id, "Angus", [{"l1": 2}, {"l1": 4}, {"l1": 6}], prefix="Cmd Angus")
    add_orgs_with_scores(db, round_id, "Dundee City", [{"l1": 5}], prefix="Cmd Dundee")
    add_orgs_with_scores(db, round_id, "Perth and Kinross", [{"l1": 3}], prefix="Cmd Perth")
    return round_id


def test_csv_by_area(app, db, runner):
    round_id = make_round(db)
    result = runner.invoke(benchmark, ["--round", str(round_id), "--by", "area", "--level", "indicator"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["area", "domain", "indicator", "n_organisations", "n_respondents", "mean", "median",
                             "q1", "q3", "n_scoring", "n_non_scoring", "n_blank", "suppressed", "reason"]
    angus = next(r for r in rows if r["area"] == "Angus" and r["indicator"] == "l1")
    # 2, 4, 6: mean 4; no median or quartiles for 3 organisations (they would give each score)
    assert (angus["mean"], angus["median"], angus["q1"], angus["q3"], angus["suppressed"]) == (
        "4.0", "", "", "", "false")
    dundee = next(r for r in rows if r["area"] == "Dundee City" and r["indicator"] == "l1")
    # one organisation: hidden, every number an empty cell, and the reason given
    assert (dundee["suppressed"], dundee["mean"], dundee["n_organisations"], dundee["reason"]) == (
        "true", "", "", "too-few")


def test_json_by_organisation_overall(app, db, runner):
    round_id = make_round(db)
    # by default the output is for someone who may see no organisation's own results
    args = ["--round", str(round_id), "--by", "organisation", "--format", "json"]
    assert json.loads(runner.invoke(benchmark, args).output) == []
    create_user(db, "admin@example.org", "Admin", "admin")
    result = runner.invoke(benchmark, [*args, "--as", "admin@example.org"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [r["mean"] for r in records] == [2, 4, 6, 5, 3]
    assert set(records[0]) == {"organisation", "organisation_name", "area", "sector", "n_organisations",
                               "n_respondents", "mean", "median", "q1", "q3", "suppressed", "reason"}
    unknown = runner.invoke(benchmark, [*args, "--as", "nobody@example.org"])
    assert unknown.exit_code != 0 and "no active user" in unknown.output


def test_min_group_comes_from_the_config(app, db, runner):
    round_id = make_round(db)
    args = ["--round", str(round_id), "--by", "area", "--format", "json"]
    assert [r["suppressed"] for r in json.loads(runner.invoke(benchmark, args).output)] == [False, True, True]
    app.config["MIN_GROUP"] = 4  # now Angus's three organisations are too few as well
    assert [r["suppressed"] for r in json.loads(runner.invoke(benchmark, args).output)] == [True, True, True]


def test_unknown_round_is_an_error(app, runner):
    result = runner.invoke(benchmark, ["--round", "9999"])
    assert result.exit_code != 0 and "no round 9999" in result.output
