"""Strengths, development areas, summaries and change between rounds, worked by hand."""
import pytest

from surveyapp.benchmarks.aggregation import benchmark_round
from surveyapp.benchmarks.disclosure import PUBLIC, Rules, Viewer
from surveyapp.benchmarks.publish import publish
from surveyapp.benchmarks.summaries import change_since, group_summary, organisation_summary, strengths_and_development

from .aggregation_helpers import add_org, add_orgs_with_scores, add_response, add_round, framework, new_db


@pytest.fixture
def db(tmp_path):
    database = new_db(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def fw():
    # rules: strengths score >= 5, at most 2; development score <= 2 or 1.0 below, at most 2
    return framework()


def answers(l1, l2, w1, w2, w3):
    return {"l1": l1, "l2": l2, "w1": w1, "w2": w2, "w3": w3}


@pytest.fixture
def picks_round(db, fw):
    """Angus 4 organisations (shown), Dundee City 2 (hidden), Perth and Kinross 3 (hidden as complement).

    Angus means: l1 (6+6+3+5)/4 = 5; l2 (5+3+4+4)/4 = 4; w1 (6+3+5+4)/4 = 4.5;
    w2 (2+2+2+2)/4 = 2; w3 (3+5+6+5)/4 = 4.75.
    Tayside (9 organisations) sums: l1 20 + 2 + 4 + 12 = 38; l2 16 + 6 + 4 + 12 = 38;
    w1 18 + 5 + 4 + 12 = 39; w2 8 + 1 + 4 + 12 = 25; w3 19 + 4 + 4 + 12 = 39.
    """
    round_id = add_round(db, fw)
    with db.atomic():
        x, _, _, _ = add_orgs_with_scores(db, round_id, "Angus", [
            answers(6, 5, 6, 2, 3),  # X
            answers(6, 3, 3, 2, 5),
            answers(3, 4, 5, 2, 6),
            answers(5, 4, 4, 2, 5),
        ])
        u, _ = add_orgs_with_scores(db, round_id, "Dundee City", [answers(2, 6, 5, 1, 4), answers(4, 4, 4, 4, 4)])
        k1, _, _ = add_orgs_with_scores(db, round_id, "Perth and Kinross", [answers(4, 4, 4, 4, 4)] * 3)
    return benchmark_round(db, round_id, fw), {"X": x, "U": u, "K1": k1}


def test_strengths_and_development_against_the_area(picks_round, fw):
    bench, ids = picks_round
    strengths, development = strengths_and_development(bench, ids["X"], fw)
    # X scores l1 6 (gap 6-5 = +1), l2 5 (+1), w1 6 (6-4.5 = +1.5): all >= 5. Highest first, and
    # l1 and w1 tie on 6, so the larger gap (w1, +1.5) comes first; at most 2, so l2 is cut.
    assert [(s["indicator"], s["score"], s["gap"]) for s in strengths] == [("w1", 6, 1.5), ("l1", 6, 1)]
    assert {s["benchmark"] for s in strengths} == {"area"}
    assert (strengths[0]["benchmark_mean"], strengths[0]["text"]) == (4.5, "Staff are trained")
    # development: w2 2 <= 2 (gap 0); w3 3, gap 3 - 4.75 = -1.75 is at least 1.0 below. Lowest first.
    assert [(d["indicator"], d["score"], d["gap"]) for d in development] == [("w2", 2, 0), ("w3", 3, -1.75)]


def lead_of(org_id: int) -> Viewer:
    """Return the viewer a service lead of one organisation is."""
    return Viewer("a lead", known=frozenset({org_id}), own=frozenset({org_id}))


def test_picks_fall_back_to_tayside_when_the_area_is_hidden(picks_round, fw):
    bench, ids = picks_round
    shown = publish(bench, lead_of(ids["U"]), Rules())
    strengths, development = strengths_and_development(shown, ids["U"], fw)
    # Dundee City is U and one other organisation: hidden from U's lead, who would learn the
    # other's scores. U is compared with Tayside (9 organisations), published to one decimal:
    # l1 38/9 -> 4.2, l2 4.2, w1 39/9 -> 4.3, w2 25/9 -> 2.8, w3 4.3.
    # U: l1 2 (-2.2), l2 6 (+1.8), w1 5 (+0.7), w2 1 (-1.8), w3 4 (-0.3)
    assert [(s["indicator"], s["benchmark"]) for s in strengths] == [("l2", "tayside"), ("w1", "tayside")]
    assert strengths[0]["gap"] == pytest.approx(1.8, abs=1e-6)
    # development: w2 (1) and l1 (2), lowest first; w3 is only 0.3 below
    assert [(d["indicator"], d["score"]) for d in development] == [("w2", 1), ("l1", 2)]
    assert development[1]["benchmark_mean"] == pytest.approx(4.2)
    # K1's lead sees Perth and Kinross as K1 and two others: shown, so K1 is compared with it
    k1_strengths, k1_development = strengths_and_development(publish(bench, lead_of(ids["K1"]), Rules()),
                                                             ids["K1"], fw)
    assert k1_strengths == [] and k1_development == []  # 4 everywhere, as is its area


def test_organisation_summary_has_everything_for_the_page(picks_round, fw):
    bench, ids = picks_round
    summary = organisation_summary(bench, ids["X"], fw)
    assert summary.organisation["area"] == "Angus" and summary.organisation["n_respondents"] == 1
    lead = summary.domains[0]
    # X lead: (2*6 + 1*5) / 3 = 17/3; work: (6 + 2 + 3) / 3 = 11/3; overall (17/3 + 11/3) / 2 = 14/3
    assert (lead["domain"], lead["title"]) == ("lead", "Leadership")
    assert lead["score"] == pytest.approx(17 / 3, abs=1e-6)
    assert summary.domains[1]["score"] == pytest.approx(11 / 3, abs=1e-6)
    assert summary.overall["score"] == pytest.approx(14 / 3, abs=1e-6)
    # the Angus lead-domain mean: Y (12+3)/3 = 5, Z (6+4)/3 = 10/3, Q (10+4)/3 = 14/3;
    # (17/3 + 5 + 10/3 + 14/3) / 4 = (17 + 15 + 10 + 14) / 12 = 56/12 = 14/3
    assert lead["area_mean"] == pytest.approx(14 / 3, abs=1e-6)
    assert [s["indicator"] for s in summary.strengths] == ["w1", "l1"]
    assert [i["indicator"] for i in summary.indicators] == ["l1", "l2", "w1", "w2", "w3"]
    with pytest.raises(KeyError):
        organisation_summary(bench, 99999, fw)


def test_group_summary_for_an_area(picks_round):
    bench = publish(picks_round[0], PUBLIC, Rules())
    angus = group_summary(bench, "area", "Angus")
    assert angus.overall["n_organisations"] == 4 and not angus.overall["suppressed"]
    l1 = angus.indicators[0]
    # Angus l1: 6 6 3 5 -> mean 5; Tayside l1 38/9, published as 4.2
    assert (l1["indicator"], l1["mean"], l1["tayside_mean"]) == ("l1", 5, pytest.approx(4.2))
    dundee = group_summary(bench, "area", "Dundee City")
    assert dundee.overall["suppressed"] and dundee.overall["mean"] is None
    with pytest.raises(KeyError):
        group_summary(bench, "area", "Nowhere")


def test_change_since_the_previous_round_matches_by_id(db):
    v1, v2 = framework(version=1, with_w3=False), framework(version=2)
    first, second = add_round(db, v1), add_round(db, v2)
    org = add_org(db, "Alpha", "Angus")
    add_response(db, first, org, {"l1": 3, "l2": 3, "w1": 4, "w2": 4})
    add_response(db, second, org, {"l1": 5, "l2": 2, "w1": 4, "w2": 4, "w3": 6})
    before, after = benchmark_round(db, first, v1), benchmark_round(db, second, v2)
    domains = change_since(before, after, "organisation", "domain").set_index("domain")
    # lead: (2*3 + 3) / 3 = 3 -> (2*5 + 2) / 3 = 4: +1. work: (4+4)/2 = 4 -> (4+4+6)/3 = 14/3: +2/3
    assert domains.loc["lead", ["previous", "current", "change"]].tolist() == pytest.approx([3, 4, 1])
    assert domains.loc["work", "change"] == pytest.approx(2 / 3)
    indicators = change_since(before, after, "organisation", "indicator").set_index("indicator")
    # l1 3 -> 5 (+2), l2 3 -> 2 (-1), w1 and w2 unchanged; w3 is new in version 2: left out
    assert indicators["change"].to_dict() == {"l1": 2, "l2": -1, "w1": 0, "w2": 0}
    # published for someone who does not know Alpha, Tayside (one organisation) is hidden in both
    # rounds: the row stays, marked, with no numbers
    tayside = change_since(publish(before, PUBLIC, Rules()), publish(after, PUBLIC, Rules()), "tayside", "overall")
    assert tayside["suppressed"].tolist() == [True] and tayside["change"].isna().all()
    assert tayside["reason"].tolist() == ["too-few"]
    # to Alpha's own lead Tayside is Alpha: shown, it reveals nothing they do not know
    own = change_since(publish(before, lead_of(org), Rules()), publish(after, lead_of(org), Rules()), "tayside",
                       "overall")
    assert own["suppressed"].tolist() == [False] and own["change"].tolist() == pytest.approx([(4 + 14 / 3) / 2 - 3.5],
                                                                                              abs=0.051)
    other = benchmark_round(db, second, framework(version=1, framework_id="other-fw"))
    with pytest.raises(ValueError):
        change_since(before, other)
