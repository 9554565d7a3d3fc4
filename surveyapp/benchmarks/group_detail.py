"""Group figures that the summaries module does not give, read from a RoundBenchmark.

Strengths and development areas of a group, its organisations' spread over
the scale, and agreement counts. Pure functions over the benchmark tables;
a suppressed group yields nothing but its suppressed flag.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from surveyapp.benchmarks.aggregation import GROUPINGS, TIE_DECIMALS, RoundBenchmark, group_table
from surveyapp.frameworks.model import Framework


@dataclass(frozen=True)
class Band:
    """One band of the scale and how many organisations' overall scores fall in it."""

    low: float
    high: float
    last: bool
    count: int


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
    table = group_table(bench, by, "overall")
    rows = table[group_members(table, by, key)]
    return rows.empty or bool(rows["suppressed"].iloc[0])


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


def organisation_distribution(bench: RoundBenchmark, by: str, key, framework: Framework) -> list[Band]:
    """Count a group's organisations whose overall score falls in each band of the scale."""
    overall = bench.org_overall
    scores = overall.loc[group_members(overall, by, key), "score"].dropna().astype(float)
    bands = []
    for low, high, last in score_bands(framework):
        inside = (scores >= low) & ((scores <= high) if last else (scores < high))
        bands.append(Band(low=low, high=high, last=last, count=int(inside.sum())))
    # scores outside the first scale (a framework mixing scales) are not lost silently
    below, above = int((scores < bands[0].low).sum()), int((scores > bands[-1].high).sum())
    if below:
        bands[0] = Band(bands[0].low, bands[0].high, bands[0].last, bands[0].count + below)
    if above:
        bands[-1] = Band(bands[-1].low, bands[-1].high, bands[-1].last, bands[-1].count + above)
    return bands


def group_agreement(bench: RoundBenchmark, by: str, key) -> list[dict]:
    """Count, per indicator, a group's organisations with 2+ answers and those with low agreement."""
    agreement = bench.agreement
    rows = agreement[group_members(agreement, by, key)]
    if rows.empty:
        return []
    counts = rows.groupby("indicator", observed=True, sort=True).agg(
        domain=("domain", "first"), n_organisations=("organisation_id", "nunique"),
        n_low=("low_agreement", "sum"))
    counts = counts.reset_index()
    return [{"indicator": str(r["indicator"]), "domain": str(r["domain"]),
             "n_organisations": int(r["n_organisations"]), "n_low": int(r["n_low"])}
            for r in counts.to_dict("records")]


def _records(frame: pd.DataFrame) -> list[dict]:
    """Turn a frame into plain records with floats or None."""
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()})
    return out
