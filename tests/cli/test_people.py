"""`orgs` and `users`: the admin pages' rules at the command line, one transaction each, tables or csv/json."""
from __future__ import annotations

import csv
import io
import json

import pytest

from surveyapp.accounts.users import check_credentials
from surveyapp.storage.db import connect

PASSPHRASE = "a long enough passphrase for tests"


@pytest.fixture
def db(demo_database):
    conn = connect(demo_database)
    yield conn
    conn.close()


def counts(db) -> tuple:
    """Return how many rows the tables a command may write hold."""
    return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("organisations", "users", "memberships", "user_areas", "outbox", "tokens"))


def test_orgs_list_is_an_aligned_table_and_csv_or_json_for_scripts(cli):
    table = cli("orgs", "list")
    assert table.code == 0
    heading, *lines = table.out.splitlines()
    assert heading.split() == ["id", "name", "area", "sector", "people", "submitted"]
    assert len(lines) >= 10 and all("(fictional)" in line for line in lines)
    area_at = heading.index("area")
    assert {line[area_at - 2:area_at] for line in lines} == {"  "}  # every area starts in the area column
    assert any(line[area_at:].startswith("Angus ") for line in lines)
    rows = json.loads(cli("orgs", "list", "--format", "json").out)
    assert {"id", "name", "area", "sector", "people", "submitted"} == set(rows[0])
    assert len(rows) == len(lines)
    [header, *records] = list(csv.reader(io.StringIO(cli("orgs", "list", "--format", "csv").out)))
    assert header == ["id", "name", "area", "sector", "people", "submitted"] and len(records) == len(lines)


def test_orgs_create_rename_and_archive(cli, db):
    created = cli("orgs", "create", "Tay Bridge Peer Network (fictional)", "--area", "perth and kinross",
                  "--sector", "Third sector")
    assert created.code == 0
    org_id = int(created.out)
    assert db.execute("SELECT name, area FROM organisations WHERE id = ?", [org_id]).fetchone() == (
        "Tay Bridge Peer Network (fictional)", "Perth and Kinross")
    renamed = cli("orgs", "rename", str(org_id), "Tay Bridge Peers (fictional)")
    assert renamed.code == 0 and "to Tay Bridge Peers (fictional)" in renamed.out
    assert cli("orgs", "archive", str(org_id)).out == f"Archived Tay Bridge Peers (fictional) (organisation {org_id}).\n"
    assert "Tay Bridge Peers" not in cli("orgs", "list").out
    archived = [r for r in json.loads(cli("orgs", "list", "--all", "--format", "json").out) if r["id"] == org_id]
    assert archived[0]["archived"]
    lead = cli("users", "create", "--email", "archived.lead@example.org", "--name", "A Lead", "--role",
               "service_lead", "--organisation", str(org_id), "--password-stdin", stdin=PASSPHRASE + "\n")
    assert lead.code == 2 and f"Organisation {org_id} is archived" in lead.err


def test_orgs_refusals_write_nothing(cli, db):
    before = counts(db)
    fife = cli("orgs", "create", "Somewhere Else (fictional)", "--area", "Fife", "--sector", "NHS")
    assert fife.code == 2 and "unknown area 'Fife' (use one of: Dundee City, Angus" in fife.err
    taken = db.execute("SELECT name FROM organisations ORDER BY id LIMIT 2").fetchall()
    duplicate = cli("orgs", "create", taken[0][0], "--area", "Angus", "--sector", "NHS")
    assert duplicate.code == 2 and "There is already an organisation with this name" in duplicate.err
    clash = cli("orgs", "rename", str(db.execute("SELECT id FROM organisations WHERE name = ?", taken[1]).fetchone()[0]),
                taken[0][0])
    assert clash.code == 2 and "There is already an organisation with this name" in clash.err
    missing = cli("orgs", "archive", "9999")
    assert missing.code == 2 and "there is no organisation 9999: `surveyapp orgs list` shows their ids" in missing.err
    assert counts(db) == before
    assert "Traceback" not in fife.text + duplicate.text + clash.text + missing.text


def test_users_create_applies_the_admin_pages_rules_and_writes_nothing_on_error(cli, db):
    before = counts(db)
    bad = cli("users", "create", "--email", "not-an-email", "--name", "Someone", "--role", "service_lead",
              "--area", "Fife", "--password-stdin", stdin="password\n")
    assert bad.code == 2
    assert "--email: Enter an email address in the correct format, like name@example.org" in bad.err
    assert "--organisation: Select at least one organisation for a service lead" in bad.err
    assert "--area: only a facilitator or commissioner covers areas" in bad.err
    common = cli("users", "create", "--email", "new.person@example.org", "--name", "New Person", "--role",
                 "facilitator", "--area", "Angus", "--password-stdin", stdin="password\n")
    assert common.code == 2 and "--password: That password is too common" in common.err
    fife = cli("users", "create", "--email", "new.person@example.org", "--name", "New Person", "--role",
               "commissioner", "--area", "Fife", "--password-stdin", stdin=PASSPHRASE + "\n")
    assert fife.code == 2 and "--area: Unknown area 'Fife'" in fife.err
    duplicate = cli("users", "create", "--email", "Facilitator@example.org", "--name", "Again", "--role",
                    "facilitator", "--area", "*", "--password-stdin", stdin=PASSPHRASE + "\n")
    assert duplicate.code == 2 and "There is already an account with this email address" in duplicate.err
    unknown_org = cli("users", "create", "--email", "lead.nowhere@example.org", "--name", "Lead", "--role",
                      "service_lead", "--organisation", "9999", "--password-stdin", stdin=PASSPHRASE + "\n")
    assert unknown_org.code == 2 and "There is no organisation 9999" in unknown_org.err
    assert counts(db) == before
    assert "Traceback" not in bad.text + common.text + duplicate.text + unknown_org.text


def test_users_create_with_password_stdin_can_sign_in(cli, db):
    org_id = db.execute("SELECT id FROM organisations ORDER BY id LIMIT 1").fetchone()[0]
    made = cli("users", "create", "--email", "scripted.lead@example.org", "--name", "Scripted Lead",
               "--role", "service_lead", "--organisation", str(org_id), "--password-stdin", stdin=PASSPHRASE + "\n")
    assert made.code == 0, made.err
    user_id = check_credentials(db, "scripted.lead@example.org", PASSPHRASE)
    assert user_id is not None
    assert db.execute("SELECT organisation_id FROM memberships WHERE user_id = ?", [user_id]).fetchall() == [(org_id,)]
    assert db.execute("SELECT action FROM audit_log WHERE detail LIKE ? AND client = 'command line'",
                      [f"user {user_id} %"]).fetchone() == ("user.created",)


def test_users_create_without_a_terminal_asks_for_password_stdin(cli, db):
    before = counts(db)
    run = cli("users", "create", "--email", "no.tty@example.org", "--name", "No Tty", "--role", "facilitator",
              "--area", "Angus", stdin="")
    assert run.code == 1 and "give --password-stdin" in run.err
    assert counts(db) == before


def test_users_invite_queues_a_link_and_disable_stops_sign_in(cli, db):
    invited = cli("users", "invite", "--email", "invited.commissioner@example.org", "--name", "Invited Person",
                  "--role", "commissioner", "--area", "Angus")
    assert invited.code == 0, invited.err
    body, kind = db.execute("SELECT body, kind FROM outbox WHERE to_address = ?",
                            ["invited.commissioner@example.org"]).fetchone()
    assert kind == "invitation" and "Hello Invited Person" in body and "/invitations/" in body
    assert db.execute("SELECT password_hash FROM users WHERE email = ?",
                      ["invited.commissioner@example.org"]).fetchone() == (None,)
    assert check_credentials(db, "commissioner@example.org", "tayside demo passphrase") is not None
    disabled = cli("users", "disable", "commissioner@example.org")
    assert disabled.code == 0 and "cannot sign in" in disabled.out
    assert check_credentials(db, "commissioner@example.org", "tayside demo passphrase") is None
    assert "already disabled" in cli("users", "disable", "commissioner@example.org").out
    unknown = cli("users", "disable", "nobody.here@example.org")
    assert unknown.code == 2 and "there is no account with the email nobody.here@example.org" in unknown.err


def test_users_list_as_table_and_json(cli):
    table = cli("users", "list")
    assert table.code == 0
    assert table.out.splitlines()[0].split()[:5] == ["id", "email", "name", "role", "active"]
    people = {p["email"]: p for p in json.loads(cli("users", "list", "--format", "json").out)}
    assert people["admin@example.org"]["role"] == "admin" and people["admin@example.org"]["active"] is True
