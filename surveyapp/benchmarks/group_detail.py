"""Group figures that the summaries module does not give, read from a RoundBenchmark.

Strengths and development areas of a group, its organisations' spread over
the scale, and agreement counts. Pure functions over the benchmark tables;
a suppressed group yields nothing but its suppressed flag.
"""
from __future__ import annotations

import pandas as pd

from surveyapp.benchmarks.aggregation import GROUPINGS, TIE_DECIMALS, RoundBenchmark
from surveyapp.benchmarks.publish import Band
from surveyapp.benchmarks.records import group_table
from surveyapp.frameworks.model import Framework


def group_members(table: pd.DataFrame, by: str, key) -> pd.Series:
    """Return a mask of rows belonging to one group (key: a name, or a tuple for area-sector)."""
    keys = GROUPINGS[by]
    values = [key] if len(keys) == 1 else list(key or ())
    mask = pd.Series(True, index=table.index)
    for column, value in zip(keys, values):
        mask &= table[column].astype(str) == str(value)
    return mask


def group_is_suppressed(bench: RoundBenchmark, by: str, key) -> bool:
    """Return True when the group's overall figures are hidden (or it has no organisations)."""
    return bool(group_hidden_reason(bench, by, key))


def group_hidden_reason(bench: RoundBenchmark, by: str, key) -> str:
    """Return why a group's overall figures are hidden, "" when they are shown (too-few when it is empty)."""
    table = group_table(bench, by, "overall")
    rows = table[group_members(table, by, key)]
    if rows.empty:
        return "too-few"
    if not bool(rows["suppressed"].iloc[0]):
        return ""
    return str(rows["reason"].iloc[0]) if "reason" in rows else "too-few"


def group_highlights(bench: RoundBenchmark, by: str, key, framework: Framework) -> tuple[list[dict], list[dict]]:
    """Pick a group's strengths and development areas by the framework's rules, against Tayside."""
    table = group_table(bench, by, "indicator")
    rows = table[group_members(table, by, key) & ~table["suppressed"].astype(bool)]
    rows = rows[rows["mean"].notna()]
    tayside = group_table(bench, "tayside", "indicator").set_index("indicator")["mean"].astype(float)
    out = pd.DataFrame({
        "indicator": rows["indicator"].astype(str), "domain": rows["domain"].astype(str),
        "mean": rows["mean"].astype(float),
        "position": rows["indicator"].cat.codes if hasattr(rows["indicator"], "cat") else range(len(rows)),
    })
    out["tayside_mean"] = rows["indicator"].astype(str).map(tayside.rename(index=str)).to_numpy()
    out["gap"] = (out["mean"] - out["tayside_mean"]).round(TIE_DECIMALS)
    strong = out[out["mean"] >= framework.strengths.min_score].sort_values(
        ["mean", "gap", "position"], ascending=[False, False, True], na_position="last")
    rule = framework.development
    weak = out[(out["mean"] <= rule.max_score) | (out["gap"] <= -rule.gap)].sort_values(
        ["mean", "gap", "position"], ascending=[True, True, True], na_position="last")
    columns = ["indicator", "domain", "mean", "tayside_mean", "gap"]
    return (_records(strong.head(framework.strengths.max)[columns]),
            _records(weak.head(rule.max)[columns]))


def score_bands(framework: Framework) -> list[tuple[float, float, bool]]:
    """Return (low, high, includes_high) bands between the first scale's level values."""
    values = framework.scales[0].values
    return [(values[i], values[i + 1], i == len(values) - 2) for i in range(len(values) - 1)]


def _key(by: str, key) -> tuple:
    """Return a group key as the tuple of strings the published counts are keyed by."""
    if not GROUPINGS[by]:
        return ()
    return (str(key),) if len(GROUPINGS[by]) == 1 else tuple(str(k) for k in key)


def organisation_distribution(bench: RoundBenchmark, by: str, key, framework: Framework) -> tuple[list[Band], str]:
    """Return how many of a group's organisations' overall scores fall in each band, and why not if hidden.

    The counts come published (benchmarks.publish): ([], reason) when they are hidden.
    """
    counts, reason = bench.bands.get((by, _key(by, key)), (None, "too-few"))
    if counts is None:
        return [], reason
    return [Band(low, high, last, count) for (low, high, last), count in zip(score_bands(framework), counts)], ""


def group_agreement(bench: RoundBenchmark, by: str, key) -> list[dict]:
    """Count, per indicator, a group's organisations with 2+ answers and those with low agreement.

    Indicators whose counts are hidden for this viewer are left out.
    """
    group, out = _key(by, key), []
    for (grouping, found, indicator), (counts, _reason) in bench.agreement_counts.items():
        if grouping == by and found == group and counts is not None:
            out.append({"indicator": indicator, "n_organisations": counts[0], "n_low": counts[1]})
    return out


def _records(frame: pd.DataFrame) -> list[dict]:
    """Turn a frame into plain records with floats or None."""
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()})
    return out
