"""Section builders for an area's or a sector's report, as a registry from section type to builder.

A group report names no organisation. When the group itself is too small,
every figure in it is shown as "c" and a notice says why.
"""
from __future__ import annotations

from types import MappingProxyType

from surveyapp.benchmarks.group_detail import group_agreement, group_highlights, organisation_distribution, score_bands
from surveyapp.benchmarks.summaries import change_since
from surveyapp.reports.blocks import (
    COMPLEMENT,
    Chart,
    Glance,
    Item,
    ItemList,
    Notice,
    Paragraphs,
    Series,
    Subheading,
    fmt_count,
    fmt_gap,
    fmt_number,
    fmt_score,
    hidden,
    is_missing,
    make_table,
    score_cell,
    suppressible,
    text_cell,
)
from surveyapp.reports.context import GroupContext
from surveyapp.reports.plan import improvement_plan
from surveyapp.reports.sections import (
    change_words,
    compare,
    cover_section,
    domain_chart,
    empty_section,
    glance_column,
    glance_links,
    method_section,
    section,
)


def _notice(ctx: GroupContext) -> Notice:
    """Say that the whole group is hidden, and why."""
    if ctx.suppressed == COMPLEMENT:
        return Notice(f"The figures for {_members(ctx)} are hidden in this copy of the report (marked “c”) so "
                      f"that the figures of another, smaller group cannot be worked out from them.")
    return Notice(f"Too few {_members(ctx)} can be compared in this round, so this report hides their "
                  f"figures (marked “c”) to protect them from being identified. A group is shown when it has "
                  f"at least {ctx.min_group} organisations, two or more of them ones whose own results you "
                  f"cannot already see.")


def _members(ctx: GroupContext) -> str:
    """Name the group's organisations: 'organisations in Angus', 'NHS organisations'."""
    return f"organisations in {ctx.key}" if ctx.by == "area" else f"{ctx.key} organisations"


def _mean(record: dict | None):
    """Return a record's mean, or None."""
    return record["mean"] if record else None


def cover(ctx: GroupContext, spec):
    """Name the group, how many organisations and respondents it stands for."""
    overall = ctx.own("overall")
    label = "Area" if ctx.by == "area" else "Sector"
    count = suppressible(fmt_count(overall["n_organisations"]) if overall else "0", hidden(overall)).text
    people = suppressible(fmt_count(overall["n_respondents"]) if overall else "0", hidden(overall)).text
    return cover_section(ctx, spec, ((label, ctx.key), ("Organisations with submitted responses", count),
                                     ("Submitted responses", people)))


def summary(ctx: GroupContext, spec):
    """Describe the group's results in plain words."""
    overall = ctx.own("overall")
    if overall is None:
        return section(ctx, spec, Paragraphs((f"None of the {_members(ctx)} submitted responses in this round.",)))
    if ctx.suppressed:
        return section(ctx, spec, _notice(ctx))
    low, high = ctx.scale_range
    tayside = ctx.stats("tayside", "overall", None)
    headline = (f"Average overall score {fmt_score(overall['mean'])} on a scale of {fmt_number(low)} to "
                f"{fmt_number(high)}")
    after = []
    if tayside and not is_missing(tayside["mean"]):
        headline += f": {compare(overall['mean'], tayside['mean'])} the Tayside average of {fmt_score(tayside['mean'])}"
    sentences = [
        f"{fmt_count(overall['n_organisations'])} {_members(ctx)} submitted "
        f"{fmt_count(overall['n_respondents'])} responses in this round.",
    ]
    if overall.get("spread_shown", True) and not is_missing(overall.get("median")):
        sentences.append(f"Their median overall score was {fmt_score(overall['median'])}; the middle half of "
                         f"organisations scored between {fmt_score(overall['q1'])} and {fmt_score(overall['q3'])}.")
    domains = [(d, ctx.own("domain", d.id)) for d in ctx.scored_domains]
    shown = [(d, r) for d, r in domains if r and not hidden(r) and not is_missing(r["mean"])]
    more = []
    if len(shown) > 1:
        best = max(shown, key=lambda p: p[1]["mean"])
        worst = min(shown, key=lambda p: p[1]["mean"])
        more.append(f"The highest-scoring domain was “{best[0].title}” ({fmt_score(best[1]['mean'])}) and the "
                    f"lowest “{worst[0].title}” ({fmt_score(worst[1]['mean'])}).")
    strong, weak = group_highlights(ctx.bench, ctx.by, ctx.key, ctx.framework)
    more.append(f"This report lists {len(strong)} shared {'strength' if len(strong) == 1 else 'strengths'} and "
                f"{len(weak)} shared development {'area' if len(weak) == 1 else 'areas'}.")
    moved = _overall_change(ctx)
    if moved is not None:
        after.append(f"Since {ctx.wording['previous_round']} it has {change_words(moved)}.")
    glance = Glance(
        headline=headline + ".", more=tuple(after),
        columns=(glance_column(ctx, "Top shared strengths", "strengths", _glance_items(ctx, strong),
                               "shared strengths", "No indicator reached the average for a shared strength."),
                 glance_column(ctx, "Top shared development areas", "development", _glance_items(ctx, weak),
                               "shared development areas",
                               "No indicator met the rule for a shared development area.")),
        links=glance_links(ctx))
    return section(ctx, spec, glance, Paragraphs((" ".join(sentences), " ".join(more))))


def _glance_items(ctx: GroupContext, records: list[dict]) -> list[Item]:
    """Turn shared strength or development records into short items for the first screen."""
    items = []
    for record in records:
        detail = f"Average {fmt_score(record['mean'])}"
        if not is_missing(record["tayside_mean"]):
            detail += f"; Tayside average {fmt_score(record['tayside_mean'])}"
        items.append(Item(title=ctx.indicator_texts[record["indicator"]], detail=detail))
    return items


def _overall_change(ctx: GroupContext):
    """Return the change in the group's average overall score, or None."""
    if ctx.inputs.previous is None:
        return None
    table = change_since(ctx.inputs.previous, ctx.bench, ctx.by, "overall")
    rows = table[table[ctx.by].astype(str) == ctx.key]
    if rows.empty or bool(rows["suppressed"].iloc[0]):
        return None
    return float(rows["change"].iloc[0])


def radar(ctx: GroupContext, spec):
    """Chart the group's domain averages against Tayside's."""
    domains = ctx.scored_domains
    own = [ctx.own("domain", d.id) for d in domains]
    tayside = [ctx.stats("tayside", "domain", None, d.id) for d in domains]
    series = [(f"{ctx.key} average", [_mean(r) for r in own], [hidden(r) for r in own]),
              ("Tayside average", [_mean(r) for r in tayside], [hidden(r) for r in tayside])]
    low, high = ctx.scale_range
    description = (f"Average domain scores of {_members(ctx)} on a scale of {fmt_number(low)} to "
                   f"{fmt_number(high)}, drawn against the Tayside average.")
    return section(ctx, spec, _notice(ctx) if ctx.suppressed else None,
                   domain_chart(ctx, "domain-radar", "Domain scores", series, description))


def domain_table(ctx: GroupContext, spec):
    """Tabulate the group's domain statistics beside Tayside's averages."""
    rows = []
    items = [(d.id, d.title, "domain") for d in ctx.scored_domains] + [(None, "Overall", "overall")]
    for item, title, level in items:
        record = ctx.own(level, item)
        tayside = ctx.stats("tayside", level, None, item)
        rows.append((text_cell(title), *_stat_cells(record), score_cell(_mean(tayside), hidden(tayside))))
    records = [ctx.own(level, item) for item, _title, level in items]
    return section(ctx, spec, _notice(ctx) if ctx.suppressed else None, make_table(
        "domain-scores", "Domain scores",
        ("Domain", "Average", "Median", "Lower–upper quartile", "Organisations", "Respondents", "Tayside average"),
        rows, (False,) + (True,) * 6, ctx.min_group, widths=(3, 1, 1, 1.4, 1.5, 1.5, 1),
        extra_notes=spread_notes(ctx, records)))


def _stat_cells(record: dict | None) -> tuple:
    """Return mean, median, quartile range, organisations and respondents cells for one record."""
    if record is None:
        return tuple(text_cell("–") for _ in range(5))
    why = hidden(record)
    quartiles = f"{fmt_score(record['q1'])}–{fmt_score(record['q3'])}" if record.get("spread_shown", True) else "–"
    return (score_cell(record["mean"], why), score_cell(record["median"], why),
            suppressible(quartiles, why), suppressible(fmt_count(record["n_organisations"]), why),
            suppressible(fmt_count(record["n_respondents"]), why))


def spread_notes(ctx: GroupContext, records) -> tuple[str, ...]:
    """Say why a median or quartile is missing where the group is too small for spread figures."""
    if any(r and not hidden(r) and not r.get("spread_shown", True) for r in records):
        return (spread_note(ctx),)
    return ()


def spread_note(ctx) -> str:
    """Explain the rule for medians and quartiles."""
    return (f"– in the median and quartile columns: these are shown only for groups of at least "
            f"{ctx.rules.min_for_spread} organisations whose own results you cannot already see.")


def distribution(ctx: GroupContext, spec):
    """Chart how many of the group's organisations fall in each band of the scale."""
    bands, why = organisation_distribution(ctx.bench, ctx.by, ctx.key, ctx.framework)
    why = ctx.suppressed or why
    labels = tuple(f"{fmt_number(low)} to {'' if last else 'under '}{fmt_number(high)}"
                   for low, high, last in score_bands(ctx.framework))
    counts = [str(b.count) for b in bands] or [""] * len(labels)
    rows = [(text_cell(label), suppressible(count, why)) for label, count in zip(labels, counts)]
    table = make_table("distribution-data", "Organisations by overall score", ("Overall score", "Organisations"),
                       rows, (False, True), ctx.min_group, widths=(3, 1))
    if why:
        return section(ctx, spec, _notice(ctx) if ctx.suppressed else None, table)
    counts = tuple(float(b.count) for b in bands)
    chart = Chart(
        id="distribution", chart="bars", title="Organisations by overall score",
        description=f"Bar chart: the number of {_members(ctx)} whose overall score falls in each "
                    f"band of the scale.",
        categories=labels, series=(Series("Organisations", counts),), low=0.0,
        high=float(max(max(counts, default=0), 1)), value_label="Organisations", table=table)
    return section(ctx, spec, chart)


def _highlights(ctx: GroupContext, spec, records: list[dict]):
    """List group strengths or development areas against Tayside."""
    if ctx.suppressed:
        return section(ctx, spec, _notice(ctx))
    if not records:
        return empty_section(ctx, spec)
    items = []
    for record in records:
        parts = [f"Average {fmt_score(record['mean'])}", ctx.domain_titles.get(record["domain"], record["domain"])]
        if not is_missing(record["tayside_mean"]):
            parts.append(f"Tayside average {fmt_score(record['tayside_mean'])} ({fmt_gap(record['gap'])})")
        items.append(Item(title=ctx.indicator_texts[record["indicator"]], detail=" · ".join(parts)))
    return section(ctx, spec, ItemList(items=tuple(items)))


def strengths(ctx: GroupContext, spec):
    """List the group's shared strengths."""
    return _highlights(ctx, spec, group_highlights(ctx.bench, ctx.by, ctx.key, ctx.framework)[0])


def development(ctx: GroupContext, spec):
    """List the group's shared development areas."""
    return _highlights(ctx, spec, group_highlights(ctx.bench, ctx.by, ctx.key, ctx.framework)[1])


def indicator_detail(ctx: GroupContext, spec):
    """Tabulate every scored indicator's group statistics, one table per domain."""
    blocks = [_notice(ctx)] if ctx.suppressed else []
    for domain in ctx.scored_domains:
        rows = []
        for indicator in domain.scored_indicators:
            record = ctx.own("indicator", indicator.id)
            tayside = ctx.stats("tayside", "indicator", None, indicator.id)
            mean, median, quartiles, orgs, _ = _stat_cells(record)
            rows.append((text_cell(indicator.text), mean, median, quartiles, orgs,
                         score_cell(_mean(tayside), hidden(tayside))))
        blocks.append(Subheading(domain.title))
        records = [ctx.own("indicator", indicator.id) for indicator in domain.scored_indicators]
        blocks.append(make_table(
            f"indicators-{domain.id}", domain.title,
            ("Indicator", "Average", "Median", "Lower–upper quartile", "Organisations", "Tayside average"),
            rows, (False,) + (True,) * 5, ctx.min_group, widths=(4.6, 1, 1, 1.4, 1.5, 1),
            extra_notes=spread_notes(ctx, records)))
    return section(ctx, spec, *blocks)


def agreement(ctx: GroupContext, spec):
    """Count organisations whose respondents were two or more levels apart, per indicator."""
    counts = [c for c in group_agreement(ctx.bench, ctx.by, ctx.key) if c["n_low"] > 0]
    if not counts and not ctx.suppressed:
        return empty_section(ctx, spec)
    rows = [(text_cell(ctx.indicator_texts[c["indicator"]]),
             suppressible(str(c["n_organisations"]), ctx.suppressed),
             suppressible(str(c["n_low"]), ctx.suppressed)) for c in counts]
    if ctx.suppressed and not rows:
        return section(ctx, spec, _notice(ctx))
    return section(ctx, spec, _notice(ctx) if ctx.suppressed else None, make_table(
        "agreement", "Indicators where respondents in an organisation were two or more levels apart",
        ("Indicator", "Organisations with two or more respondents", "Of them, with answers two or more levels apart"),
        rows, (False, True, True), ctx.min_group, widths=(5, 1.5, 1.5)))


def change(ctx: GroupContext, spec):
    """Tabulate the group's domain averages against the previous round of the same framework."""
    if ctx.inputs.previous is None:
        return empty_section(ctx, spec)
    rows = []
    for level in ("domain", "overall"):
        table = change_since(ctx.inputs.previous, ctx.bench, ctx.by, level)
        table = table[table[ctx.by].astype(str) == ctx.key]
        for record in table.to_dict("records"):
            hidden = bool(record["suppressed"])
            title = ctx.domain_titles.get(record["domain"], record["domain"]) if level == "domain" else "Overall"
            rows.append((text_cell(title), score_cell(record["previous"], hidden),
                         score_cell(record["current"], hidden), suppressible(fmt_gap(record["change"]), hidden)))
    if not rows:
        return empty_section(ctx, spec)
    previous_title = ctx.inputs.previous_round["title"] if ctx.inputs.previous_round else "Previous round"
    return section(ctx, spec, make_table(
        "change", "Change in domain averages", ("Domain", previous_title, "This round", "Change"), rows,
        (False, True, True, True), ctx.min_group, widths=(3.5, 1.4, 1.2, 1)))


def method(ctx: GroupContext, spec):
    """Explain how the report was made."""
    return method_section(ctx, spec)


GROUP_SECTIONS = MappingProxyType({
    "cover": cover, "summary": summary, "radar": radar, "domain_table": domain_table,
    "distribution": distribution, "strengths": strengths, "development": development,
    "indicator_detail": indicator_detail, "agreement": agreement, "change": change,
    "improvement_plan": improvement_plan, "method": method,
})
