"""Targets for the next round: an organisation's target level per indicator, set domain by domain.

A target is set on one round's results and applies to the next round of the
same framework (plans/targets.py). Whoever may see the organisation's results
sees its targets; only its service leads set them. Every route checks that.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import RadioField

from surveyapp.accounts.organisations import get_organisation
from surveyapp.accounts.permissions import can_set_targets, can_view_results
from surveyapp.assessments.rounds import get_round
from surveyapp.benchmarks.round_cache import published_benchmark
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.plans.model import PlanError
from surveyapp.plans.progress import has_results, next_round
from surveyapp.plans.targets import (
    clear_target,
    list_targets,
    may_change_targets,
    own_scores,
    set_target,
    target_records,
)
from surveyapp.render.tables import Sheet, csv_text, xlsx_bytes
from surveyapp.storage.db import get_db
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import current_viewer, found, login_required, require

bp = Blueprint("targets", __name__)
NO_TARGET = ""
EXPORTS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MET_WORDS = {True: "Yes", False: "No", None: "Not assessed"}


def _context(org_id: int, round_id: int):
    """Load the organisation, round and framework, refusing anyone who may not see these results."""
    db = get_db()
    organisation = found(get_organisation(db, org_id))
    require(can_view_results(g.user, organisation))
    round_row = dict(found(get_round(db, round_id)))
    if not has_results(db, round_id, org_id):
        abort(404)  # a target answers results: there are none to set it on
    return db, organisation, round_row, framework_for_round(db, round_id)


def _scores(db, round_id: int, org_id: int) -> dict[str, float | None]:
    """Return the organisation's own indicator scores in a round, as its report shows them."""
    bench = published_benchmark(db, round_id, current_viewer(), current_app.config["MIN_GROUP"])
    return own_scores(bench, org_id)


def level_text(indicator, level: float | None) -> str:
    """Name a level by its value and label, e.g. '4 Good'."""
    if level is None:
        return "No target"
    found_level = indicator.scale.level_for(level) if indicator.scale else None
    number = f"{level:g}"
    return f"{number} {found_level.label}" if found_level else number


@bp.route("/organisations/<int:org_id>/rounds/<int:round_id>/targets")
@login_required
def overview(org_id, round_id):
    """Show the organisation's targets for the next round, domain by domain, beside this round's results."""
    db, organisation, round_row, framework = _context(org_id, round_id)
    return _render_overview(db, organisation, round_row, framework)


def _render_overview(db, organisation, round_row, framework, status: int = 200):
    """Render the targets overview."""
    may_change = may_change_targets(db, organisation["id"], round_row["id"])
    return render_template(
        "targets/overview.html", organisation=organisation, round=round_row, framework=framework,
        targets=list_targets(db, organisation["id"], round_row["id"]),
        scores=_scores(db, round_row["id"], organisation["id"]), next_round=next_round(db, round_row["id"]),
        may_change=may_change, can_set=can_set_targets(g.user, organisation) and may_change,
        level_text=level_text), status


def _domain_form(domain, targets):
    """Build a form with one radio group per scored indicator: no target, or one of its scale's levels."""
    class DomainTargets(FlaskForm):
        pass
    for indicator in domain.scored_indicators:
        choices = {NO_TARGET: "No target"} | {f"{lv.value:g}": f"{lv.value:g} {lv.label}"
                                              for lv in indicator.scale.levels}
        current = targets.get(indicator.id)
        setattr(DomainTargets, f"target_{indicator.id}", RadioField(
            indicator.text, choices=choices, default=f"{current.level:g}" if current else NO_TARGET,
            validate_choice=True))
    return DomainTargets()


@bp.route("/organisations/<int:org_id>/rounds/<int:round_id>/targets/<domain_id>", methods=["GET", "POST"])
@login_required
def set_domain(org_id, round_id, domain_id):
    """Set, change or clear the targets of one domain's indicators, then return to the overview."""
    db, organisation, round_row, framework = _context(org_id, round_id)
    require(can_set_targets(g.user, organisation))
    domain = found(next((d for d in framework.domains if d.id == domain_id and d.scored_indicators), None))
    if not may_change_targets(db, org_id, round_id):
        return _render_overview(db, organisation, round_row, framework, 409)
    targets = list_targets(db, org_id, round_id)
    form = _domain_form(domain, targets)
    if form.validate_on_submit():
        try:
            changed = _save(db, org_id, round_id, domain, targets, form)
        except PlanError:
            abort(409)  # the next round's results arrived while the form was open
        flash(f"Targets saved for {domain.title}." if changed else f"No targets changed for {domain.title}.")
        return redirect(url_for(".overview", org_id=org_id, round_id=round_id, _anchor=f"domain-{domain.id}"))
    errors = [(f"target_{i.id}-0", f"Select a target for “{i.text}”, or no target")
              for i in domain.scored_indicators if getattr(form, f"target_{i.id}").errors]
    return render_template(
        "targets/domain.html", organisation=organisation, round=round_row, domain=domain, form=form,
        errors=errors, scores=_scores(db, round_id, org_id), next_round=next_round(db, round_id),
        level_text=level_text), 400 if errors else 200


def _save(db, org_id: int, round_id: int, domain, targets, form) -> int:
    """Store what the form says for each indicator and audit each change; return how many changed."""
    changed = 0
    for indicator in domain.scored_indicators:
        wanted = getattr(form, f"target_{indicator.id}").data
        current = targets.get(indicator.id)
        if wanted == NO_TARGET:
            if current is not None and clear_target(db, org_id, round_id, indicator.id):
                record_event("target.cleared", org_id, f"round {round_id}, indicator {indicator.id}")
                changed += 1
        elif current is None or f"{current.level:g}" != wanted:
            set_target(db, org_id, round_id, indicator.id, float(wanted), set_by=g.user["id"],
                       set_by_name=g.user["name"])
            record_event("target.set", org_id, f"round {round_id}, indicator {indicator.id}, level {wanted}")
            changed += 1
    return changed


@bp.route("/organisations/<int:org_id>/rounds/<int:round_id>/targets.<fmt>")
@login_required
def export(org_id, round_id, fmt):
    """Download the organisation's targets set on a round, with the next round's result once it has one."""
    db, organisation, round_row, framework = _context(org_id, round_id)
    if fmt not in EXPORTS:
        abort(404)
    targets = list_targets(db, org_id, round_id).values()
    later = next_round(db, round_id)
    outcome = ({r["indicator"]: r for r in target_records(targets, _scores(db, later["id"], org_id), framework)}
               if later and has_results(db, later["id"], org_id) else {})
    scores = _scores(db, round_id, org_id)
    columns = ("Organisation", "Results round", "Domain", "Indicator", f"Result in {round_row['title']}",
               "Target", "Set by", "Next round", "Result in the next round", "Met")
    domains = {d.id: d.title for d in framework.domains}
    rows = []
    for target in targets:
        indicator = framework.indicator(target.indicator_id)
        done = outcome.get(target.indicator_id)
        rows.append((organisation["name"], round_row["title"], domains.get(target.domain_id, target.domain_id),
                     indicator.text if indicator else target.indicator_id, scores.get(target.indicator_id),
                     level_text(indicator, target.level) if indicator else f"{target.level:g}",
                     target.set_by_name, later["title"] if later else "",
                     done["score"] if done else None, MET_WORDS[done["met"]] if done else ""))
    record_event("targets.export", org_id, f"round {round_id}, {fmt}, {len(rows)} targets")
    name = f"targets-{org_id}-round-{round_id}.{fmt}"
    body = csv_text(columns, rows) if fmt == "csv" else xlsx_bytes([Sheet("targets", columns, tuple(rows))])
    return Response(body, mimetype=EXPORTS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
