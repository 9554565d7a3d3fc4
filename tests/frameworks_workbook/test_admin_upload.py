"""Administrators upload a framework, see its errors with their cells, preview it, and publish a new version."""
from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup

from ..plan_helpers import client_as
from ..security_world import add_user
from .conftest import TEMPLATE, book_of, bytes_of, shipped_definition


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def versions(db) -> list[tuple]:
    return db.execute("SELECT key, content_hash FROM framework_versions ORDER BY key").fetchall()


@pytest.fixture
def admin(app, db):
    return client_as(app, db, add_user(db, "admin@example.org", "admin"))


def send(client, content: bytes, name: str):
    return client.post("/admin/frameworks/upload", data={"csrf_token": client.csrf,
                                                          "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_upload_preview_and_publish_the_template(admin, db):
    start = soup_of(admin.get("/admin/frameworks"))
    assert start.find(id="upload-framework")["href"] == "/admin/frameworks/upload"
    reply = send(admin, TEMPLATE.read_bytes(), "framework-template.xlsx")
    assert reply.status_code == 302
    preview = soup_of(admin.get(reply.location))
    assert preview.h1.get_text() == "Example self-assessment"
    tasks = [a.get_text() for a in preview.select("#preview-tasks a")]
    assert tasks == ["1. Leadership", "2. Staff"]
    assert ("example-framework@1",) not in [(k,) for k, _ in versions(db)]  # nothing published yet
    domain = soup_of(admin.get(preview.select("#preview-tasks a")[0]["href"]))
    assert domain.h1.get_text() == "1. Leadership"
    radios = domain.find_all("input", attrs={"name": "ex-1-1"})
    assert {"1", "2", "3", "4"} <= {r.get("value") for r in radios}
    assert not [f for f in domain.find_all("form") if f.find("input", attrs={"name": "ex-1-1"})]  # nothing to send
    form = preview.find(id="publish").find_parent("form")
    published = admin.post(form["action"], data={"csrf_token": admin.csrf})
    assert published.status_code == 302 and published.location.endswith("/admin/frameworks")
    assert "example-framework@1" in dict(versions(db))
    assert "Example self-assessment version 1 has been published" in admin.get("/admin/frameworks").get_data(as_text=True)
    # a round can now be opened on the published version
    from surveyapp.frameworks.registry import framework_for_round, latest_version_key
    round_id = db["rounds"].insert({"framework_key": latest_version_key(db, "example-framework"),
                                    "title": "Trial round"}).last_pk
    assert framework_for_round(db, round_id).indicator("ex-1-1").next_steps


def test_errors_are_listed_with_number_and_cell_and_nothing_is_published(admin, db):
    book = book_of({**shipped_definition(), "version": 9})
    book["indicators"].merge_cells("E3:F3")
    before = versions(db)
    reply = send(admin, bytes_of(book), "mat.xlsx")
    assert reply.status_code == 400
    page = soup_of(reply)
    assert page.title.get_text().startswith("Error:")
    assert "Nothing was published" in page.find(id="framework-errors").get_text()
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.select("tbody tr")]
    assert rows[0][:2] == ["E046", "indicators!E3"]
    assert versions(db) == before


def test_yaml_errors_give_their_line(admin, db):
    text = (TEMPLATE.with_suffix(".yaml")).read_text(encoding="utf-8").replace("scale: progress\n", "scale: maturty\n", 1)
    page = soup_of(send(admin, text.encode(), "example.yaml"))
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.select("tbody tr")]
    line = text.splitlines().index("        scale: maturty") + 1
    assert rows == [["E012", f"line {line}", "unknown scale 'maturty'"]]


def test_a_published_version_cannot_be_replaced(admin, db):
    send(admin, TEMPLATE.read_bytes(), "framework-template.xlsx")
    first = soup_of(admin.get("/admin/frameworks/uploads/1"))
    admin.post(first.find(id="publish").find_parent("form")["action"], data={"csrf_token": admin.csrf})
    before = versions(db)
    text = TEMPLATE.with_suffix(".yaml").read_text(encoding="utf-8").replace("title: Example self-assessment",
                                                                            "title: Another title")
    reply = send(admin, text.encode(), "changed.yaml")
    assert reply.status_code == 302
    page = soup_of(admin.get(reply.location))
    assert page.find(id="version-taken") and not page.find(id="publish")
    # publishing anyway (a stale page, a crafted request) is refused too
    refused = admin.post(reply.location + "/publish", data={"csrf_token": admin.csrf})
    assert "Nothing was published" in admin.get(refused.location).get_data(as_text=True)
    assert versions(db) == before


def test_only_administrators_may_upload_or_publish(app, db, admin):
    send(admin, TEMPLATE.read_bytes(), "framework-template.xlsx")
    facilitator = client_as(app, db, add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"]))
    assert facilitator.get("/admin/frameworks/upload").status_code == 403
    assert send(facilitator, TEMPLATE.read_bytes(), "t.xlsx").status_code == 403
    assert facilitator.get("/admin/frameworks/uploads/1").status_code == 403
    assert facilitator.post("/admin/frameworks/uploads/1/publish", data={"csrf_token": facilitator.csrf}).status_code == 403
    assert admin.post("/admin/frameworks/uploads/1/publish", data={}).status_code == 400  # no CSRF token
    assert "example-framework@1" not in dict(versions(db))
