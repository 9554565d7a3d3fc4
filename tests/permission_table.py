"""The permission table as data: every endpoint, who may use it, and on which organisation.

test_permissions_routes.py walks app.url_map and FAILS for any endpoint missing
here. When you add a route, add an entry: which roles are allowed, per target
organisation where the URL names one ("A" is in Dundee City, "B" in Angus; see
security_world.py), and how to build its URL arguments. Keep docs/security.md
in step: test_permission_table_is_documented checks every endpoint is named there.

"Allowed" means the request got past the permission checks: any status below 500
except 401/403/404 and a redirect to sign-in (so a 400 for an empty form, or a
409 for a closed round, still counts as allowed). "Refused" means 403 or 404,
or for someone not signed in a redirect to the sign-in page.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .plan_helpers import world_action, world_upload
from .security_world import ORG_AREAS, ROLES, World

SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
FACILITATORS = frozenset({"facilitator_dundee", "facilitator_all"})
ADMIN = frozenset({"admin"})


def anywhere(roles) -> dict:
    """Allow roles on a URL that names no organisation."""
    return {"-": frozenset(roles)}


def per_org(a, b) -> dict:
    """Allow different roles on organisation A (Dundee City) and B (Angus)."""
    return {"A": frozenset(a), "B": frozenset(b)}


@dataclass(frozen=True)
class Route:
    allowed: dict                                         # target -> roles allowed
    args: Callable[[World, str], dict] = lambda w, t: {}  # URL arguments for a target
    query: str = ""
    sign_in_redirect_is_fine: bool = False                # e.g. sign-out sends everyone to sign-in


def _import_job(w: World, t: str) -> dict:
    """Return the URL arguments of an import job uploaded by facilitator_dundee (created once)."""
    from surveyapp.storage.jobs import create_job

    db = w.db()
    try:
        job_id, _ = create_job(db, "responses", b"organisation\n", round_id=w.round_open,
                               user_id=w.users["facilitator_dundee"])
    finally:
        db.close()
    return {"job_id": job_id}


def _assess(w: World, t: str) -> dict:
    return {"round_id": w.round_open, "org_id": w.orgs[t]}


def _results(w: World, t: str) -> dict:
    return {"round_id": w.round_done, "org_id": w.orgs[t]}


RESULTS_A = {"lead_a", "facilitator_dundee", "facilitator_all", "commissioner_dundee"}
RESULTS_B = {"lead_b", "facilitator_all"}
PLAN_EDIT_A = {"lead_a", "facilitator_dundee", "facilitator_all"}
PLAN_EDIT_B = {"lead_b", "facilitator_all"}
AREA_PLAN_A = {"facilitator_dundee", "facilitator_all", "commissioner_dundee"}  # Dundee City
AREA_PLAN_B = {"facilitator_all"}                                               # Angus


def _org(w: World, t: str) -> dict:
    return {"org_id": w.orgs[t]}


def _plan_action(w: World, t: str) -> dict:
    return {"org_id": w.orgs[t], "action_id": world_action(w, t)}


def _area(w: World, t: str) -> dict:
    return {"area": ORG_AREAS[t]}


GROUPS_A = {"lead_a", "lead_b", "facilitator_dundee", "facilitator_all", "commissioner_dundee"}  # Dundee City
GROUPS_B = {"lead_a", "lead_b", "facilitator_all"}                                               # Angus


def _area_report(w: World, t: str) -> dict:
    return {"round_id": w.round_done, "name_slug": ORG_AREAS[t].lower().replace(" ", "-")}

TABLE: dict[str, Route] = {
    # public pages
    "static": Route(anywhere(EVERYONE), lambda w, t: {"filename": "app.css"}),
    "auth.sign_in": Route(anywhere(EVERYONE)),
    "account.request_reset": Route(anywhere(EVERYONE)),
    "service.accessibility": Route(anywhere(EVERYONE)),
    "service.privacy": Route(anywhere(EVERYONE)),
    "service.contact": Route(anywhere(EVERYONE)),
    # whoever holds the link may use it; an empty POST is refused by the form, not by role
    "account.accept_invitation": Route(anywhere(EVERYONE), lambda w, t: {"token": w.invitation}),
    "account.reset_password": Route(anywhere(EVERYONE), lambda w, t: {"token": w.reset}),
    # signed in
    "auth.sign_out": Route(anywhere(EVERYONE), sign_in_redirect_is_fine=True),
    "auth.resume": Route(anywhere({"lead_a"}), lambda w, t: {"token": w.kept_token}),  # only its owner
    "home.index": Route(anywhere(SIGNED_IN)),
    # the respondent journey: service leads of that organisation only
    "assess.task_list": Route(per_org({"lead_a"}, {"lead_b"}), _assess),
    "assess.start": Route(per_org({"lead_a"}, {"lead_b"}), _assess),
    "assess.domain_page": Route(per_org({"lead_a"}, {"lead_b"}),
                                lambda w, t: {**_assess(w, t), "domain_id": w.domain_id}),
    "assess.check_answers": Route(per_org({"lead_a"}, {"lead_b"}), _assess),
    "assess.confirmation": Route(per_org({"lead_a"}, {"lead_b"}), _results),
    # an organisation's own results: its service leads, and facilitators/commissioners of its area
    "assess.summary": Route(per_org(RESULTS_A, RESULTS_B), _results),
    # facilitators
    "rounds.index": Route(anywhere(FACILITATORS)),
    "rounds.new": Route(anywhere(FACILITATORS)),
    "rounds.change_status": Route(anywhere(FACILITATORS), lambda w, t: {"round_id": w.round_done}),
    "rounds.confirm_status": Route(anywhere(FACILITATORS), lambda w, t: {"round_id": w.round_done},
                                   query="?status=open"),
    "facilitate.index": Route(anywhere(FACILITATORS)),
    "facilitate.invite": Route(anywhere(FACILITATORS)),
    "facilitate.reminders": Route(anywhere(FACILITATORS), lambda w, t: {"round_id": w.round_open}),
    "imports.responses": Route(anywhere(FACILITATORS | ADMIN)),
    # an upload's status page: the person who uploaded it, and administrators
    "imports.job": Route(anywhere({"facilitator_dundee", "admin"}), _import_job),
    "facilitate.reopen": Route(per_org(FACILITATORS, {"facilitator_all"}),
                               lambda w, t: {"response_id": w.submitted[t]}),
    # administrators
    "admin.index": Route(anywhere(ADMIN)),
    "admin.users": Route(anywhere(ADMIN)),
    "admin.new_user": Route(anywhere(ADMIN)),
    "admin.user": Route(anywhere(ADMIN), lambda w, t: {"user_id": w.spare_user}),
    "admin.set_user_active": Route(anywhere(ADMIN), lambda w, t: {"user_id": w.spare_user}),
    "admin.confirm_deactivation": Route(anywhere(ADMIN), lambda w, t: {"user_id": w.spare_user}),
    "admin.organisations": Route(anywhere(ADMIN)),
    "admin.import_organisations": Route(anywhere(ADMIN)),
    "admin.import_people": Route(anywhere(ADMIN)),
    "admin.frameworks": Route(anywhere(ADMIN)),
    "admin.framework_upload": Route(anywhere(ADMIN)),
    "admin.preview": Route(anywhere(ADMIN), lambda w, t: {"upload_id": world_upload(w)}),
    "admin.preview_domain": Route(anywhere(ADMIN), lambda w, t: {"upload_id": world_upload(w), "domain_id": "ex-1"}),
    "admin.publish": Route(anywhere(ADMIN), lambda w, t: {"upload_id": world_upload(w)}),
    "records.audit": Route(anywhere(ADMIN)),
    "records.audit_csv": Route(anywhere(ADMIN)),
    "records.outbox": Route(anywhere(ADMIN)),
    "records.message": Route(anywhere(ADMIN), lambda w, t: {"message_id": w.message_id}),
    "records.change_message": Route(anywhere(ADMIN), lambda w, t: {"message_id": w.message_id, "action": "cancel"}),
    # improvement plans: seen by whoever sees the results; changed by the organisation's service leads
    # and the facilitators of its area; an area's plan by the facilitators and commissioners covering it
    "plans.index": Route(anywhere(SIGNED_IN - ADMIN)),
    "plans.organisation_plan": Route(per_org(RESULTS_A, RESULTS_B), _org),
    "plans.organisation_export": Route(per_org(RESULTS_A, RESULTS_B), lambda w, t: {**_org(w, t), "fmt": "csv"}),
    "plans.action_page": Route(per_org(RESULTS_A, RESULTS_B), _plan_action),
    "plans.new_action": Route(per_org(PLAN_EDIT_A, PLAN_EDIT_B), _org),
    "plans.add_next_step": Route(per_org(PLAN_EDIT_A, PLAN_EDIT_B), _org),
    "plans.edit_action": Route(per_org(PLAN_EDIT_A, PLAN_EDIT_B), _plan_action),
    "plans.add_progress_note": Route(per_org(PLAN_EDIT_A, PLAN_EDIT_B), _plan_action),
    "plans.complete": Route(per_org(PLAN_EDIT_A, PLAN_EDIT_B), _plan_action),
    "targets.overview": Route(per_org(RESULTS_A, RESULTS_B), _results),
    "targets.export": Route(per_org(RESULTS_A, RESULTS_B), lambda w, t: {**_results(w, t), "fmt": "csv"}),
    "targets.set_domain": Route(per_org({"lead_a"}, {"lead_b"}),
                                lambda w, t: {**_results(w, t), "domain_id": w.domain_id}),
    "plans.area_plan": Route(per_org(AREA_PLAN_A, AREA_PLAN_B), _area),
    "plans.area_export": Route(per_org(AREA_PLAN_A, AREA_PLAN_B), lambda w, t: {**_area(w, t), "fmt": "csv"}),
    # results (surveyapp/views/reports.py): an organisation's report as its results; area reports for whoever
    # may see that area's benchmarks (service leads see suppressed group figures anywhere); the dashboard
    # and aggregate exports for facilitators and commissioners; long-format answers for facilitators only
    "reports.organisation": Route(per_org(RESULTS_A, RESULTS_B), _results),
    "reports.organisation_pdf": Route(per_org(RESULTS_A, RESULTS_B), _results),
    "reports.area": Route(per_org(GROUPS_A, GROUPS_B), _area_report),
    "reports.area_pdf": Route(per_org(GROUPS_A, GROUPS_B), _area_report),
    "reports.sector": Route(anywhere(GROUPS_A), lambda w, t: {"round_id": w.round_done, "name_slug": "third-sector"}),
    "reports.sector_pdf": Route(anywhere(GROUPS_A), lambda w, t: {"round_id": w.round_done, "name_slug": "third-sector"}),
    "reports.dashboard": Route(anywhere(AREA_PLAN_A)),
    "reports.indicator": Route(anywhere(AREA_PLAN_A), lambda w, t: {"indicator_id": "sp-1-1"}),
    "reports.aggregates": Route(anywhere(AREA_PLAN_A), lambda w, t: {"round_id": w.round_done}),
    "reports.responses": Route(anywhere(FACILITATORS), lambda w, t: {"round_id": w.round_done}),
}
