"""Deliver the outbox: claim one message at a time, hand it to SMTP, record what happened.

Which side of the window we chose: a message is marked 'sending' (claimed)
before it goes to the server and 'sent' after the server accepts it. If the
sender is killed between the server's acceptance and the mark, the row stays
'sending'; after the lease it is marked failed with a note that it may have
been delivered, and is NOT sent again unless an administrator retries it.
So a message is delivered at most once by the sender itself; the worst case
is one message per killed sender needing a look, never a duplicate link in
someone's mailbox, and never a silent loss (the row says what happened).
Everything not yet claimed is untouched by a kill, because each message is
claimed just before it is sent, not a batch at a time.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass, field

from surveyapp.accounts import outbox
from surveyapp.accounts.smtp import (
    Connection,
    MailSettings,
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
    build_email,
)
from surveyapp.storage.timestamps import utc_now

BACKOFF_SECONDS = 60       # first retry after a minute, then 2, 4, 8 ... minutes, at most 6 hours
MAX_ATTEMPTS = 8           # about four hours of trying before a message is marked failed
LEASE = dt.timedelta(minutes=10)  # a claim older than this belongs to a sender that died


@dataclass
class PassResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0
    stopped: str | None = None  # why the pass stopped early: the server could not be used
    errors: list[str] = field(default_factory=list)


def sender_name() -> str:
    """Name this sender (host and process) for the claimed_by column."""
    return f"{socket.gethostname()}:{os.getpid()}"


def send_pending(db, settings: MailSettings, *, limit: int = 500, backoff_seconds: float = BACKOFF_SECONDS,
                 max_attempts: int = MAX_ATTEMPTS, lease: dt.timedelta = LEASE, now=utc_now,
                 connection: Connection | None = None) -> PassResult:
    """Send every message that is due, one at a time, and return what happened."""
    result = PassResult(released=outbox.release_stale(db, lease, now()))
    connection = connection or Connection(settings)
    sender, tried = sender_name(), set()
    try:
        for _ in range(limit):
            message = outbox.claim_next(db, sender, now(), skip=tried)
            if message is None:
                break
            tried.add(message["id"])  # a retry waits for the next pass, however short the backoff
            try:
                connection.send(build_email(settings, message))
            except PermanentFailure as exc:
                outbox.mark_failed(db, message["id"], f"Refused by the mail server: {exc}")
                result.failed += 1
                result.errors.append(f"message {message['id']}: {exc}")
            except ServerUnavailable as exc:
                # cannot connect or sign in: no message is at fault, so none is charged an attempt;
                # the pass stops and the next one tries the server again
                outbox.put_back(db, message, str(exc))
                result.stopped = str(exc)
                break
            except TemporaryFailure as exc:
                state = outbox.mark_retry(db, message, str(exc), base_seconds=backoff_seconds,
                                          max_attempts=max_attempts, now=now())
                result.failed += state == "failed"
                result.retrying += state == "queued"
                result.errors.append(f"message {message['id']}: {exc}")
            else:
                outbox.mark_sent(db, message["id"], now())
                result.sent += 1
    finally:
        connection.close()
    return result
