"""Signed-in sessions kept on the server, so signing out really ends them.

The browser's cookie carries only a random session id. The database keeps a
hash of it with the user and the times, so a session can be ended (sign-out,
time-out, deactivation, password change) and a copied cookie stops working.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from .timestamps import iso, parse, utc_now

IDLE_MINUTES = 60        # a long domain page can take a while to write
ABSOLUTE_HOURS = 12      # one working day, then sign in again
TOUCH_SECONDS = 60       # write last_seen_at at most this often, not on every request


@dataclass(frozen=True)
class SessionState:
    user_id: int | None = None            # the signed-in user, when the session is live
    timed_out_user_id: int | None = None  # whose session has just timed out, if that is why not


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(db, user_id: int, now: dt.datetime | None = None) -> str:
    """Start a session for a user; return the id to put in the cookie."""
    token = secrets.token_urlsafe(32)
    moment = iso(now or utc_now())
    db.execute("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
               [_hash(token), user_id, moment, moment])
    return token


def check_session(db, token: str, idle_minutes: int = IDLE_MINUTES,
                  absolute_hours: int = ABSOLUTE_HOURS, now: dt.datetime | None = None) -> SessionState:
    """Return who a session belongs to, ending it when it has timed out."""
    now = now or utc_now()
    row = db.execute("SELECT user_id, created_at, last_seen_at, ended_at FROM sessions WHERE id_hash = ?",
                     [_hash(token)]).fetchone()
    if row is None or row[3] is not None:
        return SessionState()
    user_id, created, last_seen = row[0], parse(row[1]), parse(row[2])
    reason = ("absolute" if now - created > dt.timedelta(hours=absolute_hours)
              else "idle" if now - last_seen > dt.timedelta(minutes=idle_minutes) else None)
    if reason:
        end_session(db, token, reason, now)
        return SessionState(timed_out_user_id=user_id)
    if now - last_seen > dt.timedelta(seconds=TOUCH_SECONDS):
        db.execute("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", [iso(now), _hash(token)])
    return SessionState(user_id=user_id)


def end_session(db, token: str, reason: str, now: dt.datetime | None = None) -> None:
    """End one session; its cookie no longer signs anyone in."""
    db.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id_hash = ? AND ended_at IS NULL",
               [iso(now or utc_now()), reason, _hash(token)])


def end_user_sessions(db, user_id: int, reason: str) -> None:
    """End every live session of a user, e.g. after a password change or deactivation."""
    db.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE user_id = ? AND ended_at IS NULL",
               [iso(utc_now()), reason, user_id])


def purge_old_sessions(db, keep_days: int = 30) -> None:
    """Delete ended or long-expired sessions older than keep_days."""
    cutoff = iso(utc_now() - dt.timedelta(days=keep_days))
    db.execute("DELETE FROM sessions WHERE last_seen_at < ?", [cutoff])
