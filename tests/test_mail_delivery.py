"""Delivery of the outbox to a real SMTP server on 127.0.0.1: content, refusals, outages, races, kills."""
from __future__ import annotations

import datetime as dt
import re
import threading

import pytest

from surveyapp.accounts import outbox
from surveyapp.accounts.delivery import send_pending
from surveyapp.accounts.smtp import MailSettings
from surveyapp.storage.db import connect

from .conftest import csrf_token
from .security_world import add_user, make_app, sign_in_directly
from .smtp_server import SmtpServer, free_port, smtp_server  # noqa: F401 (a fixture)

FROM, REPLY_TO = "surveys@tayside.example.org", "help@tayside.example.org"


def mail_app(tmp_path, port, **config):
    settings = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": "none", "MAIL_FROM": FROM,
                "MAIL_REPLY_TO": REPLY_TO, "MAIL_BACKOFF_SECONDS": 0,
                "MAIL_ORGANISATION": "Tayside Leadership Partnership (fictional)"}
    return make_app(tmp_path, **{**settings, **config})


@pytest.fixture
def app(tmp_path, smtp_server):
    return mail_app(tmp_path, smtp_server.port)


@pytest.fixture
def people(db, make_org, make_round):
    dundee = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"], name="Fiona Facilitator")
    add_user(db, "admin@example.org", "admin")
    lead = add_user(db, "lead@example.org", "service_lead", organisations=[], name="Lee Lead")
    round_id = make_round(title="Spring 2027 round", closes_on="2027-05-31")
    return {"dundee": dundee, "lead": lead, "round": round_id}


def send(app) -> str:
    """Run `surveyapp mail send` once; return what it printed."""
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def parts(message) -> tuple[str, str]:
    """Return the plain-text and HTML parts of a delivered message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def facilitator(app):
    client = app.test_client()
    sign_in_directly(client, "fac@example.org")
    return client


def invite(client, org_id, email, name="New Lead"):
    return client.post("/facilitate/invite", data={
        "organisation": str(org_id), "email": email, "name": name,
        "csrf_token": csrf_token(client.get("/facilitate/invite").get_data(as_text=True))})


def states(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT state FROM outbox ORDER BY id")]


def test_an_invitation_is_delivered_with_both_parts_and_nothing_sensitive_in_the_subject(app, db, people,
                                                                                        smtp_server):
    assert invite(facilitator(app), people["dundee"], "new.lead@example.org").status_code == 302
    assert "sent 1" in send(app)
    (message,) = smtp_server.messages
    assert message["To"] == "new.lead@example.org" and message["From"] == FROM and message["Reply-To"] == REPLY_TO
    assert message["Subject"] == "You are invited to the Tayside self-assessment service"
    text, html = parts(message)
    link = re.search(r"http://localhost/invitations/\S+", text).group(0)
    assert link in html
    for words in ("Alpha Harbour Recovery Service", "Fiona Facilitator", "7 days", "Spring 2027 round",
                  "Strategic", "Tayside Leadership Partnership (fictional)"):
        assert words in text and words in html, words
    assert "invitations" not in message["Subject"] and "Alpha" not in message["Subject"]
    assert states(db) == ["sent"]
    assert db.execute("SELECT sent_at IS NOT NULL, attempts FROM outbox").fetchone() == (1, 1)


def test_an_existing_account_is_told_to_sign_in(app, db, people, smtp_server):
    invite(facilitator(app), people["dundee"], "lead@example.org")
    send(app)
    (message,) = smtp_server.messages
    text, html = parts(message)
    assert "http://localhost/sign-in" in text and "/invitations/" not in text + html
    assert "Alpha Harbour Recovery Service" in html


def test_a_password_reset_is_delivered_with_its_expiry_in_words(app, db, people, smtp_server):
    client = app.test_client()
    page = client.get("/password-reset").get_data(as_text=True)
    client.post("/password-reset", data={"email": "lead@example.org", "csrf_token": csrf_token(page)})
    client.post("/password-reset", data={"email": "nobody@example.org", "csrf_token": csrf_token(page)})
    assert "sent 1" in send(app), "the sender prepares queued reset requests itself"
    (message,) = smtp_server.messages
    assert message["To"] == "lead@example.org"
    text, html = parts(message)
    assert re.search(r"http://localhost/password-reset/\S+", text) and "1 hour" in text and "1 hour" in html
    assert "password-reset/" not in message["Subject"]


def test_a_reopened_response_tells_the_respondent(app, db, people, smtp_server):
    from surveyapp.assessments.responses import start_response

    db.execute("INSERT INTO memberships (user_id, organisation_id) VALUES (?, ?)", [people["lead"], people["dundee"]])
    response = start_response(db, people["round"], people["dundee"], "lead@example.org", people["lead"])
    db.execute("UPDATE responses SET status = 'submitted', submitted_at = '2027-03-01T10:00:00Z', "
               "reference = 'REF-1' WHERE id = ?", [response["id"]])
    client = facilitator(app)
    url = f"/facilitate/responses/{response['id']}/reopen"
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={"reason": "Please add evidence\nfor domain 2",
                                  "csrf_token": csrf_token(page)}).status_code == 302
    send(app)
    (message,) = smtp_server.messages
    text, html = parts(message)
    assert "Spring 2027 round" in text and "Please add evidence" in html and "for domain 2" in text


def queue(db, count, start=0):
    return [outbox.queue_message(db, f"person{i}@example.org", "Hello", f"Message {i}") for i in
            range(start, start + count)]


def test_a_temporary_refusal_is_retried_and_then_delivered(app, db, smtp_server):
    (message_id,) = queue(db, 1)
    smtp_server.recorder.refuse = ["451 4.3.0 Try again later"]
    assert "retrying later 1" in send(app)
    row = outbox.get_message(db, message_id)
    assert (row["state"], row["attempts"]) == ("queued", 1) and row["last_error"].startswith("451")
    assert "sent 1" in send(app)
    assert outbox.get_message(db, message_id)["state"] == "sent" and len(smtp_server.messages) == 1


def test_retries_wait_longer_each_time(tmp_path, smtp_server):
    app = mail_app(tmp_path, smtp_server.port, MAIL_BACKOFF_SECONDS=60)
    db = connect(app.config["DATABASE"])
    (message_id,) = queue(db, 1)
    settings = MailSettings("127.0.0.1", smtp_server.port, "none", mail_from=FROM)
    start = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    waits = []
    for attempt in range(3):
        smtp_server.recorder.refuse = ["421 busy"]
        due = outbox.get_message(db, message_id)["next_attempt_at"]
        now = dt.datetime.fromisoformat(due) if due else start
        send_pending(db, settings, backoff_seconds=60, now=lambda now=now: now)
        waits.append(dt.datetime.fromisoformat(outbox.get_message(db, message_id)["next_attempt_at"]) - now)
        assert attempt + 1 == outbox.get_message(db, message_id)["attempts"]
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    assert send_pending(db, settings, now=lambda: start).sent == 0, "not due yet: left alone"


def test_a_permanent_refusal_marks_the_message_failed_and_it_is_not_tried_again(app, db, smtp_server):
    failing, _fine = queue(db, 2)
    smtp_server.recorder.refuse = ["550 5.1.1 No such user here"]
    output = send(app)
    assert "sent 1" in output and "failed 1" in output
    row = outbox.get_message(db, failing)
    assert row["state"] == "failed" and "550" in row["last_error"] and row["attempts"] == 1
    send(app)
    assert outbox.get_message(db, failing)["attempts"] == 1 and len(smtp_server.messages) == 1


def test_with_the_server_down_messages_wait_and_go_when_it_returns(tmp_path):
    port = free_port()
    app = mail_app(tmp_path, port)
    db = connect(app.config["DATABASE"])
    ids = queue(db, 3)
    output = send(app)
    assert "stopped: Cannot use the mail server" in output and "sent 0" in output
    assert states(db) == ["queued"] * 3, "nothing lost, nothing marked failed"
    assert [outbox.get_message(db, i)["attempts"] for i in ids] == [0, 0, 0], "an outage costs no attempts"
    assert "Cannot use the mail server" in outbox.get_message(db, ids[0])["last_error"]
    assert "stopped" in send(app), "a second pass during the outage tries the server again"
    server = SmtpServer(port).start()
    try:
        assert "sent 3" in send(app)
        assert sorted(m["To"] for m in server.messages) == sorted(f"person{i}@example.org" for i in range(3))
        assert all(outbox.get_message(db, i)["state"] == "sent" for i in ids)
    finally:
        server.stop()


def test_two_senders_at_once_never_send_a_message_twice(app, db, smtp_server):
    queue(db, 40)
    settings = MailSettings("127.0.0.1", smtp_server.port, "none", mail_from=FROM)
    results, barrier = [], threading.Barrier(2)

    def run():
        own = connect(app.config["DATABASE"])
        barrier.wait()
        results.append(send_pending(own, settings))
        own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert sum(r.sent for r in results) == 40 and all(r.sent for r in results), "both senders did some"
    assert states(db) == ["sent"] * 40


def test_a_sender_killed_after_the_server_accepted_does_not_send_again(app, db, smtp_server):
    ids = queue(db, 3)
    settings = MailSettings("127.0.0.1", smtp_server.port, "none", mail_from=FROM)
    claimed = outbox.claim_next(db, "a sender that is then killed")
    assert claimed["id"] == ids[0]  # ...and say it reached the server before the kill
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)  # past the ten-minute lease
    result = send_pending(db, settings, now=lambda: later)
    assert (result.sent, result.released) == (2, 1)
    row = outbox.get_message(db, ids[0])
    assert row["state"] == "failed" and "may have been delivered" in row["last_error"]
    assert sorted(m["To"] for m in smtp_server.messages) == ["person1@example.org", "person2@example.org"]
    assert outbox.retry(db, ids[0]) and send_pending(db, settings).sent == 1, "an administrator can send it again"


def test_a_fresh_claim_is_left_alone_by_a_second_sender(app, db, smtp_server):
    (message_id,) = queue(db, 1)
    settings = MailSettings("127.0.0.1", smtp_server.port, "none", mail_from=FROM)
    outbox.claim_next(db, "a slow sender")
    assert send_pending(db, settings).sent == 0
    assert outbox.get_message(db, message_id)["state"] == "sending" and smtp_server.messages == []


def test_with_no_mail_server_nothing_is_sent_and_the_command_says_so(tmp_path):
    app = make_app(tmp_path)
    db = connect(app.config["DATABASE"])
    queue(db, 2)
    assert "No mail server is configured" in send(app) and "2 queued" in send(app)
    assert states(db) == ["queued", "queued"]


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(app, db, smtp_server):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    ids = queue(db, 12)
    smtp_server.recorder.delay = 0.15
    env = {**os.environ, "SURVEYAPP_DATABASE": app.config["DATABASE"], "SURVEYAPP_SECRET_KEY": "test-secret-key",
           "SURVEYAPP_SMTP_HOST": "127.0.0.1", "SURVEYAPP_SMTP_PORT": str(smtp_server.port),
           "SURVEYAPP_SMTP_SECURITY": "none", "SURVEYAPP_MAIL_FROM": FROM}
    worker = subprocess.Popen([str(Path(sys.executable).with_name("surveyapp")), "mail", "worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(smtp_server.messages) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.05)  # inside the server's pause: the message is taken, the 250 not yet read
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    delivered_before = len(smtp_server.messages)
    assert 4 <= delivered_before < 12, "killed mid-batch"
    in_flight = [r[0] for r in db.execute("SELECT id FROM outbox WHERE state = 'sending'")]
    assert len(in_flight) <= 1, "one message at a time is claimed"

    smtp_server.recorder.delay = 0
    settings = MailSettings("127.0.0.1", smtp_server.port, "none", mail_from=FROM)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
    result = send_pending(db, settings, now=lambda: later)
    assert result.released == len(in_flight)
    message_ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(message_ids) == len(set(message_ids)), "nothing delivered twice"
    rows = {i: outbox.get_message(db, i) for i in ids}
    assert all(r["state"] in ("sent", "failed") for r in rows.values()), "nothing lost: every row says what happened"
    uncertain = [i for i, r in rows.items() if r["state"] == "failed"]
    assert uncertain == in_flight and all("may have been delivered" in rows[i]["last_error"] for i in uncertain)
    received = [m["To"] for m in smtp_server.messages]
    for row in rows.values():  # sent: exactly once; the one in the window: once (taken) or not at all
        assert received.count(row["to_address"]) == 1 or (row["state"] == "failed"
                                                          and received.count(row["to_address"]) == 0)


def test_names_are_escaped_in_the_html_part_and_headers_cannot_be_injected(app, db, people, smtp_server):
    response = invite(facilitator(app), people["dundee"], "new.lead@example.org", name="<b>Bold</b> Name")
    assert response.status_code == 302
    bad = invite(facilitator(app), people["dundee"], "x@example.org\r\nBcc: victim@example.org")
    assert bad.status_code == 400
    send(app)
    (message,) = smtp_server.messages
    text, html = parts(message)
    assert "&lt;b&gt;Bold&lt;/b&gt; Name" in html and "<b>Bold</b>" not in html and "<b>Bold</b> Name" in text
    assert message["Bcc"] is None
