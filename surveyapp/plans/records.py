"""An improvement plan as plain records: one dict per action, for pages, reports and exports.

Each record carries the action, the indicators it addresses (with their
wording), whether it is overdue on a given day, its latest progress note
and how its indicators moved by the next round. No Flask.
"""
from __future__ import annotations

import datetime as dt

from surveyapp.assessments.rounds import get_round, previous_round_id
from surveyapp.benchmarks.disclosure import Viewer
from surveyapp.benchmarks.summaries import strengths_and_development
from surveyapp.benchmarks.viewers import viewer_for_organisation
from surveyapp.frameworks.registry import framework_for_round, get_framework
from surveyapp.plans.model import STATUSES, Action, is_overdue
from surveyapp.plans.progress import (
    AWAITING_RESULTS,
    COMPARED,
    NO_NEXT_ROUND,
    ActionProgress,
    BenchmarkCache,
    Movement,
    describe_movement,
    progress_for_actions,
)
from surveyapp.plans.queries import list_actions

PROGRESS_STATES = {
    NO_NEXT_ROUND: "No later round of this framework yet",
    AWAITING_RESULTS: "No submitted answers yet in {round}",
    COMPARED: "Compared with {round}",
}


def _movement_record(movement: Movement | None) -> dict | None:
    """Turn a movement into a plain dict."""
    if movement is None:
        return None
    return {"previous": movement.previous, "current": movement.current, "change": movement.change,
            "direction": movement.direction, "suppressed": movement.suppressed}


def _indicator_records(action: Action, progress: ActionProgress | None, framework) -> list[dict]:
    """Describe each indicator an action addresses, with its movement when compared."""
    moved = {p.indicator_id: p for p in (progress.indicators if progress else ())}
    out = []
    for link in action.indicators:
        indicator = framework.indicator(link.indicator_id) if framework else None
        domain = framework.domain(link.domain_id) if framework else None
        found = moved.get(link.indicator_id)
        compared = progress is not None and progress.state == COMPARED
        out.append({
            "indicator": link.indicator_id,
            "text": indicator.text if indicator else link.indicator_id,
            "domain": link.domain_id,
            "domain_title": domain.title if domain else link.domain_id,
            "organisation_change": _movement_record(found.organisation if found else None),
            "area_change": _movement_record(found.area if found else None),
            "organisation_change_text": describe_movement(found.organisation if found else None)
            if compared else "",
            "area_change_text": describe_movement(found.area if found else None) if compared else "",
        })
    return out


def action_record(action: Action, progress: ActionProgress | None, framework, today: dt.date) -> dict:
    """Return one action as a plain record."""
    state = progress.state if progress else NO_NEXT_ROUND
    round_title = progress.next_round_title if progress else None
    indicators = _indicator_records(action, progress, framework)
    note = action.latest_note
    return {
        "action_id": action.id,
        "organisation_id": action.organisation_id,
        "organisation": action.organisation_name,
        "area": action.area,
        "round_id": action.round_id,
        "round_title": action.round_title,
        "framework_id": action.framework_id,
        "action": action.title,
        "lead": action.lead,
        "target_date": action.target_date.isoformat() if action.target_date else None,
        "status": action.status,
        "status_label": STATUSES[action.status],
        "overdue": is_overdue(action, today),
        "completed_on": action.completed_on.isoformat() if action.completed_on else None,
        "indicators": indicators,
        "domains": list(dict.fromkeys(i["domain_title"] for i in indicators)),
        "latest_note": note.note if note else None,
        "latest_note_on": note.noted_on.isoformat() if note else None,
        "progress_state": state,
        "progress_round_id": progress.next_round_id if progress else None,
        "progress_round_title": round_title,
        "progress_label": PROGRESS_STATES[state].format(round=round_title or "the next round"),
        "progress_text": "; ".join(
            f"{i['indicator']}: {i['organisation_change_text']} (area {i['area_change_text']})"
            for i in indicators) if state == COMPARED else "",
    }


def action_records(db, actions, *, today: dt.date, viewer: Viewer, min_group: int = 3,
                   upto_round: int | None = None, benchmarks: BenchmarkCache | None = None) -> list[dict]:
    """Return plain records for actions, with their progress as the viewer may see it."""
    progress = progress_for_actions(db, actions, viewer, min_group, upto_round, benchmarks)
    return [action_record(a, progress.get(a.id), get_framework(db, a.framework_key), today) for a in actions]


def plan_for_report(db, round_id: int, organisation_id: int | None = None, area: str | None = None, *,
                    viewer: Viewer, today: dt.date | None = None, min_group: int = 3,
                    benchmarks: BenchmarkCache | None = None) -> list[dict]:
    """Return the improvement plan a report on one round shows, as plain records.

    That is the actions answering this round's results and those answering the
    previous round of the same framework, whose movement this round shows.
    The report knows nothing of later rounds. Give an organisation, an area,
    or neither for every organisation in the round's plans. Pass `benchmarks`
    to share benchmark work with the rest of a report.
    """
    if get_round(db, round_id) is None:
        raise KeyError(f"there is no round {round_id}")
    rounds = [round_id]
    earlier = previous_round_id(db, round_id)
    if earlier is not None:
        rounds.append(earlier)
    actions = list_actions(db, organisation_id=organisation_id,
                           areas=None if area is None else [area], round_ids=rounds)
    # this round's new actions after the ones followed up from the last round
    actions.sort(key=lambda a: a.round_id != earlier)
    return action_records(db, actions, today=today or dt.date.today(), viewer=viewer, min_group=min_group,
                          upto_round=round_id, benchmarks=benchmarks)


def development_areas(db, round_id: int, organisation_id: int, min_group: int = 3,
                      benchmarks: BenchmarkCache | None = None) -> list[dict]:
    """Return an organisation's development areas in a round, with their domain titles; none without results.

    They are what the organisation's own service leads see, so the figures are published for them.
    """
    framework = framework_for_round(db, round_id)
    bench = (benchmarks or BenchmarkCache(db, min_group, viewer_for_organisation(organisation_id))).bench(round_id)
    try:
        _, development = strengths_and_development(bench, organisation_id, framework)
    except KeyError:
        return []
    titles = {d.id: d.title for d in framework.domains}
    return [{**row, "domain_title": titles.get(row["domain"], row["domain"]),
             "next_step": framework.suggested_step(row["indicator"], row["score"])} for row in development]
