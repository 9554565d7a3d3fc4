"""Build small rounds in a real SQLite file for the aggregation tests."""
from __future__ import annotations

from surveyapp.frameworks.loader import load_framework_text
from surveyapp.storage.db import connect
from surveyapp.storage.migrations import migrations

# Scale 1-6 with two non-scoring options. Domain "lead": l1 (weight 2), l2,
# a text and a number question (neither scored); domain "work": w1, w2, w3.
FRAMEWORK_YAML = """
id: test-fw
version: {version}
title: Test framework
summary: A framework for tests.
instrument: adaptation
adaptation: Written for the tests.
sources:
  - title: Nobody
scales:
  - id: six
    label: Six-point scale
    levels:
      - {{value: 1, label: Unsatisfactory, descriptor: d1}}
      - {{value: 2, label: Weak, descriptor: d2}}
      - {{value: 3, label: Adequate, descriptor: d3}}
      - {{value: 4, label: Good, descriptor: d4}}
      - {{value: 5, label: Very good, descriptor: d5}}
      - {{value: 6, label: Excellent, descriptor: d6}}
    options:
      - {{key: na, label: Not applicable}}
      - {{key: dk, label: "Don't know"}}
domains:
  - id: lead
    title: Leadership
    indicators:
      - {{id: l1, text: Leaders are visible, scale: six, weight: 2}}
      - {{id: l2, text: Leaders listen, scale: six}}
      - {{id: note, text: Anything else, type: text, required: false}}
      - {{id: staff, text: How many staff, type: number, required: false}}
  - id: work
    title: Workforce
    indicators:
      - {{id: w1, text: Staff are trained, scale: six}}
      - {{id: w2, text: Staff are supported, scale: six}}
{extra}
rules:
  strengths: {{min_score: 5, max: 2}}
  development: {{max_score: 2, gap: 1.0, max: 2}}
"""
W3 = "      - {id: w3, text: Staff are heard, scale: six}\n"


def framework(version: int = 1, with_w3: bool = True, framework_id: str = "test-fw"):
    """Build the test framework from inline YAML."""
    text = FRAMEWORK_YAML.format(version=version, extra=W3 if with_w3 else "")
    return load_framework_text(text.replace("id: test-fw", f"id: {framework_id}"))


def new_db(path):
    """Create an empty database with the app's schema."""
    db = connect(path)
    migrations.apply(db)
    return db


def add_round(db, fw) -> int:
    """Register a framework version (once) and open a round of it."""
    db["framework_versions"].insert({
        "key": fw.key, "framework_id": fw.id, "version": fw.version, "title": fw.title,
        "content_hash": fw.content_hash, "definition": "{}", "source_path": "test",
    }, ignore=True)
    return db["rounds"].insert({"framework_key": fw.key, "title": f"Round of {fw.key}"}).last_pk


def add_org(db, name: str, area: str, sector: str = "Third sector", round_id: int | None = None) -> int:
    """Add an organisation, invited to a round when one is given."""
    org_id = db["organisations"].insert({"name": name, "area": area, "sector": sector}).last_pk
    if round_id is not None:
        db["round_organisations"].insert({"round_id": round_id, "organisation_id": org_id})
    return org_id


def add_response(db, round_id: int, org_id: int, answers: dict, status: str = "submitted",
                 respondent: str | None = None) -> int:
    """Store one response; an answer is a number (a level), an option key, or None (a blank row)."""
    count = db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
    response_id = db["responses"].insert({
        "round_id": round_id, "organisation_id": org_id, "status": status,
        "respondent": respondent or f"person{count + 1}@example.org",
    }).last_pk
    fw_domains = {"l1": "lead", "l2": "lead", "note": "lead", "staff": "lead"}
    rows = []
    for indicator, answer in answers.items():
        row = {"response_id": response_id, "indicator_id": indicator,
               "domain_id": fw_domains.get(indicator, "work"), "value": None, "option": None, "text": None}
        if isinstance(answer, str) and indicator == "note":
            row["text"] = answer
        elif isinstance(answer, str):
            row["option"] = answer
        elif answer is not None:
            row["value"] = float(answer)
        rows.append(row)
    db["answers"].insert_all(rows)
    return response_id


def add_orgs_with_scores(db, round_id: int, area: str, scores: list[dict], sector: str = "Third sector",
                         prefix: str | None = None) -> list[int]:
    """Add one organisation per answers dict, each with one submitted response."""
    ids = []
    for n, answers in enumerate(scores, start=1):
        org_id = add_org(db, f"{prefix or area} {sector} {n}", area, sector, round_id)
        add_response(db, round_id, org_id, answers)
        ids.append(org_id)
    return ids
