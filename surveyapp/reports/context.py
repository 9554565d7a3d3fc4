"""What a report's section builders read: the benchmark, the subject's summary and the wording values.

One context is made per report. It looks numbers up in the benchmark but
formats nothing; the section builders turn what it gives into blocks.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from surveyapp.benchmarks.aggregation import GROUPINGS, RoundBenchmark
from surveyapp.benchmarks.disclosure import Rules
from surveyapp.benchmarks.group_detail import group_hidden_reason
from surveyapp.benchmarks.records import benchmark_records
from surveyapp.benchmarks.summaries import (
    OrganisationSummary,
    group_summary,
    organisation_change,
    organisation_summary,
)
from surveyapp.frameworks.model import Framework
from surveyapp.reports.blocks import fmt_number
from surveyapp.reports.definitions import ReportDefinition, fill
from surveyapp.storage.memo import derived

ITEM_COLUMN = {"indicator": "indicator", "domain": "domain", "overall": None}


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """Everything one report is made from; plain and picklable, so worker processes can build it."""

    definition: ReportDefinition
    framework: Framework
    round: Mapping
    bench: RoundBenchmark
    previous: RoundBenchmark | None = None
    previous_round: Mapping | None = None
    date: str = ""
    organisation_id: int | None = None
    group: str | None = None
    comments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # the organisation's own answers to open questions: only ever given to its own report
    text_answers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    plan: tuple | None = None  # plan_records.plan_for_report records; None: this reader may not see them
    targets: Mapping | None = None  # reports.targets.organisation_targets: the organisation's own report only
    target_counts: Mapping | None = None  # reports.targets.group_target_counts, published for this reader


def records_index(bench: RoundBenchmark, by: str, level: str) -> dict:
    """Return a benchmark's group records keyed by (group key tuple, item), built once per benchmark."""
    # many reports read the same benchmark (a dashboard, `report --all`): index its records once
    return derived(bench, ("records index", by, level), lambda: _records_index(bench, by, level))


def _records_index(bench: RoundBenchmark, by: str, level: str) -> dict:
    """Index a benchmark's group records by (group key tuple, item)."""
    index = {}
    for record in benchmark_records(bench, by, level):
        group = tuple(record[k] for k in GROUPINGS[by])
        index[group, record[ITEM_COLUMN[level]] if ITEM_COLUMN[level] else None] = record
    return index


def attach_changes(summary: OrganisationSummary, previous: RoundBenchmark, current: RoundBenchmark,
                   organisation_id: int) -> None:
    """Add each row's previous-round score and change to an organisation summary, in place."""
    # one organisation's rows only: a report never builds the change table of the whole round
    for level, rows in (("overall", [summary.overall]), ("domain", summary.domains),
                        ("indicator", summary.indicators)):
        changes = organisation_change(previous, current, organisation_id, level)
        item = ITEM_COLUMN[level]
        for row in rows:
            row["previous"], row["change"] = changes.get(row[item] if item else None, (None, None))


class ReportContext:
    """Lookups shared by every kind of report."""

    def __init__(self, inputs: ReportInputs):
        self.inputs = inputs
        self.framework = inputs.framework
        self.bench = inputs.bench
        self.min_group = inputs.bench.min_group
        self.rules: Rules = inputs.bench.rules or Rules(min_organisations=self.min_group)

    @cached_property
    def scale_range(self) -> tuple[float, float]:
        """Return the lowest and highest level value over the scales that scored indicators use."""
        values = [v for d in self.framework.domains for i in d.scored_indicators for v in i.scale.values]
        values = values or list(self.framework.scales[0].values)
        return min(values), max(values)

    @cached_property
    def domain_titles(self) -> dict[str, str]:
        """Map domain ids to titles."""
        return {d.id: d.title for d in self.framework.domains}

    @cached_property
    def indicator_texts(self) -> dict[str, str]:
        """Map indicator ids to their statements."""
        return {i.id: i.text for i in self.framework.indicators}

    @cached_property
    def scored_domains(self):
        """Return the domains that have scored indicators, in framework order."""
        return [d for d in self.framework.domains if d.scored_indicators]

    def stats(self, by: str, level: str, key, item: str | None = None) -> dict | None:
        """Return a group's benchmark record for one item (None when the group has no such row)."""
        group = () if by == "tayside" else ((key,) if isinstance(key, str) else tuple(key))
        return records_index(self.bench, by, level).get((group, item))

    def values(self) -> dict[str, str]:
        """Return the placeholder values every report's wording may use."""
        fw, first = self.framework, self.framework.scales[0]
        low, high = self.scale_range
        previous = self.inputs.previous_round
        return {
            "framework": fw.title, "version": str(fw.version), "round": self.inputs.round["title"],
            "date": self.inputs.date, "min_group": str(self.min_group),
            "min_unknown": str(self.rules.min_unknown), "min_for_spread": str(self.rules.min_for_spread),
            "precision": str(self.rules.precision), "scale": _lower_first(first.label),
            "scale_low": fmt_number(low), "scale_high": fmt_number(high),
            "strength_min": fmt_number(fw.strengths.min_score), "strength_max": str(fw.strengths.max),
            "development_max": fmt_number(fw.development.max_score),
            "development_gap": fmt_number(fw.development.gap), "development_count": str(fw.development.max),
            "previous_round": f"“{previous['title']}”" if previous else "the previous round",
        }

    @cached_property
    def wording(self) -> dict[str, str]:
        """Return the placeholder values for this report."""
        return self.values()

    def fill(self, template: str) -> str:
        """Fill a definition's wording with this report's values."""
        return fill(template, self.wording)

    def section_id(self, section_type: str) -> str | None:
        """Return the id of this report's first section of a type, or None when it has none."""
        return next((s.id for s in self.definition.sections if s.type == section_type), None)

    @property
    def definition(self) -> ReportDefinition:
        """Return the report definition."""
        return self.inputs.definition


class OrganisationContext(ReportContext):
    """One organisation's summary, evidence and comparison groups."""

    def __init__(self, inputs: ReportInputs):
        super().__init__(inputs)
        # change since the previous round is attached here from tables computed once per
        # benchmark pair, rather than by organisation_summary once per organisation
        self.summary = organisation_summary(inputs.bench, inputs.organisation_id, inputs.framework)
        if inputs.previous is not None:
            attach_changes(self.summary, inputs.previous, inputs.bench, inputs.organisation_id)
        self.organisation = self.summary.organisation
        self.area = self.organisation["area"]
        self.sector = self.organisation["sector"]
        self.comments = inputs.comments

    def values(self) -> dict[str, str]:
        """Add the organisation's name, area and sector to the wording values."""
        return super().values() | {"organisation": self.organisation["name"], "area": self.area,
                                   "sector": self.sector}

    def benchmark(self, by: str, level: str, item: str | None = None) -> dict | None:
        """Return the record of the organisation's area, sector or Tayside group for an item."""
        key = {"area": self.area, "sector": self.sector, "tayside": None}[by]
        return self.stats(by, level, key, item)


class GroupContext(ReportContext):
    """One area's or sector's summary, with Tayside beside it."""

    def __init__(self, inputs: ReportInputs):
        super().__init__(inputs)
        self.by = inputs.definition.kind
        self.key = inputs.group
        self.suppressed = group_hidden_reason(inputs.bench, self.by, self.key)  # "" when shown
        try:
            self.summary = group_summary(inputs.bench, self.by, self.key)
        except KeyError:
            self.summary = None  # no organisation of this group submitted in the round

    def values(self) -> dict[str, str]:
        """Add the group's name to the wording values."""
        return super().values() | {"group": self.key, self.by: self.key}

    def own(self, level: str, item: str | None = None) -> dict | None:
        """Return this group's record for an item."""
        return self.stats(self.by, level, self.key, item)


def _lower_first(text: str) -> str:
    """Lower-case a label's first letter unless it starts an abbreviation (MAT, RAG)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
