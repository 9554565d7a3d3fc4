"""Improvement plans of one organisation: its actions, progress notes, development areas and downloads.

The list of plans and an area's plan are in area_plans.py, on the same blueprint.

Who may see a plan is who may see the organisation's results; service leads
of the organisation and facilitators covering its area may change it.
Every route checks that itself, whatever the templates show.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from surveyapp.accounts.organisations import get_organisation
from surveyapp.accounts.permissions import can_edit_plan, can_view_results
from surveyapp.frameworks.registry import get_framework
from surveyapp.plans.actions import add_note, adopt_next_step, complete_action, create_action, update_action
from surveyapp.plans.model import STATUSES, PlanError, StaleAction
from surveyapp.plans.progress import BenchmarkCache
from surveyapp.plans.queries import get_action, list_actions, list_notes, rounds_with_results
from surveyapp.plans.records import development_areas
from surveyapp.storage.db import get_db
from surveyapp.web.views import area_plans
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import current_viewer, found, login_required, require
from surveyapp.web.views.plan_forms import ActionForm, NoteForm, form_errors
from surveyapp.web.views.plan_pages import EXPORTS, long_date, plan_download, plan_records, plan_today

bp = Blueprint("plans", __name__)
area_plans.add_routes(bp)


@bp.context_processor
def _plan_helpers():
    """Give plan templates the status names and a long date format."""
    return {"statuses": STATUSES, "long_date": long_date}


def _organisation(org_id: int, edit: bool = False):
    """Load an organisation, refusing anyone who may not see (or change) its plan."""
    db = get_db()
    organisation = found(get_organisation(db, org_id))
    require(can_view_results(g.user, organisation))
    if edit:
        require(can_edit_plan(g.user, organisation))
    return db, organisation


def _action(db, organisation: dict, action_id: int):
    """Load one action of this organisation; another organisation's action is not found."""
    action = found(get_action(db, action_id))
    if action.organisation_id != organisation["id"]:
        abort(404)
    return action


@bp.route("/organisations/<int:org_id>/plan")
@login_required
def organisation_plan(org_id):
    """Show an organisation's actions and the development areas they could answer."""
    db, organisation = _organisation(org_id)
    rounds = rounds_with_results(db, org_id)
    chosen = _chosen_round(rounds, request.args.get("round"))
    # one read of each round per page, as this person may see it
    benchmarks = BenchmarkCache(db, current_app.config["MIN_GROUP"], current_viewer())
    records = plan_records(db, list_actions(db, organisation_id=org_id), benchmarks)
    areas = development_areas(db, chosen["id"], org_id, benchmarks=benchmarks) if chosen else []
    answered = {}
    for record in records:
        if chosen and record["round_id"] == chosen["id"]:
            for indicator in record["indicators"]:
                answered[indicator["indicator"]] = answered.get(indicator["indicator"], 0) + 1
    return render_template(
        "plans/organisation.html", organisation=organisation, records=records, rounds=rounds,
        chosen=chosen, development=areas, answered=answered, can_edit=can_edit_plan(g.user, organisation),
        overdue=sum(r["overdue"] for r in records))


def _chosen_round(rounds: list[dict], wanted) -> dict | None:
    """Pick the round asked for among those with results, else the newest; 404 for any other."""
    if not rounds:
        return None
    if wanted in (None, ""):
        return rounds[0]
    for row in rounds:
        if str(row["id"]) == wanted:
            return row
    abort(404)


def _indicator_choices(framework) -> dict[str, dict[str, str]]:
    """Group a framework's scored indicators by domain, as checkbox choices."""
    return {d.title: {i.id: i.text for i in d.scored_indicators}
            for d in framework.domains if d.scored_indicators}


@bp.route("/organisations/<int:org_id>/plan/actions/new", methods=["GET", "POST"])
@login_required
def new_action(org_id):
    """Add an action, its indicators ticked from a chosen development area."""
    db, organisation = _organisation(org_id, edit=True)
    chosen = _chosen_round(rounds_with_results(db, org_id), request.args.get("round"))
    if chosen is None:
        abort(404)  # nothing to plan from until the organisation has results
    framework = get_framework(db, chosen["framework_key"])
    form = ActionForm()
    form.indicators.choices = _indicator_choices(framework)
    if request.method == "GET":
        form.indicators.data = [i for i in request.args.getlist("indicator") if framework.indicator(i)]
    if form.validate_on_submit():
        try:
            action_id = create_action(
                db, org_id, chosen["id"], title=form.title.data, lead=form.lead.data,
                indicator_ids=form.indicators.data, target_date=form.target_date.data,
                status=form.status.data, created_by=g.user["id"])
        except PlanError as exc:
            form.title.errors.append(f"This action could not be saved: {exc}")
        else:
            record_event("plan.action_added", org_id, f"action {action_id}")
            flash("Action added to the improvement plan.")
            return redirect(url_for(".organisation_plan", org_id=org_id, round=chosen["id"]))
    errors = form_errors(form)
    # read only when the form is shown: a benchmark is the slowest thing on this page
    development = development_areas(db, chosen["id"], org_id, current_app.config["MIN_GROUP"],
                                    BenchmarkCache(db, current_app.config["MIN_GROUP"], current_viewer()))
    picked = [d for d in development if d["indicator"] in request.args.getlist("indicator")]
    return render_template(
        "plans/action_form.html", organisation=organisation, form=form, errors=errors, round=chosen,
        framework=framework, picked=picked, development=development, action=None,
        form_url=url_for(".new_action", org_id=org_id, round=chosen["id"],
                         indicator=request.args.getlist("indicator")),
    ), 400 if errors else 200


@bp.route("/organisations/<int:org_id>/plan/next-steps", methods=["POST"])
@login_required
def add_next_step(org_id):
    """Add a development area's suggested next step to the plan in one step, then offer it for editing."""
    db, _ = _organisation(org_id, edit=True)
    chosen = _chosen_round(rounds_with_results(db, org_id), request.form.get("round"))
    if chosen is None:
        abort(404)
    areas = development_areas(db, chosen["id"], org_id, current_app.config["MIN_GROUP"],
                              BenchmarkCache(db, current_app.config["MIN_GROUP"], current_viewer()))
    area = next((a for a in areas if a["indicator"] == request.form.get("indicator") and a["next_step"]), None)
    if area is None:
        abort(400)  # only a development area with a suggestion can be added this way
    try:
        action_id = adopt_next_step(db, org_id, chosen["id"], area, lead=g.user["name"], created_by=g.user["id"])
    except PlanError:
        abort(400)
    record_event("plan.action_added", org_id, f"action {action_id} from a suggested next step")
    flash("Suggested next step added to the improvement plan. Check the lead and target date.")
    return redirect(url_for(".edit_action", org_id=org_id, action_id=action_id))


@bp.route("/organisations/<int:org_id>/plan/actions/<int:action_id>")
@login_required
def action_page(org_id, action_id):
    """Show one action with its indicators' movement, its progress notes and the note form."""
    db, organisation = _organisation(org_id)
    action = _action(db, organisation, action_id)
    form = NoteForm(formdata=None, status=action.status, noted_on=plan_today())
    return _render_action(db, organisation, action, form)


def _render_action(db, organisation, action, form, status: int = 200):
    """Render an action's page, with the note form as given."""
    record = plan_records(db, [action])[0]
    return render_template(
        "plans/action.html", organisation=organisation, action=action, record=record, form=form,
        errors=form_errors(form), notes=list_notes(db, action.id),
        can_edit=can_edit_plan(g.user, organisation)), status


@bp.route("/organisations/<int:org_id>/plan/actions/<int:action_id>/notes", methods=["POST"])
@login_required
def add_progress_note(org_id, action_id):
    """Record a dated progress note and the status it leaves the action in."""
    db, organisation = _organisation(org_id, edit=True)
    action = _action(db, organisation, action_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            add_note(db, action.id, form.note.data, noted_on=form.noted_on.data, status=form.status.data,
                     author_id=g.user["id"], author_name=g.user["name"])
        except PlanError as exc:
            form.note.errors.append(f"This note could not be saved: {exc}")
        else:
            record_event("plan.note_added", org_id, f"action {action.id}, status {form.status.data}")
            flash("Progress note added.")
            return redirect(url_for(".action_page", org_id=org_id, action_id=action.id, _anchor="notes"))
    return _render_action(db, organisation, action, form, 400)


@bp.route("/organisations/<int:org_id>/plan/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(org_id, action_id):
    """Change an action, refusing to overwrite someone else's newer change."""
    db, organisation = _organisation(org_id, edit=True)
    action = _action(db, organisation, action_id)
    framework = get_framework(db, action.framework_key)
    if request.method == "GET":
        form = ActionForm(formdata=None, title=action.title, lead=action.lead, target_date=action.target_date,
                          status=action.status, indicators=list(action.indicator_ids), version=action.version)
    else:
        form = ActionForm()
    form.indicators.choices = _indicator_choices(framework)
    stale = False
    if form.validate_on_submit():
        try:
            update_action(db, action.id, _int(form.version.data), title=form.title.data, lead=form.lead.data,
                          indicator_ids=form.indicators.data, target_date=form.target_date.data,
                          status=form.status.data)
        except StaleAction:
            stale = True
            action = _action(db, organisation, action_id)
            # from here the person has seen the newer action; saving again keeps their version
            form.version.data = str(action.version)
        except PlanError as exc:
            form.title.errors.append(f"This action could not be saved: {exc}")
        else:
            record_event("plan.action_changed", org_id, f"action {action.id}, status {form.status.data}")
            flash("Action updated.")
            return redirect(url_for(".action_page", org_id=org_id, action_id=action.id))
    errors = form_errors(form)
    if stale:
        errors.insert(0, ("title", "Someone else changed this action while you were editing it. "
                                   "Check your changes against theirs, then save again."))
    return render_template(
        "plans/action_form.html", organisation=organisation, form=form, errors=errors,
        round=_round_of(action), framework=framework, picked=[], development=[], action=action,
        stale=stale, form_url=url_for(".edit_action", org_id=org_id, action_id=action.id),
    ), 409 if stale else 400 if errors else 200


def _round_of(action) -> dict:
    """Describe an action's round the way the form template expects."""
    return {"id": action.round_id, "title": action.round_title}


def _int(text) -> int:
    """Read a whole number from a form, treating junk as a version that never matches."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return -1


@bp.route("/organisations/<int:org_id>/plan/actions/<int:action_id>/complete", methods=["POST"])
@login_required
def complete(org_id, action_id):
    """Mark an action done."""
    db, organisation = _organisation(org_id, edit=True)
    action = _action(db, organisation, action_id)
    complete_action(db, action.id)
    record_event("plan.action_done", org_id, f"action {action.id}")
    flash("Action marked as done.")
    return redirect(url_for(".action_page", org_id=org_id, action_id=action.id))


@bp.route("/organisations/<int:org_id>/plan.<fmt>")
@login_required
def organisation_export(org_id, fmt):
    """Download an organisation's plan as CSV or XLSX."""
    db, organisation = _organisation(org_id)
    if fmt not in EXPORTS:
        abort(404)
    records = plan_records(db, list_actions(db, organisation_id=org_id))
    record_event("plan.export", org_id, f"{fmt}, {len(records)} actions")
    return plan_download(records, fmt, f"Improvement plan: {organisation['name']}", f"improvement-plan-{org_id}")


