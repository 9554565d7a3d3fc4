"""Plans across organisations: the list of plans a person may see, and an area's actions together, filtered.

Facilitators and commissioners see the areas they cover; service leads see their own
organisations' plans. Every route checks that itself, whatever the templates show.
"""
from __future__ import annotations

from flask import abort, g, render_template, request

from surveyapp.accounts.organisations import AREAS, get_organisation
from surveyapp.accounts.permissions import can_view_area_plan, can_view_results
from surveyapp.frameworks.registry import get_framework
from surveyapp.plans.filters import OVERDUE, apply_filter, domain_choices, lead_choices, parse_filter
from surveyapp.plans.model import is_overdue
from surveyapp.plans.queries import list_actions
from surveyapp.storage.db import get_db
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import login_required, require
from surveyapp.web.views.plan_pages import EXPORTS, plan_download, plan_records, plan_today


def add_routes(bp) -> None:
    """Add the list of plans and the area pages to the plans blueprint."""
    bp.add_url_rule("/plans", view_func=index)
    bp.add_url_rule("/areas/<area>/plan", view_func=area_plan)
    bp.add_url_rule("/areas/<area>/plan.<fmt>", view_func=area_export)


@login_required
def index():
    """List the plans the signed-in person may see: their organisations', or their areas'."""
    db = get_db()
    user = g.user
    if user["role"] == "service_lead":
        organisations = [get_organisation(db, o) for o in sorted(user["organisations"])]
        organisations = [o for o in organisations if o and can_view_results(user, o)]
        actions = [a for o in organisations for a in list_actions(db, organisation_id=o["id"])]
        return render_template("plans/index.html", organisations=organisations, areas=[],
                               counts=_counts(actions, "organisation_id"))
    areas = [a for a in AREAS if can_view_area_plan(user, a)]
    require(bool(areas))
    actions = list_actions(db, areas=areas)
    return render_template("plans/index.html", organisations=[], areas=areas, counts=_counts(actions, "area"))


def _counts(actions, key: str) -> dict:
    """Count actions, open actions and overdue actions per organisation or area."""
    today, counts = plan_today(), {}
    for action in actions:
        row = counts.setdefault(getattr(action, key), {"total": 0, "open": 0, "overdue": 0})
        row["total"] += 1
        row["open"] += action.status != "done"
        row["overdue"] += is_overdue(action, today)
    return counts


def _area_actions(area: str):
    """Load an area's actions and the filter asked for, refusing anyone not covering the area."""
    if area not in AREAS:
        abort(404)
    require(can_view_area_plan(g.user, area))
    db = get_db()
    actions = list_actions(db, areas=[area])
    frameworks = {a.framework_key: get_framework(db, a.framework_key) for a in actions}
    leads = lead_choices(actions)
    domains = domain_choices(actions, [fw for fw in frameworks.values() if fw])
    plan_filter, errors = parse_filter(request.args, leads, domains)
    return db, actions, plan_filter, errors, leads, domains


@login_required
def area_plan(area):
    """Gather every organisation's actions in an area, filtered by status, lead, domain and due date."""
    db, actions, plan_filter, errors, leads, domains = _area_actions(area)
    shown = apply_filter(actions, plan_filter, plan_today())
    records = plan_records(db, shown)
    return render_template(
        "plans/area.html", area=area, records=records, total=len(actions), plan_filter=plan_filter,
        filter_errors=errors, leads=leads, domains=domains, overdue_value=OVERDUE,
        raw=request.args, overdue=sum(r["overdue"] for r in records),
        export_args={k: v for k, v in request.args.items() if k in ("status", "lead", "domain", "due_by")},
    ), 400 if errors else 200


@login_required
def area_export(area, fmt):
    """Download an area's actions, as filtered on the page, as CSV or XLSX."""
    db, actions, plan_filter, errors, _, _ = _area_actions(area)
    if fmt not in EXPORTS or errors:
        abort(404 if fmt not in EXPORTS else 400)
    records = plan_records(db, apply_filter(actions, plan_filter, plan_today()))
    record_event("plan.area_export", None, f"{area}, {fmt}, {len(records)} actions")
    filename = "improvement-plan-" + area.lower().replace(" ", "-")
    return plan_download(records, fmt, f"Improvement plan: {area}", filename)
