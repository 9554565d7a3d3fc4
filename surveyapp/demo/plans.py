"""Fictional improvement plans for the demo: actions drawn from a few organisations' 2025/26 development areas.

The actions follow the shape of a partnership's commitments table: what will
be done, a lead partner agency and a target date. Dates are set relative to
the day the demo is loaded, so the demo always shows an overdue action, a done
one and one still on track, whenever it is run.
"""
from __future__ import annotations

import datetime as dt

from surveyapp.plans.actions import add_note, create_action
from surveyapp.plans.progress import has_results, next_round
from surveyapp.plans.records import development_areas

DEMO_ROUND_TITLE = "2025/26 strategic planning self-assessment"
# The demo service leads' organisations get a plan whatever happens: they answer the 2026/27
# round by hand, and then see their actions' indicators move.
LEADS_ORGANISATIONS = (
    "Harbourside Recovery Café (fictional)",
    "Angus Coast Social Work Team (fictional)",
)
# Others, in order of preference, get one only when they already have 2026/27 results to compare.
OTHER_ORGANISATIONS = (
    "Eastport Integrated Addictions Team (fictional)",
    "Seagate Women’s Support Project (fictional)",
    "Glen Clova Rural Wellbeing Trust (fictional)",
    "Strathearn Community Recovery Network (fictional)",
    "Law Hill Community Mental Health Team (fictional)",
    "Montrose Basin Outreach Project (fictional)",
    "Kinnoull Hill Psychological Therapies Service (fictional)",
)
MAX_ORGANISATIONS = 5
ACTIONS_EACH = 3
HSCP = {"Dundee City": "Dundee Health and Social Care Partnership",
        "Angus": "Angus Health and Social Care Partnership",
        "Perth and Kinross": "Perth and Kinross Health and Social Care Partnership",
        "Tayside-wide": "NHS Tayside"}
# indicator -> (what will be done, lead partner agency); "{hscp}" is the area's partnership.
# Written in the manner of a partnership's commitments table; every name here is generic.
ACTIONS = {
    "sp-1-1": ("Refresh the joint strategic needs assessment, adding data on groups who find services hard "
               "to reach, and publish a plain-English summary.", "NHS Tayside Public Health"),
    "sp-1-2": ("Map the money, staff, buildings and community assets each partner puts into the plan’s "
               "outcomes.", "{hscp}"),
    "sp-1-3": ("Compare waiting lists and service activity with assessed need and report the gaps and "
               "duplication found.", "NHS Tayside Public Health"),
    "sp-1-4": ("Build three demand scenarios for the next five years and test the plan’s priorities "
               "against them.", "{hscp}"),
    "sp-2-1": ("Set up a lived experience panel, paid and supported, that shapes the plan’s priorities "
               "from the first draft.", "Third Sector Management Group"),
    "sp-2-2": ("Run engagement sessions with frontline staff and seldom-heard groups in each locality.",
               "Third Sector Management Group"),
    "sp-2-3": ("Ask the Strategic Planning Group for its views on each draft and publish how they were "
               "answered.", "{hscp}"),
    "sp-2-4": ("Publish a ‘you said, we did’ summary after each round of engagement, including "
               "what could not be done and why.", "{hscp}"),
    "sp-3-1": ("Cost the plan’s main commitments and align them with the medium-term financial plan.",
               "Chief Finance Officer"),
    "sp-3-2": ("Agree a joint budget review that moves resources towards prevention and early "
               "intervention.", "ADP Commissioning Group"),
    "sp-3-3": ("Develop a market facilitation statement with providers and move essential services off "
               "short-term funding.", "ADP Commissioning Group"),
    "sp-3-4": ("Produce a workforce plan for the services the plan depends on, covering recruitment and "
               "retention.", "{hscp}"),
    "sp-4-1": ("Give every commitment in the plan a named lead partner, a target timescale and a measure "
               "of progress.", "Alcohol and Drug Partnership"),
    "sp-4-2": ("Agree and publish reporting lines between the plan and the bodies that oversee it.",
               "Chief Officers Group"),
    "sp-4-3": ("Carry out an integrated impact assessment with people affected while the plan is drafted, "
               "and record what it changed.", "Protecting People Strategic Support Team"),
    "sp-4-4": ("Set up a risk register for delivering the plan, reviewed every quarter, and invite "
               "independent members to scrutinise progress.", "Chief Officers Group"),
    "sp-5-1": ("Map the plan against the housing, justice, children’s services and mental health plans "
               "and show the links in one table.", "Protecting People Strategic Support Team"),
    "sp-5-2": ("Agree a housing contribution statement with housing partners.", "{hscp}"),
    "sp-5-3": ("Bring overlapping action plans together into one prioritised delivery plan.",
               "Protecting People Strategic Support Team"),
    "sp-5-4": ("Agree with the other Tayside partnerships how local and Tayside-wide plans are "
               "coordinated.", "NHS Tayside"),
    "sp-6-1": ("Write an annual delivery plan with actions, milestones and resources for each priority.",
               "{hscp}"),
    "sp-6-2": ("Set baselines for each outcome measure and report progress against them every six "
               "months.", "NHS Tayside Public Health"),
    "sp-6-3": ("Agree a yearly review cycle for the plan, with changes made in response to what is "
               "learned.", "{hscp}"),
    "sp-6-4": ("Agree a planning timetable that leaves time for engagement, impact assessment and "
               "approval.", "{hscp}"),
    "sp-7-1": ("Put data-sharing agreements in place between partners for the information planning "
               "needs.", "NHS Tayside Public Health"),
    "sp-7-2": ("Agree a shared data set on waiting times and outcomes, refreshed every quarter.",
               "NHS Tayside Public Health"),
    "sp-7-3": ("Bring what people tell us about their experience into each quarterly performance "
               "report.", "Third Sector Management Group"),
    "sp-8-1": ("Hold a joint leadership session to agree one description of what the system is trying to "
               "achieve.", "Chief Officers Group"),
    "sp-8-2": ("Run facilitated sessions for partner leaders on money, risk and performance.",
               "Chief Officers Group"),
    "sp-8-3": ("Give third sector and lived experience organisations seats and votes on the planning "
               "group.", "Third Sector Management Group"),
    "sp-8-4": ("Share the chairing and leadership of planning workstreams across partners.",
               "{hscp}"),
}
# Used for any indicator a later framework version adds.
FALLBACK_ACTION = ("Agree an improvement action for this indicator at the next planning group.", "{hscp}")
# (status, days from load day to the target date or None while to be agreed,
#  days before load day the note was written, note)
SHAPES = (
    ("at_risk", -45, 60, "Partner data has not arrived from two services; escalated to the oversight group."),
    ("done", -20, 30, "Completed and signed off at the partnership meeting."),
    ("on_track", 150, 14, "Scoping agreed; first working group meeting held."),
    ("not_started", -10, 40, "Waiting for the new commissioning lead to start before work begins."),
    ("on_track", None, 7, "Timescale to be agreed once the national guidance is published."),
)


def load_demo_plans(db, today: dt.date | None = None, min_group: int = 3) -> list[str]:
    """Add a plan to a few demo organisations from their 2025/26 development areas; return what was done."""
    if db.execute("SELECT 1 FROM plan_actions LIMIT 1").fetchone():
        return ["Demo improvement plans are already loaded."]
    row = db.execute("SELECT id FROM rounds WHERE title = ?", [DEMO_ROUND_TITLE]).fetchone()
    if row is None:
        return ["No 2025/26 demo round, so no demo improvement plans."]
    round_id, today = row[0], today or dt.date.today()
    planned = 0
    later = next_round(db, round_id)
    for name in (*LEADS_ORGANISATIONS, *OTHER_ORGANISATIONS):
        org = db.execute("SELECT id, area FROM organisations WHERE name = ?", [name]).fetchone()
        if org is None:
            continue
        if name not in LEADS_ORGANISATIONS and not (later and has_results(db, later["id"], org[0])):
            continue
        areas = development_areas(db, round_id, org[0], min_group)
        if not areas:
            continue
        # each organisation starts at a different shape, so the plans do not all look alike
        shapes = SHAPES[planned % len(SHAPES):] + SHAPES[:planned % len(SHAPES)]
        for area_row, shape in zip(areas[:ACTIONS_EACH], shapes):
            _add_demo_action(db, org[0], org[1], round_id, area_row, shape, today)
        planned += 1
        if planned == MAX_ORGANISATIONS:
            break
    return [f"improvement plans for {planned} fictional organisations, from their 2025/26 development areas"]


def _add_demo_action(db, org_id: int, area: str, round_id: int, development: dict, shape, today) -> None:
    """Store one demo action with one progress note, in the shape given."""
    status, due_in, noted_ago, note = shape
    title, lead = ACTIONS.get(development["indicator"], FALLBACK_ACTION)
    action_id = create_action(
        db, org_id, round_id, title=title, lead=lead.format(hscp=HSCP.get(area, "NHS Tayside")),
        indicator_ids=[development["indicator"]],
        target_date=None if due_in is None else today + dt.timedelta(days=due_in),
        status="not_started", today=today)
    add_note(db, action_id, note, noted_on=today - dt.timedelta(days=noted_ago), status=status,
             author_name="Fiona Facilitator", today=today)
