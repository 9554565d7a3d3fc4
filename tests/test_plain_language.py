"""Plain language outside the reports: dates as people write them, no product name, whole error messages
(issue 19, point 5)."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from surveyapp.frameworks.registry import get_framework, latest_version_key

from .conftest import csrf_token
from .security_world import add_user, ram_app, sign_in_directly, submit_all

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


def _main_text(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").find("main").get_text(" ", strip=True)


def test_an_error_message_quotes_a_long_question_whole(client, db, make_org, make_round):
    org = make_org()
    add_user(db, "lead@example.org", "service_lead", [org])
    round_id = make_round("adp-recovery-system")
    framework = get_framework(db, latest_version_key(db, "adp-recovery-system"))
    long_one = framework.indicator("adp-4-2")
    assert len(long_one.text) > 80  # longer than the old cut-off
    sign_in_directly(client, "lead@example.org")
    base = f"/rounds/{round_id}/organisations/{org}"
    task_list = client.get(base + "/").get_data(as_text=True)
    client.post(base + "/start", data={"csrf_token": csrf_token(task_list)})
    url = f"{base}/domains/adp-4"
    page = client.get(url).get_data(as_text=True)
    refused = client.post(url, data={"csrf_token": csrf_token(page), "action": "continue", "version": "1"})
    soup = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    messages = [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")]
    assert any(m.endswith(f"‘{long_one.text}’") for m in messages), messages
    assert not any("…" in m for m in messages)
    inline = soup.find(id=f"{long_one.id}-error").get_text(" ", strip=True)
    assert long_one.text in inline


def test_a_submitted_task_list_gives_the_date_in_words_and_no_product_name(client, db, make_org, make_round):
    org = make_org()
    lead = add_user(db, "lead@example.org", "service_lead", [org])
    round_id = make_round()
    framework = get_framework(db, latest_version_key(db, "strategic-planning"))
    response_id = submit_all(db, framework, round_id, org, "lead@example.org", lead)
    db.execute("UPDATE responses SET submitted_at = '2026-12-02T15:04:00Z' WHERE id = ?", [response_id])
    assert "surveyapp" in framework.adaptation  # the shipped file says it; the page must not
    sign_in_directly(client, "lead@example.org")
    text = _main_text(client.get(f"/rounds/{round_id}/organisations/{org}/"))
    assert "You submitted this self-assessment on 2 December 2026." in text
    assert "surveyapp" not in text and not ISO.search(text)


def test_record_pages_show_times_in_words(client, db):
    from surveyapp.accounts.audit import record
    from surveyapp.accounts.outbox import queue_message

    add_user(db, "admin@example.org", "admin")
    record(db, "sign_in.success", user_email="admin@example.org")
    message_id = queue_message(db, "someone@example.org", "A subject", "Body")
    sign_in_directly(client, "admin@example.org")
    for url in ("/admin/audit", "/admin/outbox", f"/admin/outbox/{message_id}", "/admin/frameworks"):
        text = _main_text(client.get(url))
        assert not ISO.search(text), (url, ISO.search(text))
        assert re.search(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}:\d{2}[ap]m UTC", text), url
