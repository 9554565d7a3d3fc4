"""What-if for benchmark 1: the journey's CPU with a connection per request, and with one kept per process.

Both the app and the bare baseline open a SQLite connection for every
request (surveyapp.db.connect: WAL, synchronous=FULL, foreign keys, busy
timeout, checked) and close it at the end, which parses the schema again
and, when it is the last connection, checkpoints the WAL. This measures, in
this process through Flask's test client, the CPU of one respondent journey
(start, six pages viewed and saved, submit: 14 requests) both ways, app and
bare alike. "Kept" is a projection: the bench patches the connect function
in its own process only; neither the app nor the bare route keeps
connections (see bench/RESULTS.md, proposals).
Run alone: python -m bench.connections
"""
from __future__ import annotations

import re
import statistics
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import surveyapp.db
from surveyapp import create_app

from . import bare_app, synthetic
from .common import Row, run_alone
from .render import signed_in_client
from .submit import prepare

VERSION = re.compile(r'name="version" value="(\d+)"')
JOURNEYS = 12  # per side and mode, taking turns


class _Kept:
    """A connection that outlives the request: close() leaves it open for the next one."""

    def __init__(self, db):
        self._db = db

    def __getattr__(self, name):
        return getattr(self._db, name)

    def close(self) -> None:
        """Keep the connection for the next request."""


@contextmanager
def kept_connections():
    """Patch connect, for the app and the bare route, to hand out one connection per database."""
    original, kept = surveyapp.db.connect, {}

    def connect(path):
        if str(path) not in kept:
            kept[str(path)] = _Kept(original(path))
        return kept[str(path)]

    surveyapp.db.connect = bare_app.connect = connect
    try:
        yield
    finally:
        surveyapp.db.connect = bare_app.connect = original
        for db in kept.values():
            db._db.close()


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
    for mode in ("per request", "kept"):
        with kept_connections() if mode == "kept" else nullcontext():
            app = create_app({"DATABASE": str(path), "SECRET_KEY": "bench-secret-key-" + "x" * 16,
                              "FRAMEWORKS_DIR": str(built.frameworks_dir)})
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
        Row("1 submissions", "what-if, in process: CPU of one journey (14 requests), a connection per request "
            "(as both run today)", per["app"] * 1000, per["bare"] * 1000, "ms", higher_is_better=False,
            note=f"median of {JOURNEYS} journeys each, taking turns"),
        Row("1 submissions", "what-if, in process: the same with one connection kept per process",
            kept["app"] * 1000, kept["bare"] * 1000, "ms", higher_is_better=False,
            note=f"a projection (the bench patches surveyapp.db.connect in its own process); "
                 f"app {100 * (1 - kept['app'] / per['app']):.0f}% less CPU, "
                 f"bare {100 * (1 - kept['bare'] / per['bare']):.0f}% less"),
    ]


def main() -> None:
    """Run this benchmark alone on a fresh Tayside database."""
    run_alone("tayside", run)


if __name__ == "__main__":
    main()
