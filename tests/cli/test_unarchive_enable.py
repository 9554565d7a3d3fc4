"""`orgs unarchive` and `users enable` undo `orgs archive` and `users disable`; the admin page marks archived ones."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from surveyapp.storage.db import connect
from tests.cli.test_people import PASSPHRASE
from tests.conftest import PROJECT, copy_database
from tests.security_world import add_user, sign_in_directly


@pytest.fixture
def db(demo_database):
    conn = connect(demo_database)
    yield conn
    conn.close()


def test_an_archived_organisation_comes_back(cli, db):
    org_id = int(cli("orgs", "create", "Glen Isla Walkers (fictional)", "--area", "Angus",
                     "--sector", "Third sector").out)
    assert cli("orgs", "archive", str(org_id)).code == 0
    back = cli("orgs", "unarchive", str(org_id))
    assert back.code == 0 and f"Brought back Glen Isla Walkers (fictional) (organisation {org_id})" in back.out
    assert "Glen Isla Walkers" in cli("orgs", "list").out
    assert cli("orgs", "unarchive", str(org_id)).out == "Glen Isla Walkers (fictional) is not archived.\n"
    lead = cli("users", "create", "--email", "walker.lead@example.org", "--name", "A Walker", "--role",
               "service_lead", "--organisation", str(org_id), "--password-stdin", stdin=PASSPHRASE + "\n")
    assert lead.code == 0, lead.err  # offered again for new people
    missing = cli("orgs", "unarchive", "99999")
    assert missing.code == 2 and "there is no organisation 99999" in missing.err
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'organisation.unarchived'").fetchone()[0] == 1


def test_a_disabled_person_is_enabled_again(cli, db):
    email = "comeback@example.org"
    assert cli("users", "create", "--email", email, "--name", "Come Back", "--role", "admin",
               "--password-stdin", stdin=PASSPHRASE + "\n").code == 0
    assert cli("users", "disable", email).code == 0
    enabled = cli("users", "enable", email.upper())
    assert enabled.code == 0 and f"Enabled {email}" in enabled.out
    [person] = [u for u in json.loads(cli("users", "list", "--format", "json").out) if u["email"] == email]
    assert person["active"] is True
    assert cli("users", "enable", email).out == f"{email} can already sign in.\n"
    unknown = cli("users", "enable", "nobody@example.org")
    assert unknown.code == 2 and "there is no account with the email nobody@example.org" in unknown.err


def test_the_admin_organisations_page_tags_archived_ones(tmp_path, demo_database, cli, db):
    org_id = int(cli("orgs", "create", "Kirriemuir Tea Club (fictional)", "--area", "Angus",
                     "--sector", "Third sector").out)
    assert cli("orgs", "archive", str(org_id)).code == 0
    path = tmp_path / "copy.sqlite"
    copy_database(demo_database, path)
    from surveyapp import create_app
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "k",
                      "FRAMEWORKS_DIR": str(PROJECT / "frameworks")})
    copy = connect(path)
    add_user(copy, "tag.admin@example.org", "admin")
    copy.close()
    client = app.test_client()
    sign_in_directly(client, "tag.admin@example.org")
    soup = BeautifulSoup(client.get("/admin/organisations").get_data(as_text=True), "html.parser")
    rows = {r.td.get_text(" ", strip=True): r for r in soup.select("tbody tr")}
    assert rows["Kirriemuir Tea Club (fictional) Archived"].select_one("strong.govuk-tag")
    assert not any(r.select_one(".govuk-tag") for name, r in rows.items() if "Kirriemuir" not in name)
