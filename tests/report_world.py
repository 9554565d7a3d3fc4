"""A small, hand-made round for the report, chart, export and dashboard tests.

Eight organisations answer the strategic planning framework. Alpha (in Dundee
City) is the organisation under test: strong on domain sp-1, weak on sp-3-1,
two respondents who disagree on sp-2-1, evidence comments with characters
people really type. Angus has one organisation and Local authority one, so
both are suppressed; Perth and Kinross is hidden beside Angus by secondary
suppression. A previous round lets the report show change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pytest

from surveyapp.accounts.users import create_user, hash_password, set_password_hash
from surveyapp.assessments.rounds import create_round
from surveyapp.frameworks.registry import get_framework
from surveyapp.reports.definitions import load_report_definitions
from surveyapp.reports.model import RoundData
from surveyapp.storage.db import connect

from .conftest import PASSWORD, PROJECT, copy_database

ALPHA = "Alpha Café & <Partners> – Łódź ő (fictional)"
STRENGTH_QUOTE = "We’ve shared the needs assessment – see the Łódź visit, é ő."
DEVELOPMENT_QUOTE = "<b>not bold</b> & costed =SUM(A1) later"
DRAFT_QUOTE = "DRAFT COMMENT NEVER SHOWN"
OTHER_QUOTE = "ANOTHER ORGANISATION'S COMMENT"
# (name, area, sector)
ORGANISATIONS = [
    (ALPHA, "Dundee City", "Third sector"),
    ("Dee Street Support (fictional)", "Dundee City", "Third sector"),
    ("Dens Road Clinic (fictional)", "Dundee City", "NHS"),
    ("Docks Council Team (fictional)", "Dundee City", "Local authority"),
    ("Arbroath Outreach (fictional)", "Angus", "Third sector"),
    ("Perth Advice (fictional)", "Perth and Kinross", "Third sector"),
    ("Perth Clinic (fictional)", "Perth and Kinross", "NHS"),
    ("Crieff Clinic (fictional)", "Perth and Kinross", "NHS"),
]


@dataclass
class ReportWorld:
    round_id: int
    previous_id: int
    orgs: dict = field(default_factory=dict)   # name -> id
    framework: object = None
    app: object = None

    @property
    def alpha(self) -> int:
        """Return the id of the organisation under test."""
        return self.orgs[ALPHA]


def alpha_value(indicator_id: str, respondent: int) -> float:
    """Alpha's answers: 6 on sp-1, 1 on sp-3-1, a 1/6 split on sp-2-1, 4 elsewhere."""
    if indicator_id.startswith("sp-1-"):
        return 6.0
    if indicator_id == "sp-3-1":
        return 1.0
    if indicator_id == "sp-2-1":
        return 1.0 if respondent == 1 else 6.0
    return 4.0


def build_report_world(db) -> ReportWorld:
    """Create the organisations, both rounds and every response."""
    # pinned: the assertions on this world were written against version 1's domains and wording
    key = "strategic-planning@1"
    framework = get_framework(db, key)
    previous = create_round(db, key, "Last year’s round", status="closed")
    current = create_round(db, key, "This year’s round")
    world = ReportWorld(round_id=current, previous_id=previous, framework=framework)
    for name, area, sector in ORGANISATIONS:
        world.orgs[name] = db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, ?, ?)",
                                      [name, area, sector]).lastrowid
        for round_id in (previous, current):
            db.execute("INSERT INTO round_organisations (round_id, organisation_id) VALUES (?, ?)",
                       [round_id, world.orgs[name]])
    scored = [i for d in framework.domains for i in d.scored_indicators]
    for name, org_id in world.orgs.items():
        respondents = 2 if name == ALPHA else 1
        for n in range(1, respondents + 1):
            answers = {}
            for ind in scored:
                value = alpha_value(ind.id, n) if name == ALPHA else 3.0
                comment = None
                if name == ALPHA and ind.id == "sp-1-1" and n == 1:
                    comment = STRENGTH_QUOTE
                elif name == ALPHA and ind.id == "sp-3-1" and n == 2:
                    comment = DEVELOPMENT_QUOTE
                elif name != ALPHA and ind.id == "sp-1-1":
                    comment = OTHER_QUOTE
                answers[ind.id] = (value, comment)
            add_response(db, framework, current, org_id, f"person{n}@example.org", answers)
            add_response(db, framework, previous, org_id, f"person{n}@example.org",
                         {ind.id: (3.0, None) for ind in scored})
    draft = {ind.id: (1.0, DRAFT_QUOTE) for ind in scored}
    add_response(db, framework, current, world.alpha, "drafter@example.org", draft, status="draft")
    return world


def add_response(db, framework, round_id, org_id, respondent, answers, status="submitted") -> int:
    """Store one response with {indicator: (value, comment)} answers."""
    response_id = db.execute(
        "INSERT INTO responses (round_id, organisation_id, respondent, status, reference, submitted_at) "
        "VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 'submitted' THEN '2026-11-01T10:00:00Z' END)",
        [round_id, org_id, respondent, status, f"SA-{round_id}-{org_id}-{respondent}" if status == "submitted"
         else None, status]).lastrowid
    db.conn.executemany(
        "INSERT INTO answers (response_id, indicator_id, domain_id, value, option, text, comment) "
        "VALUES (?, ?, ?, ?, NULL, NULL, ?)",
        [(response_id, ind, framework.domain_of(ind).id, value, comment)
         for ind, (value, comment) in answers.items()])
    db.conn.commit()
    return response_id


@pytest.fixture(scope="module")
def world_db(tmp_path_factory, prepared_database):
    """A database file holding the report world, built once per test module; tests only read it."""
    path = tmp_path_factory.mktemp("report-world") / "world.sqlite"
    copy_database(prepared_database, path)
    db = connect(path)
    world = build_report_world(db)
    db.close()
    return path, world


@pytest.fixture(scope="module")
def round_data(world_db):
    """The report world's round data: benchmark and previous benchmark, computed once."""
    path, world = world_db
    db = connect(path)
    data = RoundData(db, world.round_id, 3)
    yield data, world, db
    db.close()


@pytest.fixture(scope="module")
def definitions():
    """The shipped report definitions."""
    return load_report_definitions(PROJECT / "reports")


PEOPLE = {
    # key: (email, role, organisation names, areas)
    "alpha_lead": ("alpha.lead@example.org", "service_lead", (ALPHA,), ()),
    "perth_lead": ("perth.lead@example.org", "service_lead", ("Perth Advice (fictional)",), ()),
    "facilitator": ("facilitator@example.org", "facilitator", (), ("*",)),
    "dundee_facilitator": ("dundee.facilitator@example.org", "facilitator", (), ("Dundee City",)),
    "commissioner": ("commissioner@example.org", "commissioner", (), ("Dundee City",)),
    "admin": ("admin@example.org", "admin", (), ()),
}


@lru_cache(maxsize=1)
def password_hash() -> str:
    """Hash the test password once: scrypt per person would dominate these tests' time."""
    return hash_password(PASSWORD)


@pytest.fixture
def web_world(app, db):
    """The report world in the test app's database, with one person of each kind."""
    world = build_report_world(db)
    for email, role, names, areas in PEOPLE.values():
        user_id = create_user(db, email, "Test Person", role, None, [world.orgs[n] for n in names], areas)
        set_password_hash(db, user_id, password_hash())
    world.app = app
    return world


@pytest.fixture
def client_as(app):
    """Return a signed-in test client for one of PEOPLE."""
    from .conftest import sign_in

    def make(person: str):
        client = app.test_client()
        response = sign_in(client, PEOPLE[person][0])
        assert response.status_code == 302, f"{person} could not sign in"
        return client
    return make


def for_lead(data, organisation_id: int):
    """Return the round data as one organisation's own service lead may see it."""
    from surveyapp.benchmarks.viewers import viewer_for_organisation
    return data.for_viewer(viewer_for_organisation(organisation_id))


def for_public(data):
    """Return the round data as someone who knows no organisation's results may see it."""
    from surveyapp.benchmarks.disclosure import PUBLIC
    return data.for_viewer(PUBLIC)
