"""Refuse sign-in for a while after repeated failures, by email and by client.

Failures are counted for the email as typed, whether or not anyone has it,
so a locked-out reply says nothing about which addresses have accounts.
"""
from __future__ import annotations

import datetime as dt

from surveyapp.storage.timestamps import iso, utc_now

WINDOW_MINUTES = 15
MAX_PER_EMAIL = 5      # then that email is refused for up to WINDOW_MINUTES
MAX_PER_CLIENT = 50    # one address trying many emails (shared offices stay well under this)


def _key(email: str) -> str:
    return (email or "").strip().casefold()[:320]


def is_locked(db, email: str, client: str, now: dt.datetime | None = None) -> bool:
    """Return True when this email or this client has failed too often recently."""
    since = iso((now or utc_now()) - dt.timedelta(minutes=WINDOW_MINUTES))
    by_email = db.execute("SELECT count(*) FROM sign_in_failures WHERE email = ? AND failed_at > ?",
                          [_key(email), since]).fetchone()[0]
    by_client = db.execute("SELECT count(*) FROM sign_in_failures WHERE client = ? AND failed_at > ?",
                           [client, since]).fetchone()[0]
    return by_email >= MAX_PER_EMAIL or by_client >= MAX_PER_CLIENT


def record_failure(db, email: str, client: str, now: dt.datetime | None = None) -> None:
    """Count one failed sign-in, and forget failures older than a day."""
    now = now or utc_now()
    db.execute("INSERT INTO sign_in_failures (email, client, failed_at) VALUES (?, ?, ?)",
               [_key(email), client, iso(now)])
    db.execute("DELETE FROM sign_in_failures WHERE failed_at < ?", [iso(now - dt.timedelta(days=1))])


def clear_failures(db, email: str) -> None:
    """Forget an email's failures once its owner has signed in or reset the password."""
    db.execute("DELETE FROM sign_in_failures WHERE email = ?", [_key(email)])
