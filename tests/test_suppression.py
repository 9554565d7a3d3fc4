"""Primary and secondary suppression, and the response progress counts that use them."""
import pandas as pd
import pytest

from surveyapp.benchmarks.response_progress import progress_counts, response_progress
from surveyapp.benchmarks.suppression import primary_suppression, secondary_suppression, two_way_suppression

from .aggregation_helpers import add_org, add_response, add_round, framework, new_db


def cells(sizes: dict, min_group: int = 3) -> tuple[pd.DataFrame, pd.Series]:
    """Build one breakdown of named cells and their primary suppression flags."""
    frame = pd.DataFrame({"cell": list(sizes), "n": list(sizes.values())})
    return frame, primary_suppression(frame["n"], min_group)


def hidden(frame, flags) -> list[str]:
    return frame.loc[flags.to_numpy(), "cell"].tolist()


def test_primary_hides_one_to_min_group_minus_one():
    frame, flags = cells({"zero": 0, "one": 1, "two": 2, "three": 3})
    assert hidden(frame, flags) == ["one", "two"]  # a zero describes nobody and is shown


def test_a_single_hidden_cell_takes_the_next_smallest_with_it():
    frame, flags = cells({"Angus": 7, "Dundee City": 4, "Perth and Kinross": 2, "Tayside-wide": 5})
    shown = pd.Series(True, index=frame.index)
    # 7 + 4 + 2 + 5 = 18 shown as the total: Perth and Kinross = 18 - 7 - 4 - 5 unless another goes
    result = secondary_suppression(frame, [], "n", flags, shown)
    assert hidden(frame, result) == ["Dundee City", "Perth and Kinross"]


def test_no_second_cell_when_two_are_hidden_or_the_total_is_hidden():
    frame, flags = cells({"a": 1, "b": 2, "c": 9})
    shown = pd.Series(True, index=frame.index)
    assert hidden(frame, secondary_suppression(frame, [], "n", flags, shown)) == ["a", "b"]
    frame, flags = cells({"a": 1, "b": 9})
    assert hidden(frame, secondary_suppression(frame, [], "n", flags, ~shown[:2])) == ["a"]


def test_ties_go_to_the_first_cell_and_zeros_are_never_the_complement():
    frame, flags = cells({"a": 0, "b": 5, "c": 5, "d": 1})
    shown = pd.Series(True, index=frame.index)
    # hiding the zero would protect nothing; b and c tie at 5, b comes first
    assert hidden(frame, secondary_suppression(frame, [], "n", flags, shown)) == ["b", "d"]


def test_each_breakdown_is_handled_on_its_own():
    frame = pd.DataFrame({"item": ["x", "x", "x", "y", "y", "y"], "cell": list("abcabc"), "n": [1, 4, 6, 3, 4, 6]})
    flags = primary_suppression(frame["n"], 3)
    shown = pd.Series(True, index=frame.index)
    result = secondary_suppression(frame, ["item"], "n", flags, shown)
    # x: a hidden alone -> b (4) too; y: nothing hidden
    assert result.tolist() == [True, True, False, False, False, False]


def test_two_way_table_settles_along_both_margins():
    # rows r1, r2; columns c1, c2, c3. Only r1/c1 (size 1) is small.
    #        c1  c2  c3
    #   r1    1   5   9
    #   r2    6   4   8
    frame = pd.DataFrame({"row": ["r1"] * 3 + ["r2"] * 3, "col": ["c1", "c2", "c3"] * 2, "n": [1, 5, 9, 6, 4, 8]})
    flags = primary_suppression(frame["n"], 3)
    shown = pd.Series(True, index=frame.index)
    result = two_way_suppression(frame, ["row"], ["col"], "n", flags, shown, shown)
    # row r1: hide r1/c2 (5, smaller than 9). Column c1: hide r2/c1 (the only other cell).
    # Column c2 now has r1 hidden alone: hide r2/c2. Row r2 then has c1 and c2 hidden: settled.
    assert frame.loc[result.to_numpy(), ["row", "col"]].values.tolist() == [
        ["r1", "c1"], ["r1", "c2"], ["r2", "c1"], ["r2", "c2"]]


def test_progress_counts_by_area_and_sector(tmp_path):
    db = new_db(tmp_path / "test.db")
    fw = framework()
    round_id = add_round(db, fw)
    plan = {  # name: (area, sector, invited?, statuses of its responses)
        "A1": ("Angus", "NHS", True, ["submitted"]), "A2": ("Angus", "NHS", True, ["submitted", "draft"]),
        "A3": ("Angus", "Third", True, ["draft"]), "A4": ("Angus", "Third", True, ["draft"]),
        "A5": ("Angus", "Third", True, []),
        "D1": ("Dundee City", "NHS", True, ["submitted"]), "D2": ("Dundee City", "Third", True, []),
        "D3": ("Dundee City", "Third", True, []),
        "K1": ("Perth and Kinross", "NHS", True, ["submitted"]),
        "K2": ("Perth and Kinross", "Third", True, ["draft"]),
        "K3": ("Perth and Kinross", "Third", False, ["submitted"]),  # not invited, but responded
        "T1": ("Tayside-wide", "NHS", True, []),
        "Z9": ("Angus", "NHS", False, []),  # neither invited nor responding: not in the round
    }
    with db.atomic():
        for name, (area, sector, invited, statuses) in plan.items():
            org = add_org(db, name, area, sector, round_id if invited else None)
            for status in statuses:
                add_response(db, round_id, org, {"l1": 3}, status=status)
    progress = response_progress(db, round_id, min_group=3)
    by_area = progress.by_area.set_index("area")
    # invited: Angus 5, Dundee 3, Perth 3 (K3 counts), Tayside-wide 1 -> total 12.
    # Tayside-wide (1) is hidden; it is alone, so the smallest other (Dundee City 3, first of the
    # tied 3s) is hidden too.
    assert progress.total["invited"] == 12
    assert by_area["invited"].tolist()[0] == 5
    assert by_area["invited_suppressed"].to_dict() == {
        "Angus": False, "Dundee City": True, "Perth and Kinross": False, "Tayside-wide": True}
    assert pd.isna(by_area.loc["Dundee City", "invited"])
    # started: Angus 4, Dundee 1, Perth 3 (K1, K2, K3), Tayside-wide 0 -> total 8.
    # Dundee (1) hidden alone; the zero is no complement, so Perth and Kinross (3) goes.
    assert progress.total["started"] == 8
    assert by_area["started_suppressed"].to_dict() == {
        "Angus": False, "Dundee City": True, "Perth and Kinross": True, "Tayside-wide": False}
    assert by_area.loc["Tayside-wide", "started"] == 0 and by_area.loc["Angus", "started"] == 4
    # submitted: Angus 2, Dundee 1, Perth 2, Tayside-wide 0 -> all non-zero cells hidden; total 5 shown
    assert progress.total["submitted"] == 5 and not progress.total["submitted_suppressed"]
    assert by_area["submitted_suppressed"].tolist() == [True, True, True, False]
    by_sector = progress.by_sector.set_index("sector")
    # sectors, submitted: NHS 4 (A1, A2, D1, K1), Third 1 (K3): Third hidden, NHS hidden as complement
    assert by_sector["submitted_suppressed"].to_dict() == {"NHS": True, "Third": True}
    # invited: NHS 5 (A1 A2 D1 K1 T1), Third 7 -> both shown
    assert by_sector["invited"].tolist() == [5, 7]
    db.close()


def test_progress_total_below_min_group_is_hidden():
    statuses = pd.DataFrame({"organisation_id": [1, 2], "area": ["Angus", "Angus"], "sector": ["NHS", "NHS"],
                             "started": [1, 0], "submitted": [1, 0]})
    progress = progress_counts(statuses, min_group=3)
    assert progress.total["invited"] is None and progress.total["invited_suppressed"]
    assert progress.by_area["invited_suppressed"].tolist() == [True]


@pytest.mark.parametrize("min_group", [1, 2])
def test_min_group_one_hides_nothing(min_group):
    frame, flags = cells({"a": 1, "b": 2}, min_group=min_group)
    assert hidden(frame, flags) == ([] if min_group == 1 else ["a"])
