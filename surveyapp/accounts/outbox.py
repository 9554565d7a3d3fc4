"""Outgoing messages: the outbox table is a durable delivery queue.

A message is written in the same transaction as the action that causes it, so
an invitation exists if and only if its message is queued. A sender
(accounts/delivery.py) claims one row at a time, hands it to the mail server
and marks it sent; with no mail server configured, messages wait here and an
administrator can read them and pass them on.

States: preparing (work queued by a request, not yet written: a reset
request), queued, sending (claimed by a sender), sent, failed, cancelled.
"""
from __future__ import annotations

import datetime as dt

from surveyapp.storage.db import first_row, write_transaction
from surveyapp.storage.timestamps import iso, utc_now

STATES = ("preparing", "queued", "sending", "sent", "failed", "cancelled")
UNCERTAIN = ("The sender stopped while handing this message to the mail server, so it may have been "
             "delivered. It is not sent again by itself: retry it if the person did not get it.")


def queue_message(db, to_address: str, subject: str, body: str, *, html: str | None = None,
                  kind: str = "message", now: dt.datetime | None = None) -> int:
    """Put a message in the outbox, ready to send; return its id."""
    return db.execute(
        "INSERT INTO outbox (to_address, subject, body, html, kind, state, created_at) "
        "VALUES (?, ?, ?, ?, ?, 'queued', ?)",
        [to_address, subject, body, html, kind, iso(now or utc_now())]).lastrowid


def queue_work(db, kind: str, to_address: str, base_url: str, now: dt.datetime | None = None) -> int:
    """Queue work that writes a message later (for any address, known or not); return its id."""
    return db.execute(
        "INSERT INTO outbox (to_address, subject, body, kind, state, base_url, created_at) "
        "VALUES (?, '', '', ?, 'preparing', ?, ?)",
        [to_address, kind, base_url, iso(now or utc_now())]).lastrowid


def next_work(db) -> dict | None:
    """Return the oldest work still to prepare; call inside a write transaction."""
    return first_row(db, "SELECT * FROM outbox WHERE state = 'preparing' ORDER BY id LIMIT 1")


def fill_message(db, message_id: int, subject: str, body: str, html: str | None) -> None:
    """Turn prepared work into a message ready to send."""
    db.execute("UPDATE outbox SET subject = ?, body = ?, html = ?, state = 'queued' WHERE id = ?",
               [subject, body, html, message_id])


def drop_work(db, message_id: int) -> None:
    """Remove work that turned out to need no message (no such account, too many requests)."""
    db.execute("DELETE FROM outbox WHERE id = ? AND state = 'preparing'", [message_id])


def claim_next(db, sender: str, now: dt.datetime | None = None, skip=()) -> dict | None:
    """Take the oldest message that is due, so no other sender can; return it or None.

    The check and the claim are one write transaction (BEGIN IMMEDIATE), so two
    senders, in any processes, never take the same row.
    """
    now = now or utc_now()
    skipped = ",".join(str(int(i)) for i in skip)  # messages this sender already tried in this pass
    with write_transaction(db):
        row = first_row(db, "SELECT * FROM outbox WHERE state = 'queued' AND "
                            "(next_attempt_at IS NULL OR next_attempt_at <= ?) "
                            f"AND id NOT IN ({skipped}) ORDER BY id LIMIT 1", [iso(now)])
        if row is None:
            return None
        db.execute("UPDATE outbox SET state = 'sending', claimed_at = ?, claimed_by = ?, attempts = attempts + 1 "
                   "WHERE id = ? AND state = 'queued'", [iso(now), sender, row["id"]])
    row["attempts"] += 1
    return row


def mark_sent(db, message_id: int, now: dt.datetime | None = None) -> None:
    """Record that the mail server accepted a message."""
    db.execute("UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
               [iso(now or utc_now()), message_id])


def mark_failed(db, message_id: int, error: str) -> None:
    """Stop trying a message: the server refused it for good, or it ran out of attempts."""
    db.execute("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", [error[:1000], message_id])


def backoff(attempts: int, base_seconds: float, cap_seconds: float = 6 * 3600) -> dt.timedelta:
    """Return the wait before the next attempt: base, 2 x base, 4 x base ..., at most the cap."""
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def mark_retry(db, message: dict, error: str, *, base_seconds: float, max_attempts: int,
               now: dt.datetime | None = None) -> str:
    """Put a message back in the queue after a temporary failure; return its new state."""
    if message["attempts"] >= max_attempts:
        mark_failed(db, message["id"], f"Gave up after {message['attempts']} attempts. Last error: {error}")
        return "failed"
    due = (now or utc_now()) + backoff(message["attempts"], base_seconds)
    db.execute("UPDATE outbox SET state = 'queued', last_error = ?, next_attempt_at = ?, claimed_at = NULL, "
               "claimed_by = NULL WHERE id = ?", [error[:1000], iso(due), message["id"]])
    return "queued"


def put_back(db, message: dict, error: str) -> None:
    """Return a claimed message to the queue untried: the server could not be used at all, which is
    not this message's fault, so it costs no attempt and no wait."""
    db.execute("UPDATE outbox SET state = 'queued', attempts = max(0, attempts - 1), last_error = ?, "
               "claimed_at = NULL, claimed_by = NULL WHERE id = ?", [error[:1000], message["id"]])


def release_stale(db, lease: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Mark failed the messages a sender claimed and never finished (it was killed); return how many.

    Such a message may already be in the person's mailbox, so it is not sent
    again by itself: an administrator reads the error and retries it by hand.
    """
    cutoff = iso((now or utc_now()) - lease)
    return db.execute("UPDATE outbox SET state = 'failed', last_error = ? WHERE state = 'sending' AND claimed_at < ?",
                      [UNCERTAIN, cutoff]).rowcount


def retry(db, message_id: int) -> bool:
    """Queue a failed or cancelled message again, at once; return False if it was in another state."""
    return db.execute("UPDATE outbox SET state = 'queued', next_attempt_at = NULL, claimed_at = NULL, "
                      "claimed_by = NULL WHERE id = ? AND state IN ('failed', 'cancelled')",
                      [message_id]).rowcount == 1


def cancel(db, message_id: int) -> bool:
    """Stop a queued or failed message from being sent; return False if it was in another state."""
    return db.execute("UPDATE outbox SET state = 'cancelled' WHERE id = ? AND state IN ('queued', 'failed')",
                      [message_id]).rowcount == 1


def counts(db) -> dict[str, int]:
    """Return how many messages are in each state."""
    found = dict(db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
    return {state: found.get(state, 0) for state in STATES}


def list_messages(db, state: str | None = None, limit: int = 200) -> list[dict]:
    """Return the newest messages first (optionally in one state), without their bodies."""
    where, params = ("WHERE state = ?", [state]) if state in STATES else ("WHERE state != 'preparing'", [])
    return list(db.query(
        f"SELECT id, to_address, subject, kind, state, attempts, last_error, created_at, sent_at, "
        f"next_attempt_at FROM outbox {where} ORDER BY id DESC LIMIT ?", [*params, limit]))


def get_message(db, message_id: int) -> dict | None:
    """Return one message with its body."""
    return first_row(db, "SELECT * FROM outbox WHERE id = ? AND state != 'preparing'", [message_id])
