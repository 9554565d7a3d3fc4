"""The bare baseline: a Flask app doing a respondent's journey with nothing but the essentials.

Same libraries, same database and durability (surveyapp.db: WAL,
synchronous=FULL, busy timeout, one connection kept per worker), the same SQL
reads and the same rows written in one IMMEDIATE transaction, and a flat
Jinja2 template that renders the same HTML as the app's domain page. What it
leaves out is what the app adds: sessions and sign-in, CSRF, permission
checks, WTForms, macros, error pages.

Run under gunicorn as `bench.bare_app:app` with BENCH_BARE_DATABASE set.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, abort, g, redirect, render_template, request

from surveyapp.frameworks.registry import get_framework
from surveyapp.storage.db import kept_connection, write_transaction

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHOICES_CACHE: dict[str, dict] = {}


def value_key(value: float) -> str:
    """Render a level value as a form value: 3.0 -> '3', 2.5 -> '2.5'."""
    return str(int(value)) if float(value).is_integer() else str(value)


def create_bare_app(database: str) -> Flask:
    """Create the bare baseline app on a database that holds the benchmark frameworks."""
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.config["DATABASE"] = database
    app.add_template_filter(value_key, "value_key")
    app.teardown_appcontext(_close)
    frameworks = {}

    def db():
        """Return the connection this worker keeps, as the app does."""
        if "db" not in g:
            g.db = kept_connection(app.config["DATABASE"])
        return g.db

    def framework(key: str):
        """Return a framework model, loaded once per process (as the app caches it)."""
        if key not in frameworks:
            frameworks[key] = get_framework(db(), key)
        return frameworks[key]

    def response_for(round_id: int, org_id: int):
        """Return (id, status, version) of the respondent's response, or 404."""
        row = db().execute(
            "SELECT id, status, version FROM responses WHERE round_id = ? AND organisation_id = ? "
            "AND respondent = ?", [round_id, org_id, request.args["r"]]).fetchone()
        if row is None:
            abort(404)
        return row

    @app.get("/ping")
    def ping():
        """Answer at once: the load generator's ceiling."""
        return "ok"

    @app.post("/bare/rounds/<int:round_id>/organisations/<int:org_id>/start")
    def start(round_id, org_id):
        """Create the respondent's draft and send them to the first section."""
        database = db()
        key = database.execute("SELECT framework_key FROM rounds WHERE id = ?", [round_id]).fetchone()[0]
        with write_transaction(database):
            database.execute(
                "INSERT INTO responses (round_id, organisation_id, respondent) VALUES (?, ?, ?) "
                "ON CONFLICT (round_id, organisation_id, respondent) DO NOTHING",
                [round_id, org_id, request.args["r"]])
        first = framework(key).domains[0].id
        return redirect(f"/bare/rounds/{round_id}/organisations/{org_id}/domains/{first}?r={request.args['r']}")

    @app.get("/bare/rounds/<int:round_id>/organisations/<int:org_id>/domains/<domain_id>")
    def domain_page(round_id, org_id, domain_id):
        """Render a section's page from the same reads as the app, through the flat template."""
        database = db()
        round_row = dict(zip(("id", "title", "framework_key"), database.execute(
            "SELECT id, title, framework_key FROM rounds WHERE id = ?", [round_id]).fetchone()))
        organisation = dict(zip(("id", "name"), database.execute(
            "SELECT id, name FROM organisations WHERE id = ?", [org_id]).fetchone()))
        response_id, _, version = response_for(round_id, org_id)
        fw = framework(round_row["framework_key"])
        domain = fw.domain(domain_id)
        answers, comments = {}, {}
        for indicator, value, option, comment in database.execute(
                "SELECT indicator_id, value, option, comment FROM answers WHERE response_id = ? AND domain_id = ?",
                [response_id, domain_id]):
            answers[indicator] = "opt:" + option if option else (value_key(value) if value is not None else None)
            comments[indicator] = comment
        position = [d.id for d in fw.domains].index(domain_id) + 1
        return render_template(
            "bare_domain.html", domain=domain, round=round_row, organisation=organisation,
            position=position, version=version, answers=answers, comments=comments,
            csrf_token=secrets.token_urlsafe(32),
            back_url=f"/rounds/{round_id}/organisations/{org_id}/")

    @app.post("/bare/rounds/<int:round_id>/organisations/<int:org_id>/domains/<domain_id>")
    def save(round_id, org_id, domain_id):
        """Check the choices and write the section's answers in one IMMEDIATE transaction."""
        database = db()
        key = database.execute("SELECT framework_key FROM rounds WHERE id = ?", [round_id]).fetchone()[0]
        fw = framework(key)
        domain = fw.domain(domain_id)
        form = request.form
        rows = []
        for ind in domain.indicators:
            raw = form.get(ind.id) or ""
            if raw and raw not in _choices(key, ind):
                abort(400)
            comment = (form.get(ind.id + "__comment") or "").strip() or None
            option = raw[4:] if raw.startswith("opt:") else None
            value = float(raw) if raw and option is None else None
            if value is not None or option or comment:
                rows.append((ind.id, domain.id, value, option, comment))
        response_id, _, _ = response_for(round_id, org_id)
        base = int(form.get("version", "0"))
        ids = [i.id for i in domain.indicators]
        with write_transaction(database):
            status, version = database.execute(
                "SELECT status, version FROM responses WHERE id = ?", [response_id]).fetchone()
            if status != "draft" or version != base:
                abort(409)
            database.execute(
                f"DELETE FROM answers WHERE response_id = ? AND indicator_id IN ({','.join('?' * len(ids))})",
                [response_id, *ids])
            database.conn.executemany(
                "INSERT INTO answers (response_id, indicator_id, domain_id, value, option, comment) "
                "VALUES (?, ?, ?, ?, ?, ?)", [(response_id, *row) for row in rows])
            database.execute(
                "INSERT INTO domain_status (response_id, domain_id, status) VALUES (?, ?, 'completed') "
                "ON CONFLICT (response_id, domain_id) DO UPDATE SET status = excluded.status",
                [response_id, domain.id])
            database.execute("UPDATE responses SET version = ?, updated_at = datetime('now') WHERE id = ?",
                             [version + 1, response_id])
        ids = [d.id for d in fw.domains]
        index = ids.index(domain_id)
        following = "check" if index + 1 >= len(ids) else f"domains/{ids[index + 1]}"
        return redirect(f"/bare/rounds/{round_id}/organisations/{org_id}/{following}?r={request.args['r']}")

    @app.post("/bare/rounds/<int:round_id>/organisations/<int:org_id>/check")
    def submit(round_id, org_id):
        """Mark the response submitted with a reference."""
        database = db()
        response_id, _, _ = response_for(round_id, org_id)
        with write_transaction(database):
            database.execute(
                "UPDATE responses SET status = 'submitted', reference = ?, submitted_at = datetime('now'), "
                "updated_at = datetime('now'), version = version + 1 WHERE id = ? AND status = 'draft'",
                ["SB-" + secrets.token_hex(6), response_id])
        return redirect(f"/bare/rounds/{round_id}/organisations/{org_id}/confirmation?r={request.args['r']}")

    return app


def _choices(key: str, ind) -> dict:
    """Return the accepted form values of a rating question (cached, as WTForms classes are)."""
    cache_key = key + "/" + ind.id
    if cache_key not in CHOICES_CACHE:
        CHOICES_CACHE[cache_key] = {value_key(lv.value) for lv in ind.scale.levels} | {
            "opt:" + o.key for o in ind.scale.options}
    return CHOICES_CACHE[cache_key]


def _close(exc=None) -> None:
    """End the request's use of the kept connection, leaving no transaction open."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.execute("ROLLBACK")


app = create_bare_app(os.environ["BENCH_BARE_DATABASE"]) if os.environ.get("BENCH_BARE_DATABASE") else None
