"""SIGKILL the server at random moments while people save and submit; nothing acknowledged is lost.

gunicorn runs with --preload so a killed worker is replaced by a fork in
milliseconds, which is what lets a hundred kill cycles fit in about a
minute. Every few cycles the master goes too and gunicorn starts from cold.
"""
from __future__ import annotations

import contextlib
import os
import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from surveyapp.assessments.responses import incomplete_domains
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.db import connect

from .live import (
    CONNECTION_ERRORS,
    Browser,
    answers_for,
    assert_sound,
    csrf_from,
    expected_rows,
    free_port,
    kill_server,
    prefill,
    seed,
    start_gunicorn,
    stored_rows,
    version_from,
    workers_of,
)

CLIENTS = 6
WORKERS = 2
ORGS_PER_CLIENT = 300
KILL_CYCLES = 100
FULL_RESTART_EVERY = 25  # every 25th kill takes the master too
WANTED_SUBMISSIONS = 100
ENOUGH_SECONDS = 60      # keep killing past KILL_CYCLES until this, for WANTED_SUBMISSIONS
TIME_LIMIT = 150         # seconds of killing, at most, however busy the machine
HTTP_DOMAINS = 2         # the last pages are saved over HTTP; the rest are stored drafts


class Record:
    """What the server acknowledged, and how many requests a kill cut off."""

    def __init__(self):
        self.saves = set()      # (email, org, domain id) answered with a redirect
        self.submitted = set()  # (email, org) answered with the confirmation
        self.cut = 0            # requests a kill cut off after the server took them


def until_acknowledged(step, stop, record) -> bool:
    """Repeat a step until the server acknowledges it; give up only when the test stops."""
    while not stop.is_set():
        try:
            if step():
                return True
        except ConnectionRefusedError:
            time.sleep(0.02)  # the whole server is down: wait for it to come back
        except CONNECTION_ERRORS:
            record.cut += 1
            time.sleep(0.02)
    return False


def person(port, email, orgs, round_id, framework, ready, stop, record):
    """Save the last pages and submit, organisation after organisation, through every crash.

    Like a browser, it saves straight away while it knows the draft's version,
    and reloads the page first only when a cut-off save leaves that in doubt.
    """
    browser = Browser(port, timeout=20)
    browser.sign_in(email)  # before the first kill: the session outlives every restart
    token = csrf_from(browser.get("/").body)
    ready.wait()
    for org in orgs:
        base = f"/rounds/{round_id}/organisations/{org}"
        version = 1  # a stored draft starts at version 1
        for domain in framework.domains[-HTTP_DOMAINS:]:
            url = f"{base}/domains/{domain.id}"
            fields = answers_for(domain, f"{email}/{org}/{domain.id}")

            def save():
                nonlocal version
                if version is None:
                    page = browser.get(url)
                    assert page.status == 200, (url, page.status)
                    version = int(version_from(page.body))
                sent, version = version, None  # in doubt until the reply arrives
                reply = browser.post(url, {**fields, "action": "continue", "version": sent,
                                           "csrf_token": token})
                assert reply.status == 302, (url, reply.status, reply.body[:300])
                version = sent + 1
                return True

            if not until_acknowledged(save, stop, record):
                return
            record.saves.add((email, org, domain.id))

        def submit():
            # submitting is idempotent, so after a cut the same request is simply sent again
            reply = browser.post(base + "/check", {"csrf_token": token})
            assert reply.status == 302 and reply.location.endswith("/confirmation"), (base, reply.status)
            return True

        if not until_acknowledged(submit, stop, record):
            return
        record.submitted.add((email, org))


def kill_cycles(server, start, rng, record):
    """Kill workers (or the whole server) at random moments; return the server and the counts.

    Runs at least KILL_CYCLES cycles, and on until WANTED_SUBMISSIONS are
    acknowledged unless the machine is too busy to get there in ENOUGH_SECONDS.
    """
    cycles = full = 0
    began = time.monotonic()
    while time.monotonic() - began < TIME_LIMIT and (
            cycles < KILL_CYCLES or (len(record.submitted) < WANTED_SUBMISSIONS
            and time.monotonic() - began < ENOUGH_SECONDS)):
        deadline = time.monotonic() + 20
        while len(workers_of(server)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.05, 0.8))
        cycles += 1
        if cycles % FULL_RESTART_EVERY == 0:
            kill_server(server)
            server = start()
            full += 1
        else:
            for pid in workers_of(server):
                # killed last cycle and reaped since it was listed: already gone
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    return server, cycles, full


@pytest.mark.slow
def test_sigkill_during_submissions_loses_nothing_acknowledged(tmp_path):
    db_path, log = tmp_path / "live.sqlite", tmp_path / "gunicorn.log"
    data = seed(db_path, CLIENTS, ORGS_PER_CLIENT)
    round_id = data["round_id"]
    with connect(db_path) as db:
        framework = framework_for_round(db, round_id)
    ids = prefill(db_path, round_id, framework, data["people"], framework.domains[:-HTTP_DOMAINS])
    port = free_port()

    def start():
        return start_gunicorn(db_path, port, WORKERS, log, preload=True)

    server, record = start(), Record()
    ready, stop = threading.Barrier(CLIENTS + 1), threading.Event()
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(person, port, email, orgs, round_id, framework, ready, stop, record)
                       for email, orgs in data["people"]]
            ready.wait(timeout=60)
            began = time.monotonic()
            try:
                server, cycles, full = kill_cycles(server, start, random.Random(5), record)
            finally:
                stop.set()
            for future in futures:
                future.result(timeout=60)
    finally:
        kill_server(server)
    elapsed = time.monotonic() - began
    print(f"\n{cycles} kill cycles ({full} of the whole server) in {elapsed:.1f}s: "
          f"{len(record.saves)} pages saved, {len(record.submitted)} submissions acknowledged, "
          f"{record.cut} requests cut off")
    assert cycles >= KILL_CYCLES
    server_log = log.read_text()
    assert "database is locked" not in server_log and "Traceback" not in server_log, server_log[-3000:]
    assert record.cut >= KILL_CYCLES // 2  # the kills really did land on requests
    assert len(record.submitted) >= 25  # a floor for a busy shared machine; an idle one does hundreds

    with connect(db_path) as db:
        assert_sound(db.conn)
        # everything acknowledged is there, exactly as sent
        for email, org, domain_id in record.saves:
            domain = framework.domain(domain_id)
            assert stored_rows(db.conn, ids[(email, org)], domain_id) == expected_rows(
                domain, answers_for(domain, f"{email}/{org}/{domain_id}"))
        submitted = {row[0] for row in db.execute("SELECT id FROM responses WHERE status = 'submitted'")}
        assert {ids[key] for key in record.submitted} <= submitted
        # and nothing is half there: every page with a status row holds the whole page that was sent,
        # and every submitted response, acknowledged or not, is complete
        by_id = {response_id: key for key, response_id in ids.items()}
        for response_id, domain_id in db.execute("SELECT response_id, domain_id FROM domain_status"):
            email, org = by_id[response_id]
            domain = framework.domain(domain_id)
            assert stored_rows(db.conn, response_id, domain_id) == expected_rows(
                domain, answers_for(domain, f"{email}/{org}/{domain_id}"))
        for response_id in submitted:
            assert incomplete_domains(db, framework, response_id) == []
        assert db.execute("SELECT count(*) FROM responses WHERE status = 'submitted' AND "
                          "(reference IS NULL OR submitted_at IS NULL)").fetchone()[0] == 0
