"""The "Improvement plan" section of organisation and area reports, built from plan_for_report records.

The records arrive with the report's inputs, already read from the database,
so this module only turns them into blocks that every renderer (HTML, PDF) draws.
"""
from __future__ import annotations

import datetime as dt

from surveyapp.reports.blocks import Notice, Paragraphs, Table, make_table, text_cell
from surveyapp.reports.sections import empty_section, section

COLUMNS = ("Action", "Indicators it addresses", "Lead partner", "Target date", "Status")


def long_date(iso: str | None) -> str:
    """Write an ISO date the way reports do: 31 March 2027."""
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def status_text(record: dict) -> str:
    """Say an action's status, in words that never rely on colour."""
    if record["status"] == "done" and record["completed_on"]:
        return f"Done on {long_date(record['completed_on'])}"
    return record["status_label"] + (": overdue" if record["overdue"] else "")


def change_text(record: dict) -> str:
    """Say how each indicator moved for the organisation and its area, or why it cannot be said yet."""
    if record["progress_state"] != "compared":
        return record["progress_label"]
    return "; ".join(f"“{i['text']}”: {i['organisation_change_text']}, {record['area']} "
                     f"{i['area_change_text']}" for i in record["indicators"])


def plan_table(table_id: str, caption: str, records, min_group: int, *, with_organisation: bool,
               with_change: bool) -> Table:
    """Tabulate actions like a partnership's commitments table."""
    columns = (("Organisation",) if with_organisation else ()) + COLUMNS + (
        ("Change by this round",) if with_change else ())
    rows = []
    for r in records:
        cells = [text_cell(r["organisation"])] if with_organisation else []
        cells += [text_cell(r["action"]),
                  text_cell("; ".join(i["text"] for i in r["indicators"])),
                  text_cell(r["lead"]), text_cell(long_date(r["target_date"]) or "To be agreed"),
                  text_cell(status_text(r))]
        if with_change:
            cells.append(text_cell(change_text(r)))
        rows.append(cells)
    widths = ((1.6,) if with_organisation else ()) + (3, 2.6, 1.6, 1.2, 1.1) + ((2.4,) if with_change else ())
    return make_table(table_id, caption, columns, rows, (False,) * len(columns), min_group, widths=widths)


def plan_blocks(records, round_id: int, min_group: int, with_organisation: bool = False) -> tuple:
    """Return the blocks for a plan: an overdue notice, the actions followed up, then this round's new ones."""
    followed = [r for r in records if r["round_id"] != round_id]
    new = [r for r in records if r["round_id"] == round_id]
    blocks = []
    overdue = sum(1 for r in records if r["overdue"])
    if overdue:
        blocks.append(Notice(f"{overdue} {'action is' if overdue == 1 else 'actions are'} overdue: "
                             "the target date has passed and the action is not done."))
    if followed:
        blocks.append(plan_table("plan-followed", f"Actions agreed after {followed[0]['round_title']}",
                                 followed, min_group, with_organisation=with_organisation, with_change=True))
    if new:
        blocks.append(plan_table("plan-new", "Actions agreed from this round’s results", new, min_group,
                                 with_organisation=with_organisation, with_change=False))
    return tuple(blocks)


NOT_SHOWN = ("This copy of the report does not include the improvement plan. A plan names each "
             "organisation’s actions, so it goes only to the people who may see that organisation’s "
             "results: its service leads, and the facilitators and commissioners who cover its area.")


def improvement_plan(ctx, spec):
    """Show the actions answering this round's and the previous round's results, and how they moved."""
    records = ctx.inputs.plan
    # None: not given to this report, e.g. an area report read by a service lead, who may see
    # the area's figures but not its organisations' plans; never claim "no actions" then
    if records is None:
        return section(ctx, spec, Paragraphs((NOT_SHOWN,)))
    if not records:
        return empty_section(ctx, spec)
    return section(ctx, spec, *plan_blocks(records, ctx.inputs.round["id"], ctx.min_group,
                                           with_organisation=ctx.inputs.definition.kind != "organisation"))
