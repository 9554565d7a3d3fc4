"""Benchmark 1: submission throughput under gunicorn, app against a bare Flask baseline.

Clients each sign in once as their own service lead, then run journeys back
to back: start a response, GET and save each of the six 10-indicator domain
pages ("Save and continue"), and submit (14 requests a journey). The bare
baseline gets the same 14 requests, with the same SQL reads, the same rows
written in one IMMEDIATE transaction per save, and the same page HTML from a
flat template, through surveyapp.db.connect (WAL, synchronous=FULL, busy
timeout) in the same gunicorn setup. App and bare phases alternate at each
concurrency, so other load on the machine falls on both.
Run alone: python -m bench.submit [seconds]
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from surveyapp.accounts.users import create_user
from surveyapp.frameworks.registry import get_framework
from surveyapp.storage.db import connect, write_transaction

from . import synthetic
from .common import PASSWORD, SECRET_KEY, Row, copy_database, machine_cpu_seconds, process_tree_cpu_seconds
from .load import TOKEN, Client, Journey, PhaseResult, Plan, merge, run_phase
from .servers import WORKERS, gunicorn

CONCURRENCY = (1, 8, 32)
ROUNDS = 1_500          # rounds set aside: a client uses one per journey
TARGET_RATIO = 0.7      # a guide to overhead, not a target: the targets are bench/budgets.py's
SAVE_CLIENTS = 8        # clients in the writes-only phase
SLICES = 4             # app and bare alternate in this many slices at each concurrency


def prepare(built: synthetic.Built, directory: Path, clients: int) -> tuple[Path, list[Plan], Journey]:
    """Add the benchmark's open rounds and one service lead per client to a copy of the Tayside data."""
    path = copy_database(built.path, directory / "submit.sqlite")
    db = connect(path)
    plans = []
    with write_transaction(db):
        first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM rounds").fetchone()[0]
        db.conn.executemany(
            "INSERT INTO rounds (id, framework_key, title, status) VALUES (?, ?, ?, 'open')",
            [(first + n, built.framework_key, f"Load round {n + 1}") for n in range(ROUNDS)])
        rounds = list(range(first, first + ROUNDS))
        for n in range(clients):
            email = f"client{n + 1:02d}@example.org"
            create_user(db, email, f"Synthetic client {n + 1}", "service_lead", password=PASSWORD,
                        organisations=[n + 1])
            plans.append(Plan(org_id=n + 1, email=email, rounds=rounds))
    framework = get_framework(db, built.framework_key)
    db.close()
    answers = {}
    for d in framework.domains:
        fields = {}
        for n, ind in enumerate(d.indicators):
            fields[ind.id] = "opt:dont_know" if n == 7 else str(2 + n % 5)
            fields[ind.id + "__comment"] = "Minutes of the March review." if n % 4 == 0 else ""
        answers[d.id] = fields
    return path, plans, Journey([d.id for d in framework.domains], answers)


def writer_ceiling_rows(path: Path, built: synthetic.Built, seconds: float = 3.0) -> list[Row]:
    """Measure how many page-save transactions one SQLite writer commits a second, with nothing else around.

    One connection (surveyapp.db.connect: WAL, synchronous=FULL), one loop: the
    same statements and rows as a page save, one IMMEDIATE transaction each.
    This is the ceiling of the database file itself, whatever the web layer costs.
    """
    db = connect(path)
    framework = get_framework(db, built.framework_key)
    domain = framework.domains[0]
    ids = [i.id for i in domain.indicators]
    with write_transaction(db):
        response_id = db.execute(
            "INSERT INTO responses (round_id, organisation_id, respondent) VALUES (?, 1, 'writer@example.org')",
            [built.round_id]).lastrowid
    rows = [(response_id, i, domain.id, float(2 + n % 5), None, "Minutes of the March review.")
            for n, i in enumerate(ids)]
    commits, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        with write_transaction(db):
            db.execute(f"DELETE FROM answers WHERE response_id = ? AND indicator_id IN ({','.join('?' * len(ids))})",
                       [response_id, *ids])
            db.conn.executemany("INSERT INTO answers (response_id, indicator_id, domain_id, value, option, comment) "
                                "VALUES (?, ?, ?, ?, ?, ?)", rows)
            db.execute("INSERT INTO domain_status (response_id, domain_id, status) VALUES (?, ?, 'completed') "
                       "ON CONFLICT (response_id, domain_id) DO UPDATE SET status = excluded.status",
                       [response_id, domain.id])
            db.execute("UPDATE responses SET version = version + 1, updated_at = datetime('now') WHERE id = ?",
                       [response_id])
        commits += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return [Row("1 submissions", "one SQLite writer alone: page-save transactions a second (one connection)",
                commits / elapsed, None, "saves/s",
                note=f"{1000 * elapsed / commits:.2f} ms a transaction, {1000 * cpu / commits:.2f} ms of it CPU; "
                     "the rest is waiting for fsync")]


def close_checkpoint_rows(path: Path, calls: int = 40) -> list[Row]:
    """Time a write request's database work with and without another connection held open.

    With WAL, closing the last connection to a database checkpoints the whole
    log into the file and deletes it (more writes and fsyncs). One connection
    per request made every close the last one whenever the server was idle.
    """
    import sqlite3

    def write_request(n: int) -> None:
        db = connect(path)
        with write_transaction(db):
            db.execute("UPDATE responses SET version = version + 1, updated_at = datetime('now') WHERE id = ?",
                       [n % 1000 + 1])
        db.close()

    times = {"alone": [], "held": []}
    for block in range(calls // 10):
        for side in ("alone", "held"):
            keeper = sqlite3.connect(path) if side == "held" else None
            for n in range(10):
                start = time.perf_counter()
                write_request(block * 10 + n)
                times[side].append(time.perf_counter() - start)
            if keeper is not None:
                keeper.close()
    alone, held = (sorted(times[k])[calls // 2] * 1000 for k in ("alone", "held"))
    return [Row("1 submissions", "one write request's database work: connect, commit, close (median)", alone, held,
                "ms", higher_is_better=False,
                note="the bare column holds one more idle connection open, so closing is never the last close "
                     "and does not checkpoint and delete the WAL; part of what the connection each worker now "
                     "keeps (surveyapp.db.kept_connection, app and bare alike) avoids")]


def sign_in(client: Client, email: str) -> None:
    """Sign in through the real form, then pick up the session's CSRF token."""
    _, _, page = client.request("sign-in", "GET", "/sign-in", record=False)
    status, _, _ = client.request("sign-in", "POST", "/sign-in", {
        "email": email, "password": PASSWORD, "csrf_token": TOKEN.search(page).group(1).decode()},
        record=False)
    if status != 302:
        raise RuntimeError(f"sign-in for {email} failed with HTTP {status}")
    _, _, home = client.request("home", "GET", "/", record=False)
    client.token = TOKEN.search(home).group(1).decode()


def run(built: synthetic.Built, directory: Path, seconds: float = 10.0,
        concurrency: tuple[int, ...] = CONCURRENCY) -> list[Row]:
    """Measure both servers at each concurrency; return the result rows."""
    most = max(concurrency)
    base_path, plans, journey = prepare(built, directory, most)
    app_db = copy_database(base_path, directory / "submit-app.sqlite")
    bare_db = copy_database(base_path, directory / "submit-bare.sqlite")
    app_env = {"SURVEYAPP_DATABASE": str(app_db), "SURVEYAPP_SECRET_KEY": SECRET_KEY,
               "SURVEYAPP_FRAMEWORKS": str(built.frameworks_dir)}
    bare_env = {"BENCH_BARE_DATABASE": str(bare_db)}
    bare_journey = Journey(journey.domains, journey.answers, bare=True)
    results: dict[tuple[str, int], PhaseResult] = {}
    others: dict[int, float] = {}
    with gunicorn("wsgi:app", app_env, directory / "gunicorn-app.log", "/sign-in") as app_server, \
            gunicorn("bench.bare_app:app", bare_env, directory / "gunicorn-bare.log", "/ping") as bare_server:
        app_port, bare_port = app_server.port, bare_server.port
        meter = OtherLoad(app_server.pid, bare_server.pid)
        app_clients = [Client("127.0.0.1", app_port) for _ in range(most)]
        for client, plan in zip(app_clients, plans):
            sign_in(client, plan.email)
        bare_clients = [Client("127.0.0.1", bare_port) for _ in range(most)]
        app_plans = [Plan(p.org_id, p.email, p.rounds) for p in plans]
        bare_plans = [Plan(p.org_id, p.email, p.rounds) for p in plans]
        # warm every worker: templates compiled, frameworks and form classes cached
        run_phase(app_clients[:8], app_plans[:8], journey, 2.0)
        run_phase(bare_clients[:8], bare_plans[:8], bare_journey, 2.0)
        ceiling = run_phase(bare_clients[:8], bare_plans[:8], None, 3.0, ping_path="/ping")
        for c in concurrency:
            # alternate short slices, so a burst of other work on the machine hits both sides
            slices = {"app": [], "bare": []}
            meter.start()
            for _ in range(SLICES):
                slices["app"].append(run_phase(app_clients[:c], app_plans[:c], journey, seconds / SLICES,
                                               server_pid=app_server.pid))
                slices["bare"].append(run_phase(bare_clients[:c], bare_plans[:c], bare_journey, seconds / SLICES,
                                                server_pid=bare_server.pid))
            others[c] = meter.stop()
            results["app", c], results["bare", c] = merge(slices["app"]), merge(slices["bare"])
            _report_progress(c, results)
        # writes only: how many page saves (one IMMEDIATE transaction each) one SQLite file takes
        slices = {"app": [], "bare": []}
        for _ in range(2):
            slices["app"].append(run_phase(app_clients[:SAVE_CLIENTS], app_plans[:SAVE_CLIENTS], journey,
                                           seconds / 4, saves_only=True))
            slices["bare"].append(run_phase(bare_clients[:SAVE_CLIENTS], bare_plans[:SAVE_CLIENTS], bare_journey,
                                            seconds / 4, saves_only=True))
        saves = {side: merge(v) for side, v in slices.items()}
        for client in app_clients + bare_clients:
            client.close()
    return (_rows(results, ceiling, concurrency, others) + _save_rows(saves)
            + writer_ceiling_rows(directory / "submit-bare.sqlite", built)
            + close_checkpoint_rows(directory / "submit-bare.sqlite"))


def _report_progress(c: int, results: dict) -> None:
    """Print one concurrency's figures as they come in."""
    app, bare = results["app", c], results["bare", c]
    print(f"  submit c={c}: app {app.rate:.0f} req/s p99 {app.percentile(99):.0f} ms, "
          f"bare {bare.rate:.0f} req/s p99 {bare.percentile(99):.0f} ms"
          + (f"; errors {app.errors[:2]} {bare.errors[:2]}" if app.errors or bare.errors else ""),
          file=sys.stderr, flush=True)


class OtherLoad:
    """Measure the cores that everything else on the machine used while the phases ran."""

    def __init__(self, *server_pids: int):
        """Remember the servers whose CPU counts as ours."""
        self.server_pids = server_pids

    def _ours_and_all(self) -> tuple[float, float]:
        """Return (CPU seconds of our servers and this process, of the whole machine)."""
        ours = sum(process_tree_cpu_seconds(pid) for pid in self.server_pids) + time.process_time()
        return ours, machine_cpu_seconds()

    def start(self) -> None:
        """Start measuring."""
        self.begin, self.clock = self._ours_and_all(), time.perf_counter()

    def stop(self) -> float:
        """Return the average number of cores used by other processes since start()."""
        (ours0, all0), (ours1, all1) = self.begin, self._ours_and_all()
        return max(0.0, (all1 - all0) - (ours1 - ours0)) / (time.perf_counter() - self.clock)


def _rows(results: dict, ceiling: PhaseResult, concurrency, others: dict) -> list[Row]:
    """Turn the phases' measurements into result rows."""
    rows = []
    for c in concurrency:
        app, bare = results["app", c], results["bare", c]
        problems = [f"{side}: {len(r.errors)} client errors ({r.errors[0]})"
                    for side, r in (("app", app), ("bare", bare)) if r.errors]
        problems += [f"{side}: {r.exhausted} clients ran out of rounds"
                     for side, r in (("app", app), ("bare", bare)) if r.exhausted]
        extra = {side: _summary(r) for side, r in (("app", app), ("bare", bare))}
        problems.append(f"other processes, or the host taking CPU from this virtual machine (steal), "
                        f"used {others[c]:.2f} of its 2 cores meanwhile")
        rows.append(Row("1 submissions", f"c={c}: requests/s ({WORKERS} sync workers)", app.rate, bare.rate,
                        "req/s", target=f"guide: >= {TARGET_RATIO} x bare",
                        note="; ".join(problems), extra=extra | {"other_cores": others[c]}))
        rows.append(Row("1 submissions", f"c={c}: p50 latency", app.percentile(50), bare.percentile(50),
                        "ms", higher_is_better=False))
        p99 = Row("1 submissions", f"c={c}: p99 latency", app.percentile(99), bare.percentile(99), "ms",
                  higher_is_better=False)
        rows.append(p99)
        rows.append(Row("1 submissions", f"c={c}: page saves/s (6 in each journey of 14 requests)",
                        _per_second(app, "save"), _per_second(bare, "save"), "saves/s"))
        rows.append(Row("1 submissions", f"c={c}: server CPU a request (gunicorn's processes)",
                        _server_ms(app), _server_ms(bare), "ms", higher_is_better=False,
                        note=f"load generator: app {_client_ms(app):.2f} ms, bare {_client_ms(bare):.2f} ms "
                             f"of CPU a request"))
    per_request_ms = 1000 * ceiling.client_cpu / max(1, ceiling.requests)
    rows.append(Row(
        "1 submissions", "load generator ceiling: c=8 GET /ping on the bare server", ceiling.rate, None,
        "req/s", note=f"load generator CPU {per_request_ms:.2f} ms a request on /ping; during the app phases "
        + ", ".join(f"c={c}: {_client_ms(results['app', c]):.2f} ms" for c in concurrency),
        extra=_summary(ceiling)))
    return rows


def _save_rows(saves: dict) -> list[Row]:
    """Rows for the writes-only phase."""
    app, bare = saves["app"], saves["bare"]
    problems = [f"{side}: {r.errors[0]}" for side, r in saves.items() if r.errors]
    return [Row("1 submissions", f"writes only, c={SAVE_CLIENTS}: page saves/s (10 answers + 10 comments each)",
                _per_second(app, "save"), _per_second(bare, "save"), "saves/s",
                note="; ".join(problems) or f"p50 app {app.percentile(50, 'save'):.1f} ms, "
                f"bare {bare.percentile(50, 'save'):.1f} ms; p99 app {app.percentile(99, 'save'):.1f} ms, "
                f"bare {bare.percentile(99, 'save'):.1f} ms",
                extra={side: _summary(r) for side, r in saves.items()})]


def _server_ms(r: PhaseResult) -> float:
    """Return the server's CPU milliseconds per completed request."""
    return 1000 * r.server_cpu / max(1, r.requests)


def _client_ms(r: PhaseResult) -> float:
    """Return the load generator's CPU milliseconds per completed request."""
    return 1000 * r.client_cpu / max(1, r.requests)


def _per_second(r: PhaseResult, kind: str) -> float:
    """Return how many requests of one kind completed a second."""
    return sum(s.kind == kind for s in r.samples) / r.seconds


def _summary(r: PhaseResult) -> dict:
    """Summarise a phase for the JSON results."""
    kinds = sorted({s.kind for s in r.samples})
    return {
        "requests": r.requests, "seconds": r.seconds, "rate": r.rate, "journeys": r.journeys,
        "client_cpu_seconds": r.client_cpu, "server_cpu_seconds": r.server_cpu, "errors": r.errors[:5], "exhausted": r.exhausted,
        "p50_ms": r.percentile(50), "p99_ms": r.percentile(99),
        "by_kind": {k: {"n": sum(s.kind == k for s in r.samples), "p50_ms": r.percentile(50, k),
                        "p99_ms": r.percentile(99, k)} for k in kinds},
    }


def main() -> None:
    """Run this benchmark alone on a fresh Tayside database."""
    import tempfile

    from .common import format_table

    directory = Path(tempfile.mkdtemp(prefix="surveyapp-bench-"))
    built = synthetic.build(directory, synthetic.TAYSIDE)
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    start = time.perf_counter()
    rows = run(built, directory, seconds)
    print(format_table(rows))
    print(f"({time.perf_counter() - start:.0f} s; logs in {directory}; load {os.getloadavg()})")


if __name__ == "__main__":
    main()
