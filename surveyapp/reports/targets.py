"""The "Targets" section: an organisation's targets against its results, and a group's targets met.

An organisation's report shows the targets it set on this round's results
(for the next round) beside this round's scores, and whether the targets set
on the previous round's results were met here, with "N of M targets met".
An area's or sector's report counts targets met across its organisations: a
group figure, published by benchmarks.publish.publish_target_counts under the
disclosure rules and hidden ("c") like any other.
"""
from __future__ import annotations

from surveyapp.assessments.rounds import get_round, previous_round_id
from surveyapp.benchmarks.publish import publish_target_counts
from surveyapp.benchmarks.round_cache import kept_benchmark
from surveyapp.benchmarks.target_counts import organisation_tallies
from surveyapp.plans.targets import list_targets, own_scores, target_records, targets_due
from surveyapp.reports.blocks import (
    Paragraphs,
    Subheading,
    fmt_count,
    fmt_number,
    make_table,
    score_cell,
    suppressible,
    text_cell,
)
from surveyapp.reports.sections import empty_section, section

MET_WORDS = {True: "Met", False: "Not met", None: "Not assessed: no scored answer"}


def organisation_targets(db, round_id: int, organisation_id: int, bench, framework) -> dict:
    """Return the targets an organisation's report shows: set on this round, and due in it from the last."""
    precision = bench.rules.precision if bench.rules else 1
    scores = own_scores(bench, organisation_id)
    previous = previous_round_id(db, round_id)
    due = list_targets(db, organisation_id, previous).values() if previous else ()
    return {"set": tuple(target_records(list_targets(db, organisation_id, round_id).values(), scores, framework,
                                        precision)),
            "due": tuple(target_records(due, scores, framework, precision)),
            "due_round": get_round(db, previous)["title"] if previous and due else ""}


def group_target_counts(db, round_id: int, published, viewer, framework) -> dict:
    """Return the round's published counts of targets met per group, and the round the targets were set on."""
    due = targets_due(db, round_id)
    if not due:
        return {"counts": {}, "due_round": ""}
    rules = published.rules
    raw = kept_benchmark(db, round_id, published.min_group, framework)
    tallies = organisation_tallies(raw, due, rules.precision)
    return {"counts": publish_target_counts(raw, tallies, viewer, rules),
            "due_round": get_round(db, previous_round_id(db, round_id))["title"]}


def _met_count(records) -> tuple[int, int]:
    """Return how many assessed targets were met, and how many were assessed."""
    assessed = [r for r in records if r["met"] is not None]
    return sum(1 for r in assessed if r["met"]), len(assessed)


def _level(record) -> str:
    """Name a target level: '4 Good'."""
    return f"{fmt_number(record['level'])} {record['level_label']}".strip()


def organisation_section(ctx, spec):
    """Show whether last round's targets were met, then the targets set for the next round."""
    targets = ctx.inputs.targets or {}
    blocks = []
    due, chosen = targets.get("due", ()), targets.get("set", ())
    if due:
        met, assessed = _met_count(due)
        blocks += [Subheading(f"Targets set after {targets['due_round']}"),
                   Paragraphs((f"{met} of {assessed} {'target' if assessed == 1 else 'targets'} met.",)),
                   make_table("targets-met", f"Targets set after {targets['due_round']}, against this round",
                              ("Indicator", "Target", "This round", "Met"),
                              [(text_cell(r["text"]), text_cell(_level(r)), score_cell(r["score"]),
                                text_cell(MET_WORDS[r["met"]])) for r in due],
                              (False, False, True, False), ctx.min_group, widths=(4.5, 1.5, 1, 1.6))]
    if chosen:
        blocks += [Subheading("Targets for the next round"),
                   make_table("targets-next", "Targets for the next round, against this round’s results",
                              ("Indicator", "This round", "Target"),
                              [(text_cell(r["text"]), score_cell(r["score"]), text_cell(_level(r)))
                               for r in chosen], (False, True, False), ctx.min_group, widths=(5, 1, 1.5))]
    if not blocks:
        return empty_section(ctx, spec)
    return section(ctx, spec, *blocks)


def group_section(ctx, spec):
    """Count the targets the group's organisations met in this round, hidden where the count would say too much."""
    found = ctx.inputs.target_counts or {}
    key = (ctx.key,)
    if (ctx.by, key) not in found.get("counts", {}):
        return empty_section(ctx, spec)
    counts, reason = found["counts"][ctx.by, key]
    cells = [suppressible(fmt_count(n) if counts else "", reason) for n in (counts or (0, 0, 0))]
    organisations, targets_set, targets_met = cells
    blocks = []
    if counts:
        blocks.append(Paragraphs((f"{fmt_count(counts[2])} of {fmt_count(counts[1])} targets met, set after "
                                  f"{found['due_round']} by {fmt_count(counts[0])} "
                                  f"{'organisation' if counts[0] == 1 else 'organisations'}.",)))
    blocks.append(make_table("targets-met", f"Targets set after {found['due_round']} and met in this round",
                             ("Targets met", "Targets set", "Organisations that set them"),
                             [(targets_met, targets_set, organisations)], (True, True, True), ctx.min_group,
                             widths=(1, 1, 1.5)))
    return section(ctx, spec, *blocks)
