"""Build one finished Report for an organisation, an area or a sector.

The report definition says which sections appear and in what words; the
section registries turn the benchmark into blocks. The result is frozen
and complete: the HTML page, the PDF and the tests all read the same object.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata

from surveyapp.assessments.evidence import evidence_comments, text_answers
from surveyapp.assessments.rounds import get_round, group_members, latest_round_with_results, previous_round_id
from surveyapp.benchmarks.disclosure import Viewer
from surveyapp.benchmarks.round_cache import kept_benchmark, publish_for, published_benchmark, round_cache
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.plans.records import plan_for_report
from surveyapp.reports.blocks import Report
from surveyapp.reports.context import GroupContext, OrganisationContext, ReportInputs
from surveyapp.reports.definitions import ReportDefinition
from surveyapp.reports.group import GROUP_SECTIONS
from surveyapp.reports.organisation import ORGANISATION_SECTIONS
from surveyapp.reports.targets import group_section, group_target_counts, organisation_section, organisation_targets

# the targets section lives in reports/targets.py, beside the inputs it reads
BUILDERS = {"organisation": (OrganisationContext, {**ORGANISATION_SECTIONS, "targets": organisation_section}),
            "area": (GroupContext, {**GROUP_SECTIONS, "targets": group_section}),
            "sector": (GroupContext, {**GROUP_SECTIONS, "targets": group_section})}


def build_report(inputs: ReportInputs) -> Report:
    """Build the finished report that the inputs describe."""
    context_class, builders = BUILDERS[inputs.definition.kind]
    ctx = context_class(inputs)
    sections = tuple(builders[spec.type](ctx, spec) for spec in inputs.definition.sections)
    subject = ctx.organisation["name"] if inputs.definition.kind == "organisation" else inputs.group
    return Report(
        kind=inputs.definition.kind, title=ctx.fill(inputs.definition.title),
        author=ctx.fill(inputs.definition.author),
        subject=f"{subject}: {inputs.framework.title}, {inputs.round['title']}",
        date=inputs.date, filename=report_filename(inputs.round["id"], inputs.definition.kind, subject),
        sections=sections, context=report_context(inputs.framework.title, inputs.round["title"]),
    )


def report_context(framework: str, round_title: str) -> str:
    """Name the framework and round once, e.g. 'Strategic planning self-assessment, 2026/27 round'."""
    # demo and real round titles often repeat the framework's name: say it once
    if framework.lower() in round_title.lower():
        return round_title
    return f"{framework}, {round_title}"


def report_filename(round_id: int, kind: str, subject: str) -> str:
    """Return a safe file name stem, e.g. round-5-area-perth-and-kinross."""
    return f"round-{round_id}-{kind}-{slug(subject)}"


def slug(text: str) -> str:
    """Turn a name into lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "report"


class RoundData:
    """A round's benchmark and its previous round's, computed once and shared by many reports.

    As made here the benchmarks are raw; `for_viewer` gives the copy that a
    report is built from, with both rounds published for one viewer.
    """

    def __init__(self, db, round_id: int, min_group: int):
        self.min_group = min_group
        self.viewer: Viewer | None = None  # None: raw figures, not for any report
        self.round = dict(get_round(db, round_id))
        self.framework = framework_for_round(db, round_id)
        # the benchmarks every page shares (round_cache.kept_benchmark): building a RoundData after a
        # submission recomputes the changed round only, and only if no other page did it first
        self.bench = kept_benchmark(db, round_id, min_group, self.framework)
        previous_id = previous_round_id(db, round_id)
        self.previous_round = dict(get_round(db, previous_id)) if previous_id else None
        self.previous = (kept_benchmark(db, previous_id, min_group, self.framework)
                         if previous_id else None)
        if self.previous is not None and self.previous.framework_id != self.bench.framework_id:
            self.previous = self.previous_round = None

    def for_viewer(self, viewer: Viewer, db=None) -> RoundData:
        """Return a copy whose benchmarks hold only what this viewer may be shown.

        With `db`, each round's published copy comes from the round cache, the one every page
        shares (round_cache.published_benchmark), so the unchanged previous round is not published again.
        """
        view = copy.copy(self)
        view.viewer = viewer
        if db is not None:
            view.bench = published_benchmark(db, self.round["id"], viewer, self.min_group, self.framework)
        else:
            view.bench = publish_for(self.bench, self.framework, viewer, self.min_group)
        if self.previous is not None:
            view.previous = (published_benchmark(db, self.previous_round["id"], viewer, self.min_group,
                                                 self.framework) if db is not None
                             else publish_for(self.previous, self.framework, viewer, self.min_group))
        return view

    def compared_with_latest_results(self, db, organisation_ids) -> RoundData:
        """Return this view compared with the latest earlier round in which these organisations (one, or
        an area's or a sector's members) have results: the previous round, unless they skipped that one."""
        ids = list(organisation_ids)
        if self.previous is not None and bool(self.previous.organisations["organisation_id"].isin(ids).any()):
            return self
        earlier = latest_round_with_results(db, self.round["id"], ids)
        if earlier is None or earlier == (self.previous_round or {}).get("id"):
            return self
        view = copy.copy(self)
        view.previous_round = dict(get_round(db, earlier))
        # through the shared caches, as every other round's figures (round_cache)
        view.previous = (kept_benchmark(db, earlier, self.min_group, self.framework) if self.viewer is None
                         else published_benchmark(db, earlier, self.viewer, self.min_group, self.framework))
        return view

    def has_organisation(self, organisation_id: int) -> bool:
        """Return True when the organisation has submitted responses in the round."""
        return bool((self.bench.organisations["organisation_id"] == organisation_id).any())

    def inputs(self, definition: ReportDefinition, *, organisation_id: int | None = None,
               group: str | None = None, comments=None, date: dt.date | None = None,
               plan=None, answers=None, targets=None, target_counts=None) -> ReportInputs:
        """Return the inputs of one report in this round; only a copy published for a viewer has any."""
        if self.viewer is None:
            raise ValueError("a report is built from figures published for its reader: use RoundData.for_viewer")
        return ReportInputs(
            definition=definition, framework=self.framework,
            round={"id": self.round["id"], "title": self.round["title"]}, bench=self.bench,
            previous=self.previous,
            previous_round={"id": self.previous_round["id"], "title": self.previous_round["title"]}
            if self.previous_round else None,
            date=format_date(date or dt.date.today()), organisation_id=organisation_id, group=group,
            comments=comments or {}, plan=None if plan is None else tuple(plan), text_answers=answers or {},
            targets=targets, target_counts=target_counts,
        )


def organisation_report(db, data: RoundData, definition: ReportDefinition, organisation_id: int,
                        date: dt.date | None = None) -> Report:
    """Build one organisation's report, with its own respondents' evidence."""
    data = data.compared_with_latest_results(db, [organisation_id])
    comments = evidence_comments(db, data.round["id"], organisation_id)
    plan = plan_for_report(db, data.round["id"], organisation_id=organisation_id, min_group=data.min_group,
                           viewer=data.viewer)
    answers = text_answers(db, data.round["id"], organisation_id)
    targets = organisation_targets(db, data.round["id"], organisation_id, data.bench, data.framework)
    return build_report(data.inputs(definition, organisation_id=organisation_id, comments=comments, date=date,
                                    plan=plan, answers=answers, targets=targets))


def group_report(data: RoundData, definition: ReportDefinition, group: str,
                 date: dt.date | None = None, plan=None, db=None) -> Report:
    """Build an area's or a sector's report; with `db`, its change is against the group's latest results."""
    counts = None
    if db is not None:
        data = data.compared_with_latest_results(db, group_members(db, definition.kind, group))
        counts = group_target_counts(db, data.round["id"], data.bench, data.viewer, data.framework)
    return build_report(data.inputs(definition, group=group, date=date, plan=plan, target_counts=counts))


def format_date(day: dt.date) -> str:
    """Format a date the way the reports show it: 22 November 2026."""
    return f"{day.day} {day:%B %Y}"


def load_round_data(db, round_id: int, min_group: int, viewer: Viewer) -> RoundData:
    """Return a round's data as one viewer may see it, reusing this process's copies while nothing changed."""
    # RoundData is costly (two benchmarks) and every results page needs it; publishing
    # for one viewer is cheaper, and kept per viewer
    previous = previous_round_id(db, round_id)
    also = (previous,) if previous else ()
    return round_cache.get(
        db, round_id, ("round-data", min_group, viewer.key),
        lambda: round_cache.get(db, round_id, ("round-data", min_group),
                                lambda: RoundData(db, round_id, min_group), also=also).for_viewer(viewer, db),
        also=also)
