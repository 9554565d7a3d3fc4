"""The service lead's journey: task list, domain pages, check answers, submit, summary."""
from __future__ import annotations

import sqlite3

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from surveyapp.accounts.organisations import get_organisation
from surveyapp.accounts.permissions import can_respond, can_view_results
from surveyapp.assessments.forms import (
    build_domain_form,
    describe_answer,
    form_errors,
    form_to_answers,
    stored_values,
    typed_values,
)
from surveyapp.assessments.responses import (
    Incomplete,
    ResponseLocked,
    StaleSave,
    domain_statuses,
    find_response,
    incomplete_domains,
    load_answers,
    missing_required,
    save_domain,
    start_response,
    submit_response,
)
from surveyapp.assessments.rounds import get_round, is_open
from surveyapp.benchmarks.organisation_summary import organisation_summary_for
from surveyapp.frameworks.registry import get_framework
from surveyapp.storage.db import get_db
from surveyapp.web.faults import unsaved_message, unsubmitted_message
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import current_viewer, found, login_required, require

bp = Blueprint("assess", __name__, url_prefix="/rounds/<int:round_id>/organisations/<int:org_id>")


def _context(round_id: int, org_id: int, need_response: bool = True):
    """Load round, organisation, framework and the user's response, refusing what is not theirs."""
    db = get_db()
    round_row = found(get_round(db, round_id))
    organisation = found(get_organisation(db, org_id))
    require(can_respond(g.user, organisation))
    framework = get_framework(db, round_row["framework_key"])
    response = find_response(db, round_id, org_id, g.user["email"])
    if need_response and response is None:
        abort(404)
    return db, round_row, organisation, framework, response


@bp.route("/")
@login_required
def task_list(round_id, org_id):
    """Show the domains as a task list with their status."""
    db, round_row, organisation, framework, response = _context(round_id, org_id, need_response=False)
    statuses = domain_statuses(db, response["id"]) if response else {}
    answers = load_answers(db, response["id"]) if response else {}
    tasks = []
    for domain in framework.domains:
        status = statuses.get(domain.id, "not_started")
        if status == "completed" and missing_required(domain, answers):
            status = "in_progress"
        tasks.append((domain, status))
    return render_template(
        "assess/task_list.html", round=round_row, organisation=organisation, framework=framework,
        response=response, tasks=tasks, open=is_open(round_row),
        completed=sum(1 for _, s in tasks if s == "completed"))


@bp.route("/start", methods=["POST"])
@login_required
def start(round_id, org_id):
    """Create the user's draft for this organisation and round."""
    db, round_row, _organisation, framework, _response = _context(round_id, org_id, need_response=False)
    if not is_open(round_row):
        abort(409)
    start_response(db, round_id, org_id, g.user["email"], g.user["id"])
    return redirect(url_for(".domain_page", round_id=round_id, org_id=org_id,
                            domain_id=framework.domains[0].id))


@bp.route("/domains/<domain_id>", methods=["GET", "POST"])
@login_required
def domain_page(round_id, org_id, domain_id):
    """Show and save one domain's questions."""
    db, round_row, organisation, framework, response = _context(round_id, org_id)
    domain = found(framework.domain(domain_id))
    editable = response["status"] == "draft" and is_open(round_row)
    stale = fault = None
    if request.method == "POST":
        if not editable:
            abort(409)
        finish = request.form.get("action") != "later"
        form = build_domain_form(framework, domain, require=finish, formdata=request.form)
        if form.validate():
            answers = form_to_answers(domain, form)
            try:
                base = int(request.form.get("version", "0"))
            except ValueError:
                base = -1
            try:
                save_domain(db, response["id"], domain, answers, base, completed=finish)
            except ResponseLocked:
                abort(409)
            except StaleSave as exc:
                stale = exc
            except sqlite3.OperationalError as exc:
                # disk full, read-only or busy: show the form again as typed
                fault = unsaved_message(exc)
            else:
                if not finish:
                    flash("Your answers have been saved. You can come back to them later.")
                    return redirect(url_for(".task_list", round_id=round_id, org_id=org_id))
                return redirect(_next_page(framework, domain, round_id, org_id))
        response = find_response(db, round_id, org_id, g.user["email"])
        values, errors = typed_values(request.form), form_errors(form)
    else:
        values, errors = stored_values(domain, load_answers(db, response["id"], domain.id)), {}
    position = [d.id for d in framework.domains].index(domain.id) + 1
    return render_template(
        "assess/domain.html", round=round_row, organisation=organisation, framework=framework,
        domain=domain, values=values, errors=errors, response=response, editable=editable, position=position,
        stale=stale, stale_text={k: describe_answer(framework.indicator(k), v)
                                 for k, v in (stale.changed.items() if stale else ())},
        fault=fault,
    ), (409 if stale else 503 if fault else 200)


def _next_page(framework, domain, round_id, org_id) -> str:
    """Return the next domain's page, or check-your-answers after the last."""
    ids = [d.id for d in framework.domains]
    index = ids.index(domain.id)
    if request.args.get("from") == "check" or index + 1 >= len(ids):
        return url_for(".check_answers", round_id=round_id, org_id=org_id)
    return url_for(".domain_page", round_id=round_id, org_id=org_id, domain_id=ids[index + 1])


@bp.route("/check", methods=["GET", "POST"])
@login_required
def check_answers(round_id, org_id):
    """Show every answer with change links, and submit."""
    db, round_row, organisation, framework, response = _context(round_id, org_id)
    incomplete, fault = [], None
    if request.method == "POST":
        if response["status"] == "submitted":
            return redirect(url_for(".confirmation", round_id=round_id, org_id=org_id))
        if not is_open(round_row):
            abort(409)
        try:
            submit_response(db, framework, response["id"], on_submitted=lambda reference: record_event(
                "response.submitted", org_id, f"round {round_id}, reference {reference}"))
        except Incomplete as exc:
            incomplete = exc.domains
        except sqlite3.OperationalError as exc:
            fault = unsubmitted_message(exc)
        else:
            return redirect(url_for(".confirmation", round_id=round_id, org_id=org_id))
    answers = load_answers(db, response["id"])
    return render_template(
        "assess/check.html", round=round_row, organisation=organisation, framework=framework,
        response=response, answers=answers, describe=describe_answer, incomplete=incomplete,
        not_ready=incomplete_domains(db, framework, response["id"]), fault=fault,
        counts={d.id: _answer_counts(d, answers) for d in framework.domains},
    ), (400 if incomplete else 503 if fault else 200)


def _answer_counts(domain, answers) -> dict:
    """Count a domain's answered and unanswered questions, and the required ones still missing."""
    answered = sum(1 for ind in domain.indicators if ind.id in answers and not answers[ind.id].is_blank)
    return {"answered": answered, "unanswered": len(domain.indicators) - answered,
            "missing": len(missing_required(domain, answers))}


@bp.route("/confirmation")
@login_required
def confirmation(round_id, org_id):
    """Confirm a submission with its reference, and show the organisation's summary."""
    db, round_row, organisation, framework, response = _context(round_id, org_id)
    if response["status"] != "submitted":
        return redirect(url_for(".check_answers", round_id=round_id, org_id=org_id))
    summary = organisation_summary_for(db, round_row, organisation, framework, current_app.config["MIN_GROUP"],
                                       current_viewer())
    return render_template(
        "assess/confirmation.html", round=round_row, organisation=organisation,
        framework=framework, response=response, summary=summary)


@bp.route("/summary")
@login_required
def summary(round_id, org_id):
    """Show the organisation's own results for this round."""
    db = get_db()
    round_row = found(get_round(db, round_id))
    organisation = found(get_organisation(db, org_id))
    require(can_view_results(g.user, organisation))
    framework = get_framework(db, round_row["framework_key"])
    summary = organisation_summary_for(db, round_row, organisation, framework, current_app.config["MIN_GROUP"],
                                       current_viewer())
    return render_template("assess/summary.html", round=round_row, organisation=organisation,
                           framework=framework, summary=summary)
