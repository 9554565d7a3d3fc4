"""Section builders for an organisation's own report, as a registry from section type to builder."""
from __future__ import annotations

from types import MappingProxyType

from surveyapp.benchmarks.summaries import organisation_agreement
from surveyapp.reports.blocks import (
    Glance,
    Item,
    ItemList,
    Paragraphs,
    Subheading,
    fmt_count,
    fmt_gap,
    fmt_number,
    fmt_score,
    hidden,
    is_missing,
    make_table,
    ordinal,
    score_cell,
    suppressible,
    text_cell,
)
from surveyapp.reports.context import OrganisationContext
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


def _answered_or_blank(row) -> int:
    """Count everyone asked the question: scoring, non-scoring and blank answers."""
    return row["n_scoring"] + row["n_non_scoring"] + row["n_blank"]


def _mean(record: dict | None):
    """Return a group record's mean, or None."""
    return record["mean"] if record else None


def cover(ctx: OrganisationContext, spec):
    """Name the organisation, its area and sector, and how many people answered."""
    org = ctx.organisation
    return cover_section(ctx, spec, (
        ("Organisation", org["name"]), ("Area", org["area"]), ("Sector", org["sector"]),
        ("Submitted responses", str(org["n_respondents"])),
    ))


def summary(ctx: OrganisationContext, spec):
    """Open the report: the overall position, top strengths and development areas, then plain words."""
    org, overall = ctx.organisation, ctx.summary.overall
    n = org["n_respondents"]
    sentences = [f"{org['name']} submitted {n} {'response' if n == 1 else 'responses'} in this round."]
    if is_missing(overall["score"]):
        sentences.append("None of its answers could be scored, so it has no overall score.")
        return section(ctx, spec, Paragraphs(tuple(sentences)))
    headline, more = _position(ctx, overall["score"])
    if not is_missing(overall.get("change")):
        more.append(f"Since {ctx.wording['previous_round']} it has {change_words(overall['change'])}.")
    scored = [d for d in ctx.summary.domains if not is_missing(d["score"])]
    if len(scored) > 1:
        best = max(scored, key=lambda d: d["score"])
        worst = min(scored, key=lambda d: d["score"])
        sentences.append(f"Its highest-scoring domain was “{best['title']}” ({fmt_score(best['score'])}) "
                         f"and its lowest was “{worst['title']}” ({fmt_score(worst['score'])}).")
    sentences.append(f"This report lists {len(ctx.summary.strengths)} "
                     f"{'strength' if len(ctx.summary.strengths) == 1 else 'strengths'} and "
                     f"{len(ctx.summary.development)} development "
                     f"{'area' if len(ctx.summary.development) == 1 else 'areas'}.")
    if n >= 2:
        flagged = sum(1 for i in ctx.summary.indicators if i.get("low_agreement"))
        sentences.append(f"Its respondents were two or more levels apart on {flagged} "
                         f"{'indicator' if flagged == 1 else 'indicators'}.")
    glance = Glance(
        headline=headline, more=(" ".join(more),) if more else (),
        columns=(glance_column(ctx, "Top strengths", "strengths", _glance_items(ctx, ctx.summary.strengths),
                               "strengths", "No indicator reached the score for a strength."),
                 glance_column(ctx, "Top development areas", "development",
                               _glance_items(ctx, ctx.summary.development), "development areas",
                               "No indicator met the rule for a development area.")),
        links=glance_links(ctx))
    return section(ctx, spec, glance, Paragraphs((" ".join(sentences),)))


def _glance_items(ctx: OrganisationContext, records: list[dict]) -> list[Item]:
    """Turn strength or development records into short items for the first screen."""
    return [Item(title=r["text"], detail=_glance_detail(ctx, r)) for r in records]


def _glance_detail(ctx: OrganisationContext, record: dict) -> str:
    """Give a highlight's score beside its benchmark, e.g. 'Score 6.0; Dundee City average 3.8'."""
    name = ctx.area if record["benchmark"] == "area" else "Tayside"
    detail = f"Score {fmt_score(record['score'])}"
    if not is_missing(record.get("benchmark_mean")):
        detail += f"; {name} average {fmt_score(record['benchmark_mean'])}"
    return detail


def _position(ctx: OrganisationContext, score) -> tuple[str, list[str]]:
    """Say the overall score against the area average; then, apart, against Tayside or why the area is hidden."""
    low, high = ctx.scale_range
    area, tayside = ctx.benchmark("area", "overall"), ctx.benchmark("tayside", "overall")
    headline = f"Overall score {fmt_score(score)} on a scale of {fmt_number(low)} to {fmt_number(high)}"
    more = []
    if hidden(area):
        more.append(f"The {ctx.area} average is not shown because fewer than {ctx.min_group} "
                    f"organisations there can be compared.")
    elif is_missing(_mean(area)):
        more.append("There is no area average to compare with.")
    else:
        headline += f": {compare(score, area['mean'])} the {ctx.area} average of {fmt_score(area['mean'])}"
    if not is_missing(_mean(tayside)):
        more.append(f"It is {compare(score, tayside['mean'])} the Tayside average of {fmt_score(tayside['mean'])}.")
    return headline + ".", more


def radar(ctx: OrganisationContext, spec):
    """Chart the organisation's domain scores against its area and Tayside."""
    domains = ctx.scored_domains
    own = {d["domain"]: d["score"] for d in ctx.summary.domains}
    series = [(ctx.organisation["name"], [own.get(d.id) for d in domains], [False] * len(domains))]
    for by, name in (("area", f"{ctx.area} average"), ("tayside", "Tayside average")):
        records = [ctx.benchmark(by, "domain", d.id) for d in domains]
        series.append((name, [_mean(r) for r in records], [hidden(r) for r in records]))
    low, high = ctx.scale_range
    description = (f"Domain scores of {ctx.organisation['name']} on a scale of {fmt_number(low)} to "
                   f"{fmt_number(high)}, drawn against the {ctx.area} and Tayside averages.")
    return section(ctx, spec, domain_chart(ctx, "domain-radar", "Domain scores", series, description))


def domain_table(ctx: OrganisationContext, spec):
    """Tabulate domain scores beside the benchmarks, then how spread out each group is."""
    rows_scores, rows_spread = [], []
    items = [(d["domain"], d["title"], d) for d in ctx.summary.domains]
    items.append((None, "Overall", ctx.summary.overall))
    for item, title, own in items:
        level = "domain" if item else "overall"
        records = {by: ctx.benchmark(by, level, item) for by in ("area", "sector", "tayside")}
        rows_scores.append((
            text_cell(title), score_cell(own["score"]),
            *(score_cell(_mean(records[by]), hidden(records[by])) for by in ("area", "sector", "tayside")),
            *(suppressible(_percentile(own.get(f"percentile_{by}")), hidden(records[by]))
              for by in ("area", "sector")),
        ))
        rows_spread.append((text_cell(title), *(_spread_cell(records[by]) for by in ("area", "sector", "tayside"))))
    scores = make_table(
        "domain-scores", "Domain scores and averages",
        ("Domain", "Your score", f"{ctx.area} average", f"{ctx.sector} average", "Tayside average",
         f"Your position in {ctx.area}", f"Your position in {ctx.sector}"),
        rows_scores, (False,) + (True,) * 6, ctx.min_group, widths=(3.2, 1, 1, 1, 1, 1.1, 1.1),
        extra_notes=("Position: the percentile, the percentage of organisations in the group scoring lower "
                     "(ties count half); the 80th percentile means that 80% scored lower.",))
    spread = make_table(
        "domain-spread", "How spread out the comparison groups are",
        ("Domain", ctx.area, ctx.sector, "Tayside"), rows_spread, (False, True, True, True), ctx.min_group,
        widths=(3, 2, 2, 2),
        extra_notes=("Each cell: median (lower quartile–upper quartile); n = number of organisations.",))
    return section(ctx, spec, scores, spread)


def _percentile(value) -> str:
    """Format a percentile rank in words: '80th percentile'."""
    return "–" if is_missing(value) else f"{ordinal(round(float(value)))} percentile"


def _spread_cell(record: dict | None):
    """Format a group's median, quartiles and size in one cell."""
    if hidden(record):
        return suppressible("", True)
    if not record or is_missing(record["median"]):
        return text_cell("–")
    return text_cell(f"{fmt_score(record['median'])} ({fmt_score(record['q1'])}–{fmt_score(record['q3'])}); "
                     f"n = {fmt_count(record['n_organisations'])}")


def _highlight_items(ctx: OrganisationContext, records: list[dict], next_steps: bool = False) -> ItemList:
    """Turn strength or development records into items with the respondents' evidence (and next steps)."""
    items = []
    for record in records:
        parts = [f"Score {fmt_score(record['score'])}", ctx.domain_titles.get(record["domain"], record["domain"])]
        name = ctx.area if record["benchmark"] == "area" else "Tayside"
        if not is_missing(record.get("benchmark_mean")):
            parts.append(f"{name} average {fmt_score(record['benchmark_mean'])} ({fmt_gap(record['gap'])})")
        step = ctx.framework.suggested_step(record["indicator"], record["score"]) if next_steps else ""
        items.append(Item(title=record["text"], detail=" · ".join(parts),
                          quotes=tuple(ctx.comments.get(record["indicator"], ())), next_step=step))
    return ItemList(items=tuple(items))


def strengths(ctx: OrganisationContext, spec):
    """List the organisation's strengths with its respondents' evidence."""
    if not ctx.summary.strengths:
        return empty_section(ctx, spec)
    return section(ctx, spec, _highlight_items(ctx, ctx.summary.strengths))


def development(ctx: OrganisationContext, spec):
    """List the organisation's development areas with its respondents' evidence."""
    if not ctx.summary.development:
        return empty_section(ctx, spec)
    return section(ctx, spec, _highlight_items(ctx, ctx.summary.development, next_steps=True))


def text_answers(ctx: OrganisationContext, spec):
    """List what the organisation's own respondents wrote in answer to the open questions, domain by domain."""
    blocks = []
    for domain in ctx.framework.domains:
        items = tuple(Item(title=indicator.text, quotes=ctx.inputs.text_answers[indicator.id])
                      for indicator in domain.indicators
                      if indicator.type == "text" and ctx.inputs.text_answers.get(indicator.id))
        if items:
            blocks += [Subheading(domain.title), ItemList(items=items, quote_label="What your respondents wrote")]
    if not blocks:
        return empty_section(ctx, spec)
    return section(ctx, spec, *blocks)


def indicator_detail(ctx: OrganisationContext, spec):
    """Tabulate every scored indicator, one table per domain."""
    by_domain: dict[str, list[dict]] = {}
    for row in ctx.summary.indicators:
        by_domain.setdefault(row["domain"], []).append(row)
    blocks = []
    for domain in ctx.scored_domains:
        rows = []
        for row in by_domain.get(domain.id, []):
            records = [ctx.benchmark(by, "indicator", row["indicator"]) for by in ("area", "sector", "tayside")]
            rows.append((text_cell(row["text"]), score_cell(row["score"]),
                         *(score_cell(_mean(r), hidden(r)) for r in records),
                         text_cell(f"{row['n_scoring']} of {_answered_or_blank(row)}")))
        blocks.append(Subheading(domain.title))
        blocks.append(make_table(
            f"indicators-{domain.id}", domain.title,
            ("Indicator", "Your score", f"{ctx.area} average", f"{ctx.sector} average", "Tayside average",
             "Scored answers"),
            rows, (False, True, True, True, True, True), ctx.min_group, widths=(5, 1, 1, 1, 1, 1.1)))
    return section(ctx, spec, *blocks)


def agreement(ctx: OrganisationContext, spec):
    """List the indicators where the organisation's respondents were two or more levels apart."""
    n = ctx.organisation["n_respondents"]
    if n < 2:
        return section(ctx, spec, Paragraphs((
            f"Only one person answered for {ctx.organisation['name']}, so there is no agreement to measure.",)))
    spread = [r for r in organisation_agreement(ctx.bench, ctx.inputs.organisation_id) if r["low_agreement"]]
    if not spread:
        return empty_section(ctx, spec)
    rows = []
    for record in spread:
        indicator = ctx.framework.indicator(str(record["indicator"]))
        rows.append((text_cell(indicator.text), text_cell(_level(indicator, record["min"])),
                     text_cell(_level(indicator, record["max"])), text_cell(str(int(record["spread_levels"])))))
    return section(ctx, spec, make_table(
        "agreement", "Indicators with answers two or more levels apart",
        ("Indicator", "Lowest answer", "Highest answer", "Levels apart"), rows,
        (False, False, False, True), ctx.min_group, widths=(5, 1.6, 1.6, 1)))


def _level(indicator, value) -> str:
    """Name a level by its value and label, e.g. '2 Weak'."""
    level = indicator.scale.level_for(float(value))
    return f"{fmt_number(value)} {level.label}" if level else fmt_number(value)


def change(ctx: OrganisationContext, spec):
    """Tabulate domain and overall scores against the previous round of the same framework."""
    rows = [d for d in ctx.summary.domains if not is_missing(d.get("previous"))]
    overall = ctx.summary.overall
    if ctx.inputs.previous is None or not rows:
        return empty_section(ctx, spec)
    table_rows = [(text_cell(d["title"]), score_cell(d["previous"]), score_cell(d["score"]),
                   text_cell(fmt_gap(d["change"]))) for d in rows]
    if not is_missing(overall.get("previous")):
        table_rows.append((text_cell("Overall"), score_cell(overall["previous"]), score_cell(overall["score"]),
                           text_cell(fmt_gap(overall["change"]))))
    previous_title = ctx.inputs.previous_round["title"] if ctx.inputs.previous_round else "Previous round"
    table = make_table("change", "Change in domain scores",
                       ("Domain", previous_title, "This round", "Change"), table_rows,
                       (False, True, True, True), ctx.min_group, widths=(3.5, 1.4, 1.2, 1))
    moved = [i["change"] for i in ctx.summary.indicators if not is_missing(i.get("change"))]
    rose, fell = sum(1 for c in moved if c >= 0.05), sum(1 for c in moved if c <= -0.05)
    words = Paragraphs((f"Of the {len(moved)} indicators scored in both rounds, {rose} rose and {fell} fell.",))
    return section(ctx, spec, table, words)


def method(ctx: OrganisationContext, spec):
    """Explain how the report was made."""
    return method_section(ctx, spec)


ORGANISATION_SECTIONS = MappingProxyType({
    "cover": cover, "summary": summary, "radar": radar, "domain_table": domain_table,
    "strengths": strengths, "development": development, "text_answers": text_answers,
    "indicator_detail": indicator_detail,
    "agreement": agreement, "change": change, "improvement_plan": improvement_plan, "method": method,
})
