"""What-if for benchmark 1: the journey's CPU with a kept connection, and with one per request.

Both the app and the bare baseline keep one SQLite connection per worker
between requests (surveyapp.storage.db.kept_connection). Before, both opened one per
request and closed it at the end, which set and checked the PRAGMAs, made
SQLite parse the schema and prepare every statement again and, when it was
the last connection, checkpoint the WAL. This measures, in this process
through Flask's test client, the CPU of one respondent journey (start, six
pages viewed and saved, submit: 14 requests) both ways, app and bare alike.
"Per request" is the what-if: the bench patches kept_connection in its own
process only, so each request gets a fresh connection and the previous one
is closed.
Run alone: python -m bench.connections
"""
from __future__ import annotations

import re
import statistics
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import surveyapp.storage.db
from surveyapp import create_app

from . import bare_app, synthetic
from .common import Row, app_config, run_alone
from .render import signed_in_client
from .submit import prepare

VERSION = re.compile(r'name="version" value="(\d+)"')
JOURNEYS = 12  # per side and mode, taking turns


@contextmanager
def connection_per_request():
    """Patch kept_connection, for the app and the bare route, to open a new connection every time."""
    original, last = surveyapp.storage.db.kept_connection, []

    def fresh(path):
        while last:
            last.pop().close()  # the previous request's: closed, as a request's end used to close it
        last.append(surveyapp.storage.db.connect(path))
        return last[-1]

    surveyapp.storage.db.kept_connection = bare_app.kept_connection = fresh
    try:
        yield
    finally:
        surveyapp.storage.db.kept_connection = bare_app.kept_connection = original
        while last:
            last.pop().close()


def journey(client, base: str, suffix: str, token: str, domains: list[str], answers: dict) -> float:
    """Run one journey through a test client; return its CPU seconds."""
    start = time.process_time()
    assert client.post(f"{base}/start{suffix}", data={"csrf_token": token}).status_code == 302
    for domain in domains:
        url = f"{base}/domains/{domain}{suffix}"
        page = client.get(url)
        assert page.status_code == 200
        version = VERSION.search(page.get_data(as_text=True)).group(1)
        saved = client.post(url, data={**answers[domain], "version": version, "action": "continue",
                                       "csrf_token": token})
        assert saved.status_code == 302
    assert client.post(f"{base}/check{suffix}", data={"csrf_token": token}).status_code == 302
    return time.process_time() - start


def measure(built: synthetic.Built, directory: Path) -> dict:
    """Return the median CPU seconds of a journey, per mode and side."""
    path, plans, plan_journey = prepare(built, directory, clients=1)
    plan = plans[0]
    results = {}
    for mode in ("kept", "per request"):
        with connection_per_request() if mode == "per request" else nullcontext():
            app = create_app(app_config(path, built))
            client, token = signed_in_client(app, plan.email)
            bare = bare_app.create_bare_app(str(path)).test_client()
            sides = {
                "app": lambda r: journey(client, f"/rounds/{r}/organisations/{plan.org_id}", "", token,
                                         plan_journey.domains, plan_journey.answers),
                "bare": lambda r: journey(bare, f"/bare/rounds/{r}/organisations/{plan.org_id}",
                                          f"?r={plan.email}", token, plan_journey.domains, plan_journey.answers),
            }
            for run in sides.values():  # warm: templates, form classes, framework
                run(plan.take_round())
            cpu = {"app": [], "bare": []}
            for _ in range(JOURNEYS):
                for side, run in sides.items():
                    cpu[side].append(run(plan.take_round()))
            results[mode] = {side: statistics.median(values) for side, values in cpu.items()}
    return results


def run(built: synthetic.Built, directory: Path) -> list[Row]:
    """Measure both modes; return the result rows."""
    (directory / "connections").mkdir(parents=True, exist_ok=True)
    results = measure(built, directory / "connections")
    per, kept = results["per request"], results["kept"]
    return [
        Row("1 submissions", "in process: CPU of one journey (14 requests), one connection kept per worker "
            "(as both run)", kept["app"] * 1000, kept["bare"] * 1000, "ms", higher_is_better=False,
            note=f"median of {JOURNEYS} journeys each, taking turns"),
        Row("1 submissions", "what-if, in process: the same with a new connection for every request (as both "
            "ran before)", per["app"] * 1000, per["bare"] * 1000, "ms", higher_is_better=False,
            note=f"a projection (the bench patches surveyapp.storage.db.kept_connection in its own process); keeping "
                 f"the connection saves the app {100 * (1 - kept['app'] / per['app']):.0f}% of its CPU, "
                 f"the bare route {100 * (1 - kept['bare'] / per['bare']):.0f}%"),
    ]


def main() -> None:
    """Run this benchmark alone on a fresh Tayside database."""
    run_alone("tayside", run)


if __name__ == "__main__":
    main()
