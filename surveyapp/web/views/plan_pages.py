"""What every improvement plan page shares: today's date, action records, dates in words, file downloads."""
from __future__ import annotations

import datetime as dt

from flask import Response, current_app

from surveyapp.plans.exports import plan_csv, plan_xlsx
from surveyapp.plans.progress import BenchmarkCache
from surveyapp.plans.records import action_records
from surveyapp.web.views.guards import current_viewer

EXPORTS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def long_date(day) -> str:
    """Write a date the GOV.UK way, e.g. 31 March 2027."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.day} {day:%B %Y}" if day else ""


def plan_today() -> dt.date:
    """Return today's date; one place, so every overdue flag on a page agrees."""
    return dt.date.today()


def plan_records(db, actions, benchmarks: BenchmarkCache | None = None):
    """Return plain records for actions with their progress, as of today."""
    return action_records(db, actions, today=plan_today(), viewer=current_viewer(),
                          min_group=current_app.config["MIN_GROUP"], benchmarks=benchmarks)


def plan_download(records, fmt: str, title: str, filename: str) -> Response:
    """Send records as a file download that no shared cache keeps."""
    body = plan_csv(records) if fmt == "csv" else plan_xlsx(records, title)
    response = Response(body, mimetype=EXPORTS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response
