"""`surveyapp users import FILE.csv`: the whole file checked first, every problem by line and column, then
everyone invited in one transaction, or nobody."""
from __future__ import annotations

import pytest

from surveyapp.storage.db import connect
from tests.cli.conftest import run_script
from tests.cli.test_people import counts

HEADER = "email,name,role,organisation,area\n"


@pytest.fixture
def db(demo_database):
    conn = connect(demo_database)
    yield conn
    conn.close()


def an_organisation(db) -> tuple[int, str]:
    return tuple(db.execute("SELECT id, name FROM organisations WHERE archived_at IS NULL ORDER BY id LIMIT 1")
                 .fetchone())


def test_a_file_with_problems_invites_nobody_and_lists_every_problem(db, demo_database, logs, tmp_path):
    existing = db.execute("SELECT email FROM users ORDER BY id LIMIT 1").fetchone()[0]
    org_id, org_name = an_organisation(db)
    people = tmp_path / "people.csv"
    people.write_text(HEADER
                      + f"ok.one@example.org,Ok One,service_lead,{org_id},\n"              # line 2: fine
                      + "not-an-email,No Email,admin,,\n"                                 # 3
                      + "ok.one@EXAMPLE.org,Twice,admin,,\n"                               # 4: repeats line 2
                      + f"{existing},Already Here,admin,,\n"                               # 5
                      + "lead@example.org,No Org,service_lead,,\n"                         # 6
                      + "fac@example.org,Far Away,facilitator,,Fife\n"                     # 7
                      + "boss@example.org,Boss,chief,,\n"                                  # 8
                      + f"nobody@example.org,Nobody,service_lead,{org_name};No Such Org (fictional),\n")  # 9
    before = counts(db)
    run = run_script(["users", "import", str(people)], demo_database, logs)
    assert run.code == 2, run.text
    lines = run.err.splitlines()
    assert lines[-1] == "Nothing was imported."
    expected = [("line 3, column email", "not-an-email"), ("line 4, column email", "also on line 2"),
                ("line 5, column email", "already an account"), ("line 6, column organisation", "needs an"),
                ("line 7, column area", "unknown area 'Fife'"), ("line 8, column role", "unknown role 'chief'"),
                ("line 9, column organisation", "no organisation 'No Such Org (fictional)'")]
    for where, what in expected:
        assert any(f"{people}: {where}:" in line and what in line for line in lines), (where, run.err)
    assert len(lines) == len(expected) + 1 and "Traceback" not in run.text
    assert counts(db) == before


def test_a_good_file_invites_everyone_once_and_lists_the_spellings_it_read(db, demo_database, logs, tmp_path):
    org_id, org_name = an_organisation(db)
    people = tmp_path / "people.csv"
    people.write_text(HEADER
                      + f"file.lead@example.org,File Lead,Service lead,{org_name.upper()},\n"
                      + "file.fac@example.org,File Facilitator,facilitator,,angus;Dundee City\n"
                      + "file.admin@example.org,File Admin,admin,,\n")
    outbox, tokens = (db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("outbox", "tokens"))
    run = run_script(["users", "import", str(people)], demo_database, logs)
    assert run.code == 0, run.text
    assert "Invited 3 people" in run.out
    assert "note: role 'Service lead' was read as 'service_lead' on 1 row (first on line 2)" in run.out
    assert f"note: organisation '{org_name.upper()}' was read as '{org_name}'" in run.out
    assert "note: area 'angus' was read as 'Angus' on 1 row (first on line 3)" in run.out
    lead = db.execute("SELECT id, role, password_hash FROM users WHERE email = 'file.lead@example.org'").fetchone()
    assert lead[1:] == ("service_lead", None), "no password: they set their own from the link"
    assert db.execute("SELECT organisation_id FROM memberships WHERE user_id = ?", [lead[0]]).fetchall() == [(org_id,)]
    assert sorted(r[0] for r in db.execute(
        "SELECT area FROM user_areas JOIN users ON users.id = user_id WHERE email = 'file.fac@example.org'")) == [
        "Angus", "Dundee City"]
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == outbox + 3
    assert db.execute("SELECT count(*) FROM tokens").fetchone()[0] == tokens + 3
    # the same file again: everyone is already there, so nothing is written
    again = run_script(["users", "import", str(people)], demo_database, logs)
    assert again.code == 2 and again.err.count("already an account") == 3
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == outbox + 3
