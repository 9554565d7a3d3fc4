"""Benchmark numbers, checked against arithmetic done by hand in the comments."""
import math

import pytest

from surveyapp.benchmarks.aggregation import benchmark_round
from surveyapp.benchmarks.disclosure import EVERYONE, PUBLIC, Rules, Viewer
from surveyapp.benchmarks.publish import publish
from surveyapp.benchmarks.records import benchmark_records, group_table, record_columns
from surveyapp.benchmarks.reduction import load_org_indicator_stats, load_organisations

from .aggregation_helpers import add_org, add_orgs_with_scores, add_response, add_round, framework, new_db
from .disclosure.attacker import attack


@pytest.fixture
def db(tmp_path):
    database = new_db(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def fw():
    return framework()


def row(table, **keys):
    """Return the one row of a table matching the given column values, as a dict."""
    found = table
    for column, value in keys.items():
        found = found[found[column].astype(str) == str(value)] if column != "organisation_id" else \
            found[found[column] == value]
    assert len(found) == 1, f"expected one row for {keys}, found {len(found)}"
    return found.iloc[0].to_dict()


@pytest.fixture
def alpha_round(db, fw):
    """One organisation with three submitted responses and a draft, and one with two."""
    round_id = add_round(db, fw)
    with db.atomic():
        return round_id, *_alpha_beta_gamma(db, round_id)


def _alpha_beta_gamma(db, round_id):
    """Add Alpha, Beta and Gamma and their responses; return their ids."""
    alpha = add_org(db, "Alpha", "Angus", "Third sector", round_id)
    add_response(db, round_id, alpha, {"l1": 4, "l2": "na", "w1": 5, "staff": 100, "note": "hello"})
    add_response(db, round_id, alpha, {"l1": 6, "l2": "dk", "w1": 2, "w2": 3, "staff": 90})
    add_response(db, round_id, alpha, {"l1": 5, "l2": 3, "w1": None, "w2": "na"})
    # a draft is never counted: with it, l1 would average (4+6+5+1)/4 = 4
    add_response(db, round_id, alpha, {"l1": 1, "l2": 1, "w1": 1, "w2": 1}, status="draft")
    beta = add_org(db, "Beta", "Angus", "NHS", round_id)
    add_response(db, round_id, beta, {"l1": "na", "l2": 4})
    add_response(db, round_id, beta, {"l2": 5, "w1": 6})
    draft_only = add_org(db, "Gamma", "Angus", "NHS", round_id)
    add_response(db, round_id, draft_only, {"l1": 6}, status="draft")
    return alpha, beta, draft_only


def test_sql_reduces_answers_to_organisation_indicator_rows(db, alpha_round):
    round_id, alpha, beta, _ = alpha_round
    stats = load_org_indicator_stats(db, round_id)
    l1 = row(stats, organisation_id=alpha, indicator="l1")
    # submitted l1 answers 4, 6, 5: sum 15, count 3, min 4, max 6
    assert (l1["value_sum"], l1["n_scoring"], l1["value_min"], l1["value_max"]) == (15, 3, 4, 6)
    l2 = row(stats, organisation_id=alpha, indicator="l2")
    # "na" and "dk" are non-scoring; only the 3 counts
    assert (l2["n_scoring"], l2["n_non_scoring"], l2["value_sum"]) == (1, 2, 3)
    assert row(stats, organisation_id=beta, indicator="l1")["n_non_scoring"] == 1
    orgs = load_organisations(db, round_id)
    # Gamma has only a draft; Alpha's draft is not a respondent
    assert orgs.set_index("name")["n_respondents"].to_dict() == {"Alpha": 3, "Beta": 2}


def test_an_answer_with_both_value_and_option_counts_as_blank(db, fw):
    round_id = add_round(db, fw)
    org = add_org(db, "Alpha", "Angus", "Third sector", round_id)
    add_response(db, round_id, org, {"l1": 4})
    broken = add_response(db, round_id, org, {})
    # breaks the answer contract (a level and a non-scoring option at once): neither is trusted
    db["answers"].insert({"response_id": broken, "indicator_id": "l1", "domain_id": "lead",
                          "value": 6, "option": "na"})
    l1 = row(benchmark_round(db, round_id, fw).org_indicator, organisation_id=org, indicator="l1")
    assert (l1["score"], l1["n_scoring"], l1["n_non_scoring"], l1["n_blank"]) == (4, 1, 0, 1)


def test_organisation_indicator_scores_leave_out_non_scoring_and_blanks(db, fw, alpha_round):
    round_id, alpha, _, draft_only = alpha_round
    bench = benchmark_round(db, round_id, fw)
    table = bench.org_indicator
    assert set(table["indicator"].astype(str)) == {"l1", "l2", "w1", "w2", "w3"}  # text/number not scored
    assert draft_only not in set(table["organisation_id"])
    expected = {
        # indicator: (score, n_scoring, n_non_scoring, n_blank) over Alpha's 3 submitted respondents
        "l1": (5.0, 3, 0, 0),  # (4 + 6 + 5) / 3 = 5
        "l2": (3.0, 1, 2, 0),  # na and dk left out: 3 / 1
        "w1": (3.5, 2, 0, 1),  # (5 + 2) / 2; the row with neither value nor option is a blank
        "w2": (3.0, 1, 1, 1),  # 3 / 1; "na"; one respondent has no row at all: blank
        "w3": (None, 0, 0, 3),  # nobody answered
    }
    for indicator, (score, n_scoring, n_non_scoring, n_blank) in expected.items():
        got = row(table, organisation_id=alpha, indicator=indicator)
        assert (got["n_scoring"], got["n_non_scoring"], got["n_blank"]) == (n_scoring, n_non_scoring, n_blank)
        assert math.isnan(got["score"]) if score is None else got["score"] == pytest.approx(score)


def test_domain_scores_are_weighted_and_renormalised(db, fw, alpha_round):
    round_id, alpha, beta, _ = alpha_round
    bench = benchmark_round(db, round_id, fw)
    # Alpha, lead: l1 (weight 2) = 5, l2 (weight 1) = 3 -> (2*5 + 1*3) / (2 + 1) = 13/3
    assert row(bench.org_domain, organisation_id=alpha, domain="lead")["score"] == pytest.approx(13 / 3)
    # Alpha, work: w1 = 3.5, w2 = 3, w3 has no score and drops out -> (3.5 + 3) / 2 = 3.25
    work = row(bench.org_domain, organisation_id=alpha, domain="work")
    assert (work["score"], work["n_indicators"]) == (pytest.approx(3.25), 2)
    # Beta, lead: l1 only "na" so its weight drops out; l2 = (4 + 5) / 2 = 4.5 -> 4.5
    assert row(bench.org_domain, organisation_id=beta, domain="lead")["score"] == pytest.approx(4.5)
    # overall = mean of domain scores: Alpha (13/3 + 13/4) / 2 = 91/24; Beta (4.5 + 6) / 2 = 5.25
    assert row(bench.org_overall, organisation_id=alpha)["score"] == pytest.approx(91 / 24)
    assert row(bench.org_overall, organisation_id=beta)["score"] == pytest.approx(5.25)


def test_agreement_spread_and_low_agreement_flag(db, fw, alpha_round):
    round_id, alpha, beta, _ = alpha_round
    agreement = benchmark_round(db, round_id, fw).agreement
    # Alpha l1: 4, 5, 6 -> spread 6 - 4 = 2, two levels apart -> low agreement
    l1 = row(agreement, organisation_id=alpha, indicator="l1")
    assert (l1["spread"], l1["spread_levels"], l1["low_agreement"]) == (2, 2, True)
    # Alpha w1: 5 and 2 -> spread 3 levels
    assert row(agreement, organisation_id=alpha, indicator="w1")["spread_levels"] == 3
    # Beta l2: 4 and 5 -> one level apart, agreement is fine
    l2 = row(agreement, organisation_id=beta, indicator="l2")
    assert (l2["spread"], l2["low_agreement"]) == (1, False)
    # a single scoring answer (Alpha l2, w2) has no spread to report
    assert len(agreement[(agreement["organisation_id"] == alpha)]) == 2


@pytest.fixture
def nine_orgs(db, fw):
    """Nine organisations scoring l1 only, so l1, the lead domain and overall all agree."""
    round_id = add_round(db, fw)
    ids = {}
    plan = [  # name, area, sector, l1 answers of its submitted respondents
        ("A1", "Angus", "NHS", [2]), ("A2", "Angus", "Third sector", [3, 5]),
        ("A3", "Angus", "Third sector", [6]), ("A4", "Angus", "Council", [5]),
        ("D1", "Dundee City", "NHS", [3]), ("D2", "Dundee City", "Third sector", [3]),
        ("D3", "Dundee City", "Third sector", [1]),
        ("P1", "Perth and Kinross", "Third sector", [4]), ("P2", "Perth and Kinross", "NHS", [6]),
    ]
    with db.atomic():
        for name, area, sector, values in plan:
            ids[name] = add_org(db, name, area, sector, round_id)
            for value in values:
                add_response(db, round_id, ids[name], {"l1": value})
    return benchmark_round(db, round_id, fw, min_group=3), ids


@pytest.mark.parametrize("level", ["indicator", "domain", "overall"])
def test_group_statistics_count_each_organisation_once(nine_orgs, level):
    bench, _ = nine_orgs
    keys = {"indicator": {"indicator": "l1"}, "domain": {"domain": "lead"}, "overall": {}}[level]
    # Angus scores 2, 4 (A2: (3+5)/2), 6, 5 -> sorted 2, 4, 5, 6; mean 17/4 = 4.25
    # median (4+5)/2 = 4.5; q1 at position 0.25*3 = 0.75: 2 + 0.75*(4-2) = 3.5;
    # q3 at position 2.25: 5 + 0.25*(6-5) = 5.25; respondents 1 + 2 + 1 + 1 = 5
    angus = row(group_table(bench, "area", level), area="Angus", **keys)
    assert (angus["n_organisations"], angus["n_respondents"], angus["suppressed"]) == (4, 5, False)
    assert [angus[k] for k in ("mean", "median", "q1", "q3")] == pytest.approx([4.25, 4.5, 3.5, 5.25])
    # Tayside: 1 2 3 3 4 4 5 6 6 -> mean 34/9; median the 5th = 4; q1 position 2 -> 3; q3 position 6 -> 5
    tayside = row(group_table(bench, "tayside", level), **keys)
    assert (tayside["n_organisations"], tayside["n_respondents"]) == (9, 10)
    assert [tayside[k] for k in ("mean", "median", "q1", "q3")] == pytest.approx([34 / 9, 4, 3, 5])
    # Third sector: 4, 6, 3, 1, 4 -> sorted 1 3 4 4 6: mean 18/5, median 4, q1 3, q3 4
    third = row(group_table(bench, "sector", level), sector="Third sector", **keys)
    assert [third[k] for k in ("mean", "median", "q1", "q3")] == pytest.approx([3.6, 4, 3, 4])


def _missing(value) -> bool:
    """Say whether a table value is empty (None, NaN or pd.NA)."""
    import pandas as pd
    return value is None or bool(pd.isna(value))


def published(bench, viewer=PUBLIC, **rules):
    """Publish a raw benchmark for a viewer under the default rules (overridden by keyword)."""
    return publish(bench, viewer, Rules(**rules))


@pytest.mark.parametrize("level", ["indicator", "domain", "overall"])
def test_small_groups_are_hidden_and_a_complement_chosen_to_lose_least(nine_orgs, level):
    bench, _ = nine_orgs
    keys = {"indicator": {"indicator": "l1"}, "domain": {"domain": "lead"}, "overall": {}}[level]
    shown = published(bench)  # for someone who knows no organisation
    areas = group_table(shown, "area", level)
    # Perth and Kinross has 2 organisations (< 3): hidden, with all its numbers
    hidden = row(areas, area="Perth and Kinross", **keys)
    assert (hidden["suppressed"], hidden["reason"]) == (True, "too-few")
    assert all(_missing(hidden[k]) for k in ("n_organisations", "n_respondents", "mean", "median", "q1", "q3"))
    assert not row(areas, area="Angus", **keys)["suppressed"]
    assert not row(areas, area="Dundee City", **keys)["suppressed"]
    # Council has 1 organisation (A4): hidden. Tayside - NHS - Third sector would give A4's score,
    # so one of those three goes; NHS (3 organisations) loses least.
    sectors = group_table(shown, "sector", level)
    assert row(sectors, sector="Council", **keys)["reason"] == "too-few"
    assert row(sectors, sector="NHS", **keys)["reason"] == "complement"
    assert not row(sectors, sector="Third sector", **keys)["suppressed"]
    assert not row(group_table(shown, "tayside", level), **keys)["suppressed"]
    # every area-and-sector cell has at most 2 organisations
    grid = group_table(shown, "area-sector", level)
    for column, value in keys.items():
        grid = grid[grid[column] == value]
    assert len(grid) == 7 and (grid["reason"] == "too-few").all()
    # the old rule hid Dundee City (3) as a complement of Perth and Kinross: nothing needed that
    assert row(areas, area="Dundee City", **keys)["mean"] == pytest.approx(2.3)  # 7/3 to 1 decimal


def test_figures_resting_only_on_known_organisations_are_shown(nine_orgs):
    bench, ids = nine_orgs
    dundee = Viewer("a commissioner for Dundee City", known=frozenset(ids[k] for k in ("D1", "D2", "D3")))
    shown = published(bench, dundee, min_organisations=5)
    # Dundee City has 3 organisations, fewer than 5, but the commissioner sees each of them anyway
    area = row(group_table(shown, "area", "overall"), area="Dundee City")
    assert (area["suppressed"], area["mean"], area["n_organisations"]) == (False, pytest.approx(2.3), 3)
    # the Third sector in Dundee City (D2, D3) likewise; in Angus (A2, A3) it stays hidden
    grid = group_table(shown, "area-sector", "overall")
    assert not row(grid, area="Dundee City", sector="Third sector")["suppressed"]
    assert row(grid, area="Angus", sector="Third sector")["reason"] == "too-few"
    # only the organisations the viewer knows are in the published organisation tables
    assert set(shown.org_overall["organisation_id"]) == {ids["D1"], ids["D2"], ids["D3"]}


def test_a_group_with_one_organisation_the_viewer_does_not_know_is_hidden(nine_orgs):
    bench, ids = nine_orgs
    # a lead of P1 sees Perth and Kinross as P1 and one other organisation: P2's score is the rest
    lead = Viewer("a service lead of P1", known=frozenset({ids["P1"]}), own=frozenset({ids["P1"]}))
    shown = published(bench, lead, min_organisations=2)
    assert row(group_table(shown, "area", "overall"), area="Perth and Kinross")["reason"] == "too-few"
    assert attack(bench, shown, {ids["P1"]}) == []


def test_spread_and_ranks_only_for_groups_of_ten_unknown_organisations(nine_orgs):
    bench, ids = nine_orgs
    shown = published(bench)
    angus = row(group_table(shown, "area", "overall"), area="Angus")
    # 4 organisations: the mean (4.25, to one decimal) but no median or quartiles, which would
    # give every member's score in a group this small
    assert angus["mean"] == pytest.approx(4.2) and not angus["spread_shown"]
    assert all(_missing(angus[k]) for k in ("median", "q1", "q3"))
    loose = published(bench, min_for_spread=4)
    angus = row(group_table(loose, "area", "overall"), area="Angus")
    assert [angus[k] for k in ("median", "q1", "q3")] == pytest.approx([4.5, 3.5, 5.2])
    everyone = published(bench, EVERYONE)
    assert row(group_table(everyone, "area", "overall"), area="Angus")["median"] == pytest.approx(4.5)
    lead = Viewer("a lead of A2", known=frozenset({ids["A2"]}))
    a2 = row(published(bench, lead).org_overall, organisation_id=ids["A2"])
    assert math.isnan(a2["percentile_area"]) and a2["gap_area"] == pytest.approx(4 - 4.2)


def test_positions_percentile_ranks_and_gaps(nine_orgs):
    bench, ids = nine_orgs
    a2 = row(bench.org_overall, organisation_id=ids["A2"])
    # A2 scores 4. Angus 2 4 5 6: 1 lower, 1 tied (itself) -> 100 * (1 + 1/2) / 4 = 37.5
    # Third sector 4 6 3 1 4: 2 lower, 2 tied -> 100 * (2 + 2/2) / 5 = 60
    assert (a2["percentile_area"], a2["percentile_sector"]) == (pytest.approx(37.5), pytest.approx(60))
    # gaps: 4 - 4.25 = -0.25; 4 - 3.6 = 0.4; 4 - 34/9 = 2/9
    assert [a2["gap_area"], a2["gap_sector"], a2["gap_tayside"]] == pytest.approx([-0.25, 0.4, 2 / 9])
    # A3 scores 6: 3 lower, 1 tied -> 100 * 3.5 / 4 = 87.5
    assert row(bench.org_overall, organisation_id=ids["A3"])["percentile_area"] == pytest.approx(87.5)
    # published for P1's lead, whose area (P1, P2) is hidden: no gap against it. Tayside less Angus
    # and Dundee City would give P2's score, and less both sectors Council's (A4): the smallest
    # figures that close each gap go (Dundee City, NHS), and Tayside stays.
    lead = Viewer("a lead of P1", known=frozenset({ids["P1"]}))
    shown = published(bench, lead)
    assert row(group_table(shown, "area", "overall"), area="Dundee City")["reason"] == "complement"
    assert row(group_table(shown, "sector", "overall"), sector="NHS")["reason"] == "complement"
    p1 = row(shown.org_overall, organisation_id=ids["P1"])
    assert math.isnan(p1["percentile_area"]) and math.isnan(p1["gap_area"])
    assert p1["gap_tayside"] == pytest.approx(4 - 3.8) and p1["gap_sector"] == pytest.approx(4 - 3.6)


def test_benchmark_records_have_exactly_the_csv_columns(nine_orgs):
    bench, ids = nine_orgs
    shown = published(bench, EVERYONE, min_organisations=4)
    records = benchmark_records(shown, "area", "overall")
    assert [list(r) for r in records] == [record_columns("area", "overall")] * 3
    assert record_columns("area", "overall") == [
        "area", "n_organisations", "n_respondents", "mean", "median", "q1", "q3", "suppressed", "reason"]
    by_area = {r["area"]: r for r in records}
    assert by_area["Angus"] == {"area": "Angus", "n_organisations": 4, "n_respondents": 5, "mean": 4.2,
                                "median": 4.5, "q1": 3.5, "q3": 5.2, "suppressed": False, "reason": ""}
    hidden = {r["area"]: r for r in benchmark_records(published(bench), "area", "overall")}
    assert hidden["Perth and Kinross"]["mean"] is None and hidden["Perth and Kinross"]["suppressed"] is True
    indicator_columns = record_columns("organisation", "indicator")
    assert indicator_columns == [
        "organisation", "organisation_name", "area", "sector", "domain", "indicator", "n_organisations",
        "n_respondents", "mean", "median", "q1", "q3", "n_scoring", "n_non_scoring", "n_blank", "suppressed",
        "reason"]
    a2 = next(r for r in benchmark_records(shown, "organisation", "indicator")
              if r["organisation"] == ids["A2"] and r["indicator"] == "l1")
    # an organisation is a group of one: its mean, median and quartiles are its score, (3+5)/2 = 4
    assert (a2["organisation_name"], a2["mean"], a2["median"], a2["q1"], a2["n_respondents"]) == ("A2", 4, 4, 4, 2)
    tayside = benchmark_records(shown, "tayside", "domain")
    # 34/9 = 3.777... published to the framework's one decimal
    assert tayside[0]["domain"] == "lead" and tayside[0]["mean"] == 3.8
    with pytest.raises(ValueError):
        benchmark_records(bench, "region", "overall")


def test_min_organisations_is_a_rule(db, fw):
    round_id = add_round(db, fw)
    add_orgs_with_scores(db, round_id, "Angus", [{"l1": 2}, {"l1": 4}])
    add_orgs_with_scores(db, round_id, "Dundee City", [{"l1": 6}, {"l1": 6}])
    bench = benchmark_round(db, round_id, fw)
    shown = published(bench, min_organisations=2)
    hidden = published(bench, min_organisations=5)
    # with 2, both areas (2 organisations each) are shown; Angus mean (2+4)/2 = 3
    assert row(group_table(shown, "area", "overall"), area="Angus")["mean"] == pytest.approx(3)
    assert group_table(hidden, "area", "overall")["suppressed"].all()
    assert group_table(hidden, "tayside", "overall")["suppressed"].all()  # 4 < 5


def test_empty_round_gives_empty_tables(db, fw):
    round_id = add_round(db, fw)
    bench = benchmark_round(db, round_id, fw)
    assert bench.org_overall.empty and group_table(bench, "area", "indicator").empty
    assert benchmark_records(bench, "tayside", "overall") == []


def test_tayside_wide_is_an_area_of_its_own(db, fw):
    round_id = add_round(db, fw)
    add_orgs_with_scores(db, round_id, "Angus", [{"l1": 2}, {"l1": 4}])
    add_orgs_with_scores(db, round_id, "Tayside-wide", [{"l1": 6}])
    bench = published(benchmark_round(db, round_id, fw), EVERYONE)
    areas = group_table(bench, "area", "overall").set_index("area")["mean"].astype(float).to_dict()
    # Angus (2 + 4) / 2 = 3; Tayside-wide 6 on its own; Tayside (2 + 4 + 6) / 3 = 4
    assert areas == {"Angus": 3, "Tayside-wide": 6}
    assert group_table(bench, "tayside", "overall")["mean"].tolist() == [4]



def test_named_frameworks_show_every_organisation_and_hide_nothing(nine_orgs):
    bench, ids = nine_orgs
    shown = published(bench, PUBLIC, mode="named")
    # even someone who knows nobody sees every organisation and every group, spread included
    assert set(shown.org_overall["organisation_id"]) == set(ids.values())
    assert not any(table["suppressed"].any() for table in shown.groups.values())
    assert row(group_table(shown, "area", "overall"), area="Angus")["median"] == pytest.approx(4.5)
