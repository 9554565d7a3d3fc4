"""Fictional demonstration data: organisations, people, rounds and responses.

Every organisation name is invented and marked "(fictional)"; no real body
is ever given a score. The responses come from a seeded random generator,
so every run produces the same data.
"""
from __future__ import annotations

import random

from surveyapp.accounts.users import create_user
from surveyapp.assessments.responses import new_reference
from surveyapp.assessments.rounds import create_round
from surveyapp.demo.plans import load_demo_plans
from surveyapp.demo.targets import load_demo_targets
from surveyapp.frameworks.registry import get_framework, list_frameworks
from surveyapp.storage.db import write_transaction

DEMO_PASSWORD = "tayside demo passphrase"
SEED = 20261122

ORGANISATIONS = [
    ("Harbourside Recovery Café", "Dundee City", "Third sector"),
    ("Law Hill Community Mental Health Team", "Dundee City", "NHS"),
    ("Riverside Housing Support Service", "Dundee City", "Local authority"),
    ("Eastport Integrated Addictions Team", "Dundee City", "HSCP"),
    ("Tayview Care Homes Group", "Dundee City", "Independent"),
    ("Dockside Community Justice Service", "Dundee City", "Justice"),
    ("Voices of the Vennel Peer Network", "Dundee City", "Lived experience/community"),
    ("Seagate Women’s Support Project", "Dundee City", "Third sector"),
    ("Northfield Family Wellbeing Hub", "Dundee City", "Local authority"),
    ("Glen Clova Rural Wellbeing Trust", "Angus", "Third sector"),
    ("Redcastle Primary Care Mental Health Service", "Angus", "NHS"),
    ("Angus Coast Social Work Team", "Angus", "Local authority"),
    ("Lunan Bay Integrated Care Team", "Angus", "HSCP"),
    ("Brechin Road Recovery Residence", "Angus", "Independent"),
    ("Sidlaw Peer Recovery Circle", "Angus", "Lived experience/community"),
    ("Montrose Basin Outreach Project", "Angus", "Third sector"),
    ("Kirriemuir Throughcare Partnership", "Angus", "Justice"),
    ("Strathearn Community Recovery Network", "Perth and Kinross", "Third sector"),
    ("Kinnoull Hill Psychological Therapies Service", "Perth and Kinross", "NHS"),
    ("Tay Street Housing Options Team", "Perth and Kinross", "Local authority"),
    ("Highland Perthshire Locality Team", "Perth and Kinross", "HSCP"),
    ("Rannoch Moor Supported Living", "Perth and Kinross", "Independent"),
    ("Loch Leven Lived Experience Panel", "Perth and Kinross", "Lived experience/community"),
    ("Almondbank Community Justice Hub", "Perth and Kinross", "Justice"),
    ("Blairgowrie Berry Fields Advice Service", "Perth and Kinross", "Third sector"),
    ("Tayside Regional Substance Use Liaison Service", "Tayside-wide", "NHS"),
    ("Three Rivers Advocacy Alliance", "Tayside-wide", "Third sector"),
    ("Silvery Tay Custody Healthcare Team", "Tayside-wide", "Justice"),
]

PEOPLE = [
    # (email, name, role, organisation indexes, areas)
    ("service.lead@example.org", "Morven Lead", "service_lead", (0, 2), ()),
    ("angus.lead@example.org", "Iain Lead", "service_lead", (11,), ()),
    ("facilitator@example.org", "Fiona Facilitator", "facilitator", (), ("*",)),
    ("angus.facilitator@example.org", "Alasdair Facilitator", "facilitator", (), ("Angus",)),
    ("commissioner@example.org", "Catriona Commissioner", "commissioner", (), ("Dundee City",)),
    ("admin@example.org", "Ada Admin", "admin", (), ()),
]

COMMENTS = [
    "Agreed at our leadership team review; minutes show the actions taken.",
    "Staff survey results this year back this up.",
    "People with lived experience told us this at our listening event.",
    "We have a plan for this but it is not yet in place across every team.",
    "Audit of case files in the spring found gaps here.",
    "Partnership meeting notes record this; we need better data to be sure.",
]


def _fictional(name: str) -> str:
    """Mark a demo organisation's name as invented."""
    return f"{name} (fictional)"


def load_demo(db) -> list[str]:
    """Load the demo data once; return lines describing what was done."""
    if db.execute("SELECT 1 FROM organisations WHERE name LIKE '%(fictional)' LIMIT 1").fetchone():
        return ["Demo data is already loaded."]
    rng = random.Random(SEED)
    with write_transaction(db):
        org_ids = [
            db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, ?, ?)",
                       [_fictional(n), a, s]).lastrowid
            for n, a, s in ORGANISATIONS
        ]
        for email, name, role, orgs, areas in PEOPLE:
            create_user(db, email, name, role, DEMO_PASSWORD, [org_ids[i] for i in orgs], areas)
        demo_leads = {org_ids[i] for _, _, role, orgs, _ in PEOPLE if role == "service_lead" for i in orgs}
        lines = [f"{len(org_ids)} fictional organisations, {len(PEOPLE)} people "
                 f"(password for every demo account: '{DEMO_PASSWORD}')"]
        for framework in _demo_frameworks(db):
            # areas and indicators differ for real, so reports have shared strengths and gaps to show
            area_shift = {a: rng.uniform(-0.1, 0.1) for a in sorted({a for _, a, _ in ORGANISATIONS})}
            tilt = {ind.id: rng.gauss(0, 0.15) for ind in framework.indicators}
            quality = {o: rng.uniform(0.25, 0.85) + area_shift[ORGANISATIONS[n][1]]
                       for n, o in enumerate(org_ids)}
            if framework.id == "strategic-planning":
                previous = create_round(db, framework.key, "2025/26 strategic planning self-assessment",
                                        "2025-09-01", "2025-11-30", status="closed")
                _fill_round(db, rng, framework, previous, org_ids, quality, tilt, set(), share_submitted=1.0)
                lines.append(f"round {previous}: {framework.title} 2025/26 (closed)")
                quality = {o: min(0.95, q + rng.uniform(-0.05, 0.15)) for o, q in quality.items()}
            current = create_round(db, framework.key, f"2026/27 {framework.title}", "2026-09-01", "2027-03-31")
            _fill_round(db, rng, framework, current, org_ids, quality, tilt, demo_leads, share_submitted=0.8)
            lines.append(f"round {current}: {framework.title} 2026/27 (open)")
        lines += load_demo_plans(db)
        lines += load_demo_targets(db)
    return lines


# Added after the first five: its round comes last, so the earlier demo round ids stay as they were.
LATER_FRAMEWORKS = ("adp-recovery-system",)


def _demo_frameworks(db) -> list:
    """Return the latest version of each framework, in id order, later additions last."""
    latest = {}
    for row in list_frameworks(db):  # ordered by id, then version
        latest[row["framework_id"]] = row["key"]
    order = sorted(latest, key=lambda fid: (fid in LATER_FRAMEWORKS, fid))
    return [get_framework(db, latest[fid]) for fid in order]


def _fill_round(db, rng, framework, round_id, org_ids, quality, tilt, skip, share_submitted):
    """Invite every organisation and give most of them synthetic responses."""
    db.conn.executemany("INSERT INTO round_organisations (round_id, organisation_id) VALUES (?, ?)",
                        [(round_id, o) for o in org_ids])
    for org_id in org_ids:
        if org_id in skip:
            continue  # left for a demo service lead to fill in by hand
        roll = rng.random()
        if roll > share_submitted + (1 - share_submitted) / 2:
            continue  # not started
        status = "submitted" if roll <= share_submitted else "draft"
        for n in range(rng.choice((1, 1, 2, 3))):
            _respond(db, rng, framework, round_id, org_id, f"respondent-{n + 1}", quality[org_id], tilt, status)


def _respond(db, rng, framework, round_id, org_id, respondent, quality, tilt, status):
    """Store one synthetic response whose answers centre on `quality` (0-1)."""
    response_id = db.execute(
        "INSERT INTO responses (round_id, organisation_id, respondent, status, reference, submitted_at) "
        "VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 'submitted' THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END)",
        [round_id, org_id, respondent, status, new_reference() if status == "submitted" else None, status],
    ).lastrowid
    rows = []
    for domain in framework.domains:
        lean = rng.uniform(-0.2, 0.2)
        for ind in domain.indicators:
            rows.append((response_id, ind.id, domain.id, *_answer(rng, ind, quality + lean + tilt[ind.id])))
    db.conn.executemany(
        "INSERT INTO answers (response_id, indicator_id, domain_id, value, option, text, comment) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.conn.executemany(
        "INSERT INTO domain_status (response_id, domain_id, status) VALUES (?, ?, 'completed')",
        [(response_id, d.id) for d in framework.domains])


def _answer(rng, ind, quality):
    """Return (value, option, text, comment) for one synthetic answer."""
    comment = rng.choice(COMMENTS) if ind.evidence != "none" and rng.random() < 0.5 else None
    if ind.type == "rating":
        if ind.scale.options and rng.random() < 0.04:
            return None, rng.choice(ind.scale.options).key, None, comment
        levels = ind.scale.values
        position = min(max(quality + rng.gauss(0, 0.15), 0), 0.999)
        return levels[int(position * len(levels))], None, None, comment
    if ind.type in ("choice", "yesno"):
        return None, rng.choice(ind.choices).key, None, comment
    if ind.type == "number":
        low = ind.minimum if ind.minimum is not None else 0
        high = ind.maximum if ind.maximum is not None else 100
        return float(int(low + (high - low) * quality)), None, None, comment
    if ind.required:
        return None, None, "We would most like to see shared training across partner services.", comment
    return None, None, None, comment
