"""An organisation's rows found through the per-benchmark index are those a mask over the round finds."""
from __future__ import annotations

import pandas as pd
import pytest

from surveyapp.benchmarks.aggregation import LEVELS, benchmark_round
from surveyapp.benchmarks.ranking import TIE_DECIMALS
from surveyapp.benchmarks.records import plain_value
from surveyapp.benchmarks.summaries import organisation_columns, organisation_summary, strengths_and_development

from .report_world import round_data, world_db  # noqa: F401  (fixtures)

# 1 shows every group; 3 hides Angus and Local authority; 9 hides every group, Tayside too (8 organisations)
MIN_GROUPS = (1, 3, 5, 9)


@pytest.fixture(scope="module", params=MIN_GROUPS)
def bench(request, round_data):
    """The report world's round benchmarked afresh with one smallest group size."""
    _, world, db = round_data
    return benchmark_round(db, world.round_id, world.framework, request.param), world.framework


def organisation_ids(bench) -> list[int]:
    """Return every organisation in the round and one that is not."""
    return [int(org) for org in bench.organisations["organisation_id"]] + [99999]


def plain(values) -> list:
    """Turn values into plain ones that compare equal when missing (NaN is never equal to itself)."""
    return [plain_value(v) for v in values]


def test_each_table_gives_the_rows_a_mask_finds_in_order(bench):
    bench, _ = bench
    tables = {"organisations": bench.organisations, "agreement": bench.agreement,
              **{level: bench.org_table(level) for level in LEVELS}}
    for name, table in tables.items():
        for org in organisation_ids(bench):
            found = organisation_columns(bench, name, org, list(table.columns))
            expected = table[table["organisation_id"] == org]
            assert {c: plain(v) for c, v in found.items()} == {c: plain(expected[c]) for c in table.columns}


def test_benchmark_means_beside_each_score_are_the_groups_found_by_mask(bench):
    bench, framework = bench
    for org in organisation_ids(bench)[:-1]:
        summary = organisation_summary(bench, org, framework)
        own = summary.organisation
        for level, rows in (("overall", [summary.overall]), ("domain", summary.domains)):
            for by, keys in (("area", ["area"]), ("sector", ["sector"]), ("tayside", [])):
                group = bench.groups[by, level]
                for key in keys:
                    group = group[group[key] == own[key]]
                for row in rows:
                    match = group if level == "overall" else group[group["domain"].astype(str) == row["domain"]]
                    expected = plain_value(match["mean"].iloc[0]) if len(match) else None
                    assert row[f"{by}_mean"] == expected, (org, level, by)


def pandas_picks(bench, org_id: int, framework) -> tuple[list[str], list[str]]:
    """Pick strengths and development areas with pandas masks and sorts over the whole round."""
    org = bench.organisations[bench.organisations["organisation_id"] == org_id].iloc[0]
    rows = bench.org_indicator[bench.org_indicator["organisation_id"] == org_id]
    area = bench.groups["area", "indicator"]
    area = area[area["area"] == org["area"]].set_index("indicator")["mean"]
    tayside = bench.groups["tayside", "indicator"].set_index("indicator")["mean"]
    area_mean = rows["indicator"].map(area).astype(float)
    frame = pd.DataFrame({
        "indicator": rows["indicator"].astype(str), "score": rows["score"],
        "mean": area_mean.where(area_mean.notna(), rows["indicator"].map(tayside).astype(float)),
        "position": rows["indicator"].cat.codes})
    frame["gap"] = frame["score"] - frame["mean"]
    frame = frame[frame["score"].notna()]
    rule, order = framework.development, ["score", "gap", "position"]
    strong = frame[frame["score"] >= framework.strengths.min_score].sort_values(
        order, ascending=[False, False, True], na_position="last")
    weak = frame[(frame["score"] <= rule.max_score) | (frame["gap"].round(TIE_DECIMALS) <= -rule.gap)].sort_values(
        order, na_position="last")
    return strong["indicator"].tolist()[:framework.strengths.max], weak["indicator"].tolist()[:rule.max]


def test_strengths_and_development_are_those_pandas_sorts_pick(bench):
    bench, framework = bench
    for org in organisation_ids(bench)[:-1]:
        strengths, development = strengths_and_development(bench, org, framework)
        picked = ([s["indicator"] for s in strengths], [d["indicator"] for d in development])
        assert picked == pandas_picks(bench, org, framework), org


def test_an_organisation_without_responses_is_a_key_error(bench):
    bench, framework = bench
    with pytest.raises(KeyError):
        organisation_summary(bench, 99999, framework)
