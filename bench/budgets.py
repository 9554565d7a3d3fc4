"""Budgets: how long a person waits, with 8 people using the app at once on 2 cores.

These are the performance targets (issue 15). The app/bare ratios of the other
benchmarks stay as a guide to where time goes, not as targets.

- A domain page save: p95 <= 150 ms while 8 service leads save pages at once.
- Any results page (the dashboard, an area, a sector and an organisation
  report, an organisation's own results): p95 <= 300 ms while 8 people read
  results, both when nothing changes and while a response is submitted every
  few seconds (as in a round's closing week, when each submission changes the
  round's figures and the next request of each page must show them).

Everything runs through gunicorn (4 sync workers) on 127.0.0.1, timed by the
load generator from sending a request to reading its last byte.
Run alone: python -m bench.budgets [--size tayside|national] [--seconds S]
"""
from __future__ import annotations

import argparse
import itertools
import tempfile
import threading
import time
from pathlib import Path

from . import synthetic
from .common import PASSWORD, SECRET_KEY, Row, format_table
from .load import Client, run_phase
from .servers import WORKERS, gunicorn

USERS = 8
SAVE_BUDGET_MS = 150
RESULTS_BUDGET_MS = 300
SUBMIT_EVERY = 3.0      # seconds between submissions in the "while submissions arrive" phase
VIEWER = "budget.facilitator@example.org"


def results_pages(built: synthetic.Built) -> dict[str, str]:
    """Return the results pages a budget covers, by name: one of each kind people open."""
    from surveyapp.accounts.organisations import AREAS, SECTORS
    from surveyapp.reports.model import slug

    r = built.round_id
    return {
        "dashboard": f"/results/?round={r}",
        "area report": f"/results/rounds/{r}/areas/{slug(AREAS[0])}",
        "sector report": f"/results/rounds/{r}/sectors/{slug(SECTORS[0])}",
        "organisation report": f"/results/rounds/{r}/organisations/1",
        "organisation's own results": f"/rounds/{r}/organisations/1/summary",
    }


def run(built: synthetic.Built, directory: Path, seconds: float = 20.0) -> list[Row]:
    """Measure both budgets on a copy of the synthetic round; return the result rows."""
    from surveyapp.accounts.users import create_user
    from surveyapp.storage.db import connect, write_transaction

    from .dashboard import _submit_one_more
    from .submit import prepare, sign_in

    path, plans, journey = prepare(built, directory, USERS)
    db = connect(path)
    with write_transaction(db):
        create_user(db, VIEWER, "Budget Facilitator", "facilitator", password=PASSWORD, areas=["*"])
    db.close()
    env = {"SURVEYAPP_DATABASE": str(path), "SURVEYAPP_SECRET_KEY": SECRET_KEY,
           "SURVEYAPP_FRAMEWORKS": str(built.frameworks_dir)}
    pages = results_pages(built)
    with gunicorn("wsgi:app", env, directory / "gunicorn-budgets.log", "/sign-in") as server:
        leads = [Client("127.0.0.1", server.port) for _ in plans]
        for client, plan in zip(leads, plans):
            sign_in(client, plan.email)
        run_phase(leads, plans, journey, 2.0, saves_only=True)  # warm every worker
        saves = run_phase(leads, plans, journey, seconds, saves_only=True, server_pid=server.pid)
        # The organisation's own results page is for its leads; every other page for the facilitator.
        readers = [Client("127.0.0.1", server.port) for _ in range(USERS)]
        for i, client in enumerate(readers):
            sign_in(client, plans[0].email if i == 0 else VIEWER)  # plans[0] leads organisation 1
        for i, client in enumerate(readers):
            for name in reader_pages(pages, i):
                client.request("warm", "GET", pages[name], record=False)
        quiet = read_phase(readers, pages, seconds)
        counter = itertools.count(1)
        busy = read_phase(readers, pages, seconds, every=SUBMIT_EVERY,
                          change=lambda: _submit_one_more(path, built, f"SB-BUDGET-{next(counter):04d}"))
        for client in leads + readers:
            client.close()
    return _rows(saves, quiet, busy, pages, built)


def read_phase(clients: list[Client], pages: dict[str, str], seconds: float, every: float | None = None,
               change=None) -> dict:
    """Have each client open the results pages in turn for `seconds`; with `change`, call it every `every` s.

    Returns each sample's page name and milliseconds, the HTTP errors, and how
    many changes were made. The first client is the organisation's lead, so it
    opens only the pages a lead may; the others open the rest.
    """
    samples: list[tuple[str, float]] = []
    errors: list[str] = []
    changes = [0]
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def read(i: int, client: Client) -> None:
        names = reader_pages(pages, i)
        for name in itertools.cycle(names[i % len(names):] + names[:i % len(names)]):
            if time.perf_counter() >= end:
                return
            start = time.perf_counter()
            status, _, _ = client.request(name, "GET", pages[name], record=False)
            with lock:
                samples.append((name, (time.perf_counter() - start) * 1000))
                if status != 200:
                    errors.append(f"{name}: HTTP {status}")

    def submit() -> None:
        while time.perf_counter() + every < end:
            time.sleep(every)
            change()
            changes[0] += 1

    threads = [threading.Thread(target=read, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    if change is not None:
        threads.append(threading.Thread(target=submit, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    return {"samples": samples, "errors": errors, "changes": changes[0]}


def reader_pages(pages: dict[str, str], i: int) -> list[str]:
    """Return the pages reader `i` opens: the lead (0) its own results, the facilitators the rest."""
    return [n for n in pages if (n == "organisation's own results") == (i == 0)]


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank) of some milliseconds."""
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def _rows(saves, quiet: dict, busy: dict, pages: dict, built: synthetic.Built) -> list[Row]:
    """Turn the three phases into result rows: one per budget, then one per page."""
    scale = f"{built.size.name}: {built.size.answers:,} answers"
    save_p95 = saves.percentile(95, "save")
    rows = [Row("0 budgets", f"domain page save, {USERS} leads saving at once ({scale})", save_p95, None,
                "ms p95", higher_is_better=False, target=f"<= {SAVE_BUDGET_MS} ms",
                passed=save_p95 <= SAVE_BUDGET_MS and not saves.errors,
                note=f"p50 {saves.percentile(50, 'save'):.0f} ms, p99 {saves.percentile(99, 'save'):.0f} ms, "
                     f"{sum(s.kind == 'save' for s in saves.samples)} saves"
                     + (f"; errors: {saves.errors[:2]}" if saves.errors else ""))]
    for label, phase in (("nothing changing", quiet),
                         (f"a submission every {SUBMIT_EVERY:.0f} s", busy)):
        times = [ms for _, ms in phase["samples"]]
        worst = max(pages, key=lambda n: percentile([ms for m, ms in phase["samples"] if m == n], 95))
        p95 = percentile(times, 95)
        rows.append(Row(
            "0 budgets", f"any results page, {USERS} people reading, {label} ({scale})", p95, None, "ms p95",
            higher_is_better=False, target=f"<= {RESULTS_BUDGET_MS} ms",
            passed=p95 <= RESULTS_BUDGET_MS and not phase["errors"],
            note=f"{len(times)} requests, {phase['changes']} submissions; slowest page at p95: {worst}"
                 + (f"; errors: {phase['errors'][:2]}" if phase["errors"] else "")))
        for name in pages:
            mine = [ms for m, ms in phase["samples"] if m == name]
            rows.append(Row("0 budgets", f"  {name}, {label}", percentile(mine, 95), None, "ms p95",
                            higher_is_better=False,
                            note=f"p50 {percentile(mine, 50):.0f} ms, max {max(mine, default=float('nan')):.0f} ms,"
                                 f" {len(mine)} requests"))
    return rows


def main() -> None:
    """Run the budgets alone on a fresh synthetic database and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.budgets", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(synthetic.SIZES), default="tayside")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="surveyapp-budgets-"))
    built = synthetic.build(directory, synthetic.SIZES[args.size])
    start = time.perf_counter()
    print(format_table(run(built, directory, args.seconds)))
    print(f"({time.perf_counter() - start:.0f} s, {WORKERS} gunicorn workers; logs in {directory})")


if __name__ == "__main__":
    main()
