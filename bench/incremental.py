"""Issue 18: what a results page costs on the first request after one more submission.

In this process through Flask's test client, on the synthetic data with a previous
round present (the synthetic round copied, answers shifted, as round 2): for each page
kind, one new response is started, saved page by page and submitted through
surveyapp's own functions (timing the submission's transaction), then the page is
requested once (the first request after the submission) and again (warm). Pages: the
facilitator dashboard, an area report, an organisation's own results (what the
confirmation after submitting shows) and an organisation's report.

    python -m bench.incremental --db /tmp/b/national.sqlite --frameworks /tmp/b/frameworks --rounds 3

`--db` is a database built by `python -m bench.synthetic national DIR` (or tayside); it is
copied, never changed. To measure other code (the baseline), put its checkout first on
PYTHONPATH. The table is printed; `--json FILE` writes every timing.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

PASSWORD = "correct horse battery staple 18"
FACILITATOR = "incremental.facilitator@example.org"
LEAD = "incremental.lead@example.org"


def add_previous_round(db) -> int:
    """Copy round 1 into a new round 2 with every answer moved by one level; return the new round's id."""
    from surveyapp.storage.db import write_transaction

    done = db.execute("SELECT id FROM rounds WHERE title = 'Synthetic round 2'").fetchone()
    if done:  # a database this bench prepared before: the copy costs minutes at national scale
        return done[0]
    key = db.execute("SELECT framework_key FROM rounds WHERE id = 1").fetchone()[0]
    offset = db.execute("SELECT max(id) FROM responses").fetchone()[0]
    with write_transaction(db):
        new = db.execute("INSERT INTO rounds (framework_key, title, status) VALUES (?, 'Synthetic round 2', 'open')",
                         [key]).lastrowid
        db.execute("INSERT INTO round_organisations (round_id, organisation_id) "
                   "SELECT ?, organisation_id FROM round_organisations WHERE round_id = 1", [new])
        db.execute("INSERT INTO responses (id, round_id, organisation_id, respondent, status, reference, submitted_at) "
                   "SELECT id + ?, ?, organisation_id, respondent, status, reference || '-2', submitted_at "
                   "FROM responses WHERE round_id = 1", [offset, new])
        db.execute("INSERT INTO answers (response_id, indicator_id, domain_id, value, option, comment) "
                   "SELECT response_id + ?, indicator_id, domain_id, "
                   "CASE WHEN value IS NULL THEN NULL ELSE min(6, value + (response_id % 2)) END, option, comment "
                   "FROM answers WHERE response_id <= ?", [offset, offset])
        db.execute("INSERT INTO domain_status (response_id, domain_id, status) "
                   "SELECT response_id + ?, domain_id, status FROM domain_status WHERE response_id <= ?",
                   [offset, offset])
    db.execute("ANALYZE")
    return new


def submit_one(db, framework, round_id: int, organisation_id: int, respondent: str) -> float:
    """Start, fill and submit one response through surveyapp's functions; return the submit's seconds."""
    from surveyapp.assessments.responses import Answer, save_domain, start_response, submit_response

    response = start_response(db, round_id, organisation_id, respondent)
    version = response["version"]
    for domain in framework.domains:
        answers = {i.id: Answer(value=float(1 + n % 6)) for n, i in enumerate(domain.indicators)}
        version = save_domain(db, response["id"], domain, answers, version, completed=True)
    start = time.process_time()
    submit_response(db, framework, response["id"])
    return time.process_time() - start


def signed_in(app, email: str):
    """Return a test client signed in through the real form."""
    import re

    token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    done = client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                         "csrf_token": token.search(page).group(1)})
    if done.status_code != 302:
        raise RuntimeError(f"sign-in failed: {done.status_code}")
    return client


def run(db_path: Path, frameworks: Path, rounds: int, workdir: Path) -> dict:
    """Measure every page kind `rounds` times; return {page: {"first": [...], "warm": [...]}, "submit": [...]}."""
    from surveyapp import create_app
    from surveyapp.accounts.users import create_user
    from surveyapp.frameworks.registry import get_framework
    from surveyapp.storage.db import connect, write_transaction

    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "incremental.sqlite"
    for stale in workdir.glob("incremental.sqlite*"):
        stale.unlink()
    import sqlite3
    src, dst = sqlite3.connect(db_path), sqlite3.connect(path)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    from surveyapp.storage.migrations import migrations

    upgrade = connect(path)
    migrations.apply(upgrade)  # a database built by older code gains the newer tables, as init-db does
    upgrade.close()
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "bench-18", "FRAMEWORKS_DIR": str(frameworks)})
    db = connect(path)
    round_id = add_previous_round(db)
    from surveyapp.accounts.organisations import AREAS

    # an area the results pages know by name (the Tayside areas are among Scotland's partnerships)
    area, org = db.execute(f"SELECT area, id FROM organisations WHERE area IN ({','.join('?' * len(AREAS))}) "
                           "ORDER BY id LIMIT 1", list(AREAS)).fetchone()
    if not db.execute("SELECT 1 FROM users WHERE email = ?", [FACILITATOR]).fetchone():
        with write_transaction(db):
            create_user(db, FACILITATOR, "Incremental Facilitator", "facilitator", password=PASSWORD, areas=["*"])
            create_user(db, LEAD, "Incremental Lead", "service_lead", password=PASSWORD, organisations=[org])
    framework = get_framework(db, db.execute("SELECT framework_key FROM rounds WHERE id = ?",
                                             [round_id]).fetchone()[0])
    from surveyapp.reports.model import slug
    pages = {
        "dashboard": (FACILITATOR, f"/results/?round={round_id}"),
        "area report": (FACILITATOR, f"/results/rounds/{round_id}/areas/{slug(area)}"),
        "own results (confirmation)": (LEAD, f"/rounds/{round_id}/organisations/{org}/summary"),
        "organisation report": (LEAD, f"/results/rounds/{round_id}/organisations/{org}"),
    }
    clients = {email: signed_in(app, email) for email in (FACILITATOR, LEAD)}

    def get(page: str) -> float:
        """Request a page; return the CPU seconds it took (the shared host moves wall time far more)."""
        email, url = pages[page]
        start, wall = time.process_time(), time.perf_counter()
        response = clients[email].get(url)
        elapsed = time.process_time() - start
        walls.setdefault(page, []).append(time.perf_counter() - wall)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
        return elapsed

    walls: dict = {}

    out = {"submit": [], **{page: {"first": [], "warm": []} for page in pages}}
    cold = {page: get(page) for page in pages}  # fill every cache once
    out["cold"] = cold
    serial = 0
    for _ in range(rounds):
        for page in pages:
            serial += 1
            out["submit"].append(submit_one(db, framework, round_id, org, f"late{serial}@example.org"))
            out[page]["first"].append(get(page))
            out[page]["warm"].append(min(get(page) for _ in range(2)))
    db.close()
    out["wall"] = walls
    return out


def table(result: dict) -> str:
    """Format the medians and worst cases as a Markdown table, in milliseconds."""
    lines = ["| page (CPU time) | first request after a submission: median (max) | warm: median |", "|---|---|---|"]
    for page, times in result.items():
        if page in ("submit", "cold", "wall"):
            continue
        first, warm = [t * 1000 for t in times["first"]], [t * 1000 for t in times["warm"]]
        lines.append(f"| {page} | {statistics.median(first):,.0f} ms ({max(first):,.0f}) | "
                     f"{statistics.median(warm):,.1f} ms |")
    submit = [t * 1000 for t in result["submit"]]
    lines.append(f"| submit_response transaction | {statistics.median(submit):,.1f} ms ({max(submit):,.1f}) | |")
    return "\n".join(lines)


def main() -> None:
    """Run from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--frameworks", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/surveyapp-bench-incremental"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.db, args.frameworks, args.rounds, args.workdir)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
