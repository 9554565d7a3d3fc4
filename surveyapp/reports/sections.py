"""Section builders that every kind of report shares: cover, method, charts of domain scores."""
from __future__ import annotations

from surveyapp.reports.blocks import (
    REASON_SHORT,
    SUPPRESSED,
    Chart,
    Facts,
    Highlights,
    Item,
    Notice,
    Paragraphs,
    Section,
    Series,
    Table,
    fmt_number,
    is_missing,
    make_table,
    score_cell,
    text_cell,
)
from surveyapp.reports.context import ReportContext

# Differences smaller than this are described as "close to" in plain-words summaries.
NEAR = 0.25
RADAR_MIN_DOMAINS = 3
RADAR_MAX_DOMAINS = 8
GLANCE_ITEMS = 3  # strengths and development areas on a report's first screen


def section(ctx: ReportContext, spec, *blocks) -> Section:
    """Make a section: the definition's heading and wording, then the blocks."""
    intro = tuple(ctx.fill(p) for p in spec.paragraphs)
    leading = (Paragraphs(intro),) if intro else ()
    return Section(id=spec.id, type=spec.type, heading=ctx.fill(spec.heading),
                   blocks=leading + tuple(b for b in blocks if b is not None))


def empty_section(ctx: ReportContext, spec, fallback: str = "") -> Section:
    """Make a section that says there is nothing to show, in the definition's words."""
    text = ctx.fill(spec.empty) if spec.empty else fallback
    return section(ctx, spec, Paragraphs((text,)) if text else None)


def cover_section(ctx: ReportContext, spec, first_pairs) -> Section:
    """Make a cover: who the report is about, the framework, the round and the date."""
    fw = ctx.framework
    pairs = tuple(first_pairs) + (
        ("Framework", f"{fw.title} (version {fw.version})"),
        ("Round", ctx.inputs.round["title"]),
        ("Date of report", ctx.inputs.date),
    )
    heading = ctx.fill(spec.heading)
    intro = tuple(ctx.fill(p) for p in spec.paragraphs)
    named = (Notice(NAMED_NOTICE),) if ctx.rules.named else ()
    blocks = named + (Facts(pairs),) + ((Paragraphs(intro),) if intro else ())
    return Section(id=spec.id, type=spec.type, heading=heading, blocks=blocks)


NAMED_NOTICE = ("Results of this framework are shared by name, by agreement of the organisations taking "
                "part: every figure is shown, none is hidden, and any organisation's results may be seen.")


def method_section(ctx: ReportContext, spec) -> Section:
    """Explain the scale, how scores are made and the suppression rule, with the scale's levels."""
    scales = []
    for scale in _used_scales(ctx):
        rows = [(text_cell(fmt_number(level.value)), text_cell(level.label)) for level in scale.levels]
        rows += [(text_cell("not scored"), text_cell(option.label)) for option in scale.options]
        scales.append(make_table(f"scale-{scale.id}", f"The {scale.label.lower()}", ("Value", "Level"),
                                 rows, (False, False), ctx.min_group, widths=(1, 3)))
    return section(ctx, spec, *scales)


def _used_scales(ctx: ReportContext):
    """Return the scales the framework's scored indicators use, in order of first use."""
    seen = {}
    for domain in ctx.framework.domains:
        for indicator in domain.scored_indicators:
            seen.setdefault(indicator.scale.id, indicator.scale)
    return list(seen.values()) or [ctx.framework.scales[0]]


def domain_chart(ctx: ReportContext, chart_id: str, title: str, series: list[tuple[str, list, bool]],
                 description: str) -> Chart:
    """Chart domain scores, several series, with a table of the same numbers.

    `series` holds (name, values, suppressed flags): a suppressed value is drawn
    as nothing and shown in the table as "c".
    """
    domains = ctx.scored_domains
    categories = tuple(d.title for d in domains)
    low, high = ctx.scale_range
    chart_series = []
    for name, values, hidden in series:
        shown = tuple(None if h or is_missing(v) else float(v) for v, h in zip(values, hidden))
        note = ""
        if all(hidden):
            reasons = {h if isinstance(h, str) else "too-few" for h in hidden}
            note = f"{SUPPRESSED}: " + (REASON_SHORT[reasons.pop()] if len(reasons) == 1 else "hidden, see the table")
        chart_series.append(Series(name=name, values=shown, note=note))
    rows = []
    for n, domain in enumerate(domains):
        rows.append((text_cell(domain.title),
                     *(score_cell(values[n], hidden[n]) for _, values, hidden in series)))
    table = make_table(f"{chart_id}-data", f"{title}: the numbers", ("Domain", *(s[0] for s in series)),
                       rows, (False,) + (True,) * len(series), ctx.min_group,
                       widths=(4,) + (1.3,) * len(series))
    kind = chart_kind(len(domains))
    if kind == "dots":
        description += f" Domains are ranked from the highest score of {series[0][0]} to the lowest."
    return Chart(id=chart_id, chart=kind, title=title, description=description, categories=categories,
                 series=tuple(chart_series), low=low, high=high, value_label="Score", table=table)


def glance_column(ctx: ReportContext, heading: str, section_type: str, items: list[Item], noun: str,
                  empty: str) -> Highlights:
    """Make one column of a report's first screen: at most GLANCE_ITEMS items and a link to all of them."""
    target = ctx.section_id(section_type)
    more = f"All {len(items)} {noun}" if len(items) > GLANCE_ITEMS and target else ""
    return Highlights(heading=heading, items=tuple(items[:GLANCE_ITEMS]), empty=empty, more=more,
                      target=target or "")


def glance_links(ctx: ReportContext) -> tuple[tuple[str, str], ...]:
    """Point from the first screen to the plan and the change since the last round, where the report has them."""
    links = []
    for section_type, words in (("improvement_plan", "See the improvement plan"),
                                ("change", "See how the scores changed since the last round")):
        target = ctx.section_id(section_type)
        if target:
            links.append((words, target))
    return tuple(links)


def chart_kind(categories: int) -> str:
    """Choose the chart for domain scores: bars for one or two, a radar up to eight, then a ranked dot chart."""
    # a radar with more than about eight spokes cannot be read, least of all on a phone
    if categories < RADAR_MIN_DOMAINS:
        return "bars"
    return "radar" if categories <= RADAR_MAX_DOMAINS else "dots"


def compare(value, benchmark) -> str:
    """Describe a score against a benchmark in words: above, below or close to."""
    gap = float(value) - float(benchmark)
    if abs(gap) < NEAR:
        return "close to"
    return f"{abs(gap):.1f} {'above' if gap > 0 else 'below'}"


def change_words(change: float) -> str:
    """Describe a change in a score in words."""
    if abs(change) < 0.05:
        return "stayed the same"
    return f"{'risen' if change > 0 else 'fallen'} by {abs(change):.1f}"


def table_or_nothing(table: Table) -> Table | None:
    """Return the table unless it has no rows."""
    return table if table.rows else None
