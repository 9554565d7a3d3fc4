"""Narrow a list of actions by status, lead, domain and due date: pure functions, no Flask."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from surveyapp.plans.model import STATUSES, Action, is_overdue

OVERDUE = "overdue"  # a status filter value beside the stored statuses


@dataclass(frozen=True)
class PlanFilter:
    """What to show; empty fields match everything."""

    status: str = ""      # a key of STATUSES, or OVERDUE
    lead: str = ""        # exact lead, as typed on the actions
    domain: str = ""      # a domain id
    due_by: dt.date | None = None  # target date on or before this day

    @property
    def active(self) -> bool:
        """Return True when anything is being filtered."""
        return bool(self.status or self.lead or self.domain or self.due_by)


def parse_filter(args, leads, domains) -> tuple[PlanFilter, dict[str, str]]:
    """Read a filter from query arguments; return it and an error per unusable argument."""
    errors = {}
    status = args.get("status", "")
    if status not in ("", OVERDUE, *STATUSES):
        errors["status"], status = "Select a status from the list", ""
    lead = args.get("lead", "")
    if lead and lead not in leads:
        errors["lead"], lead = "Select a lead from the list", ""
    domain = args.get("domain", "")
    if domain and domain not in domains:
        errors["domain"], domain = "Select a domain from the list", ""
    due_by = None
    if args.get("due_by"):
        try:
            due_by = dt.date.fromisoformat(args["due_by"])
        except ValueError:
            errors["due_by"] = "Due date must be a real date, for example 2027-03-31"
    return PlanFilter(status, lead, domain, due_by), errors


def matches(action: Action, plan_filter: PlanFilter, today: dt.date) -> bool:
    """Return True when an action passes every part of the filter."""
    f = plan_filter
    if f.status == OVERDUE and not is_overdue(action, today):
        return False
    if f.status in STATUSES and action.status != f.status:
        return False
    if f.lead and action.lead != f.lead:
        return False
    if f.domain and f.domain not in action.domain_ids:
        return False
    return not (f.due_by and (action.target_date is None or action.target_date > f.due_by))


def apply_filter(actions, plan_filter: PlanFilter, today: dt.date) -> list[Action]:
    """Return the actions that pass the filter, in their order."""
    return [a for a in actions if matches(a, plan_filter, today)]


def lead_choices(actions) -> list[str]:
    """Return the distinct leads of some actions, sorted without regard to case."""
    return sorted({a.lead for a in actions}, key=str.casefold)


def domain_choices(actions, frameworks) -> dict[str, str]:
    """Map each domain the actions touch to a label naming its framework, in framework order."""
    frameworks = {fw.id: fw for fw in frameworks}
    used = {d for a in actions for d in a.domain_ids}
    out = {}
    for fw in frameworks.values():
        for domain in fw.domains:
            if domain.id in used and domain.id not in out:
                out[domain.id] = f"{domain.title} ({fw.title})"
    for domain_id in sorted(used - set(out)):  # a domain a later framework version dropped
        out[domain_id] = domain_id
    return out
