"""Results: the facilitator dashboard, benchmark reports (HTML and PDF) and exports.

Every view asks surveyapp.permissions before it shows anything, and the
numbers come finished from the report model and dashboard modules.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from markupsafe import Markup

from surveyapp.accounts.organisations import AREAS, SECTORS, get_organisation
from surveyapp.accounts.permissions import (
    can_run_rounds,
    can_set_targets,
    can_view_area_plan,
    can_view_group,
    can_view_results,
    covers_area,
)
from surveyapp.assessments.answers_csv import COLUMNS as RESPONSE_COLUMNS
from surveyapp.assessments.answers_csv import export_rows
from surveyapp.assessments.rounds import get_round, list_rounds
from surveyapp.benchmarks.aggregation import BY, LEVELS
from surveyapp.benchmarks.records import benchmark_records, record_columns
from surveyapp.benchmarks.round_cache import round_cache
from surveyapp.plans.records import plan_for_report
from surveyapp.render.charts import drawing_for
from surveyapp.render.pdf import render_pdf
from surveyapp.render.svg import svg_markup
from surveyapp.render.tables import AGGREGATE_HEADINGS, Sheet, aggregate_notes, aggregate_rows, csv_text, xlsx_bytes
from surveyapp.reports.blocks import HEAT_BANDS
from surveyapp.reports.dashboard import Filters, build_dashboard, indicator_distribution
from surveyapp.reports.definitions import load_report_file
from surveyapp.reports.model import RoundData, group_report, load_round_data, organisation_report, slug
from surveyapp.storage.db import get_db
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import current_viewer, found, login_required, require

bp = Blueprint("reports", __name__, url_prefix="/results")
AREA_SLUGS = {slug(a): a for a in AREAS}
SECTOR_SLUGS = {slug(s): s for s in SECTORS}
WEB_FONT_SIZE = 14  # app.css sets chart text to 14px; the drawing is laid out for that size
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def covered_areas(user) -> list[str]:
    """Return the areas a facilitator or commissioner covers."""
    return [area for area in AREAS if covers_area(user, area)]


def _definition(kind: str):
    """Load one report definition from the configured folder."""
    return load_report_file(f"{current_app.config['REPORTS_DIR']}/{kind}.yaml")


def _round_data(round_id: int) -> RoundData:
    """Load a round's benchmark as the signed-in person may see it, or refuse with 404."""
    found(get_round(get_db(), round_id))
    return load_round_data(get_db(), round_id, current_app.config["MIN_GROUP"], current_viewer())


def _chart_svgs(blocks) -> dict[str, Markup]:
    """Render every chart among the blocks as accessible SVG, keyed by chart id."""
    return {b.id: Markup(svg_markup(drawing_for(b, WEB_FONT_SIZE), b.id, b.title, b.description))
            for b in blocks if b.kind == "chart"}


def _report_page(report, pdf_url: str, targets_link: dict | None = None):
    """Render a finished report as a page (an organisation's with a link to its targets)."""
    charts = _chart_svgs([b for s in report.sections for b in s.blocks])
    return render_template("reports/report.html", report=report, charts=charts, pdf_url=pdf_url,
                           targets_link=targets_link)


def _pdf_response(report, organisation_id: int | None = None) -> Response:
    """Send a report as a PDF download and record the download."""
    record_event("report.downloaded", organisation_id, f"{report.filename}.pdf")
    return Response(render_pdf(report), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{report.filename}.pdf"', "Cache-Control": "no-store"})


def _organisation(round_id: int, org_id: int):
    """Return the organisation and round data, refusing anyone who may not see its results."""
    organisation = found(get_organisation(get_db(), org_id))
    require(can_view_results(g.user, organisation))
    return organisation, _round_data(round_id)


@bp.route("/rounds/<int:round_id>/organisations/<int:org_id>")
@login_required
def organisation(round_id, org_id):
    """Show an organisation's benchmark report."""
    organisation, data = _organisation(round_id, org_id)
    if not data.has_organisation(org_id):
        return render_template("reports/no_results.html", organisation=organisation, round=data.round), 404
    report = organisation_report(get_db(), data, _definition("organisation"), org_id)
    return _report_page(report, url_for(".organisation_pdf", round_id=round_id, org_id=org_id),
                        {"org_id": org_id, "round_id": round_id, "can_set": can_set_targets(g.user, organisation)})


@bp.route("/rounds/<int:round_id>/organisations/<int:org_id>/report.pdf")
@login_required
def organisation_pdf(round_id, org_id):
    """Download an organisation's benchmark report as a PDF."""
    _, data = _organisation(round_id, org_id)
    if not data.has_organisation(org_id):
        abort(404)
    return _pdf_response(organisation_report(get_db(), data, _definition("organisation"), org_id), org_id)


def _group(kind: str, name_slug: str) -> str:
    """Return the area or sector a URL names, refusing anyone who may not see it."""
    names = AREA_SLUGS if kind == "area" else SECTOR_SLUGS
    name = found(names.get(name_slug))
    require(can_view_group(g.user, name if kind == "area" else None))
    return name


def _area_plan(round_id: int, area: str):
    """Return an area's improvement plan records, or None for a reader who may not see them."""
    if not can_view_area_plan(g.user, area):
        return None
    return plan_for_report(get_db(), round_id, area=area, viewer=current_viewer(),
                           min_group=current_app.config["MIN_GROUP"])


@bp.route("/rounds/<int:round_id>/areas/<name_slug>")
@login_required
def area(round_id, name_slug):
    """Show an area's benchmark report."""
    name = _group("area", name_slug)
    report = group_report(_round_data(round_id), _definition("area"), name, plan=_area_plan(round_id, name),
                          db=get_db())
    return _report_page(report, url_for(".area_pdf", round_id=round_id, name_slug=name_slug))


@bp.route("/rounds/<int:round_id>/areas/<name_slug>/report.pdf")
@login_required
def area_pdf(round_id, name_slug):
    """Download an area's benchmark report as a PDF."""
    name = _group("area", name_slug)
    return _pdf_response(group_report(_round_data(round_id), _definition("area"), name,
                                      plan=_area_plan(round_id, name), db=get_db()))


@bp.route("/rounds/<int:round_id>/sectors/<name_slug>")
@login_required
def sector(round_id, name_slug):
    """Show a sector's benchmark report."""
    name = _group("sector", name_slug)
    report = group_report(_round_data(round_id), _definition("sector"), name, db=get_db())
    return _report_page(report, url_for(".sector_pdf", round_id=round_id, name_slug=name_slug))


@bp.route("/rounds/<int:round_id>/sectors/<name_slug>/report.pdf")
@login_required
def sector_pdf(round_id, name_slug):
    """Download a sector's benchmark report as a PDF."""
    name = _group("sector", name_slug)
    return _pdf_response(group_report(_round_data(round_id), _definition("sector"), name, db=get_db()))


def _dashboard_context():
    """Check the dashboard's user and filters; return (round, filters, rounds)."""
    require(bool(covered_areas(g.user)))
    db = get_db()
    rounds = list_rounds(db)
    chosen = request.args.get("round", type=int)
    if chosen is None and rounds:
        with_results = [r for r in rounds if r["submitted"]]
        chosen = (with_results or rounds)[-1]["id"]
    round_row = found(get_round(db, chosen)) if chosen is not None else None
    area_name, sector_name = request.args.get("area") or None, request.args.get("sector") or None
    if (area_name and area_name not in AREAS) or (sector_name and sector_name not in SECTORS):
        abort(400)
    if area_name:
        require(can_view_group(g.user, area_name))
    return round_row, Filters(area=area_name, sector=sector_name), rounds


def _may_see_area(area: str | None) -> bool:
    """Return True when the signed-in user may see figures for this area (None: across areas)."""
    return can_view_group(g.user, area)


def _may_see_organisation(organisation: dict) -> bool:
    """Return True when the signed-in user may see this organisation's results."""
    return can_view_results(g.user, organisation)


def heat_legend(low: float, high: float) -> list[tuple[int, str]]:
    """Return each heat band's number and range of scores."""
    step = (high - low) / HEAT_BANDS
    return [(n + 1, f"{low + n * step:.1f} to {low + (n + 1) * step:.1f}") for n in range(HEAT_BANDS)]


@bp.route("/")
@login_required
def dashboard():
    """Show a round's progress, heatmaps and indicators, filtered by area and sector."""
    round_row, filters, rounds = _dashboard_context()
    if round_row is None:
        return render_template("reports/dashboard.html", round=None, rounds=rounds, filters=filters)
    data = _round_data(round_row["id"])
    # the tables depend only on the round's data, the filters and what this person may see
    scope = (g.user["role"], frozenset(g.user["areas"]), frozenset(g.user["organisations"]))
    board = round_cache.get(
        get_db(), round_row["id"], ("dashboard", filters, scope),
        lambda: build_dashboard(get_db(), round_row["id"], data.framework, data.bench, filters,
                                _may_see_area, _may_see_organisation))
    values = [v for d in data.framework.domains for i in d.scored_indicators for v in i.scale.values]
    return render_template(
        "reports/dashboard.html", round=round_row, rounds=rounds, filters=filters, board=board,
        named=bool(data.bench.rules and data.bench.rules.named),
        framework=data.framework, legend=heat_legend(min(values), max(values)),
        areas=[a for a in AREAS if _may_see_area(a)], sectors=SECTORS, slug=slug,
        may_export_responses=can_run_rounds(g.user), by_choices=BY, level_choices=LEVELS)


@bp.route("/indicators/<indicator_id>")
@login_required
def indicator(indicator_id):
    """Show how answers to one indicator spread over its levels, for the filtered group."""
    round_row, filters, _rounds = _dashboard_context()
    round_row = found(round_row)
    data = _round_data(round_row["id"])
    item = found(data.framework.indicator(indicator_id))
    if not item.scored:
        abort(404)
    chart, table, hidden = indicator_distribution(get_db(), round_row["id"], data.framework, data.bench,
                                                  indicator_id, filters, current_viewer())
    return render_template(
        "reports/indicator.html", round=round_row, filters=filters, indicator=item,
        domain=data.framework.domain_of(indicator_id), chart=chart, data_table=table, hidden=hidden,
        charts=_chart_svgs([chart] if chart else []), min_group=data.bench.min_group)


def _visible_record(record: dict) -> bool:
    """Return True when the signed-in user may see a benchmark record's group."""
    if "organisation" in record:
        return can_view_results(g.user, {"id": record["organisation"], "area": record["area"]})
    return can_view_group(g.user, record.get("area"))


@bp.route("/rounds/<int:round_id>/aggregates")
@login_required
def aggregates(round_id):
    """Export a round's benchmark numbers for the user's areas, as CSV, XLSX or JSON."""
    require(bool(covered_areas(g.user)))
    by, level = request.args.get("by", "area"), request.args.get("level", "domain")
    fmt = request.args.get("format", "csv")
    if by not in BY or level not in LEVELS or fmt not in ("csv", "xlsx", "json"):
        abort(400)
    data = _round_data(round_id)
    name = f"round-{round_id}-{by}-{level}"
    record_event("aggregates.exported", detail=f"round {round_id}, {by} by {level}, {fmt}")
    if fmt == "json":
        records = [r for r in benchmark_records(data.bench, by, level) if _visible_record(r)]
        return _download(json.dumps(records, indent=2, ensure_ascii=False), "application/json", f"{name}.json")
    if fmt == "csv":
        columns = record_columns(by, level)
        records = [r for r in benchmark_records(data.bench, by, level) if _visible_record(r)]
        return _download(csv_text(columns, aggregate_rows(records, columns)), "text/csv", f"{name}.csv")
    sheets = []
    for each in LEVELS:
        columns = record_columns(by, each)
        records = [r for r in benchmark_records(data.bench, by, each) if _visible_record(r)]
        sheets.append(Sheet(each, tuple(columns), aggregate_rows(records, columns)))
    return _download(xlsx_bytes(sheets, aggregate_notes(data.bench.min_group), AGGREGATE_HEADINGS), XLSX,
                     f"round-{round_id}-{by}.xlsx")


@bp.route("/rounds/<int:round_id>/responses")
@login_required
def responses(round_id):
    """Export a round's submitted answers in the long format, for the facilitator's areas."""
    require(can_run_rounds(g.user))
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(400)
    db = get_db()
    data = _round_data(round_id)
    rows = tuple(row for row in export_rows(db, round_id, data.framework) if covers_area(g.user, row[1]))
    record_event("responses.exported", detail=f"round {round_id}, {len(rows)} answers, {fmt}")
    name = f"round-{round_id}-responses"
    if fmt == "csv":
        return _download(csv_text(RESPONSE_COLUMNS, rows), "text/csv", f"{name}.csv")
    return _download(xlsx_bytes([Sheet("responses", RESPONSE_COLUMNS, rows)]), XLSX, f"{name}.xlsx")


def _download(body, mimetype: str, filename: str) -> Response:
    """Send an export as a file download that no cache keeps."""
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
