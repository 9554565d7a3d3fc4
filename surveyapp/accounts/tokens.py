"""Single-use, expiring, signed links: invitations and password resets.

A link carries a random token signed with the app's secret key. The database
keeps only the token's hash, with who it is for, when it expires and when it
was used; using it is one UPDATE that succeeds once, so a link works once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from surveyapp.storage.timestamps import iso, parse, utc_now

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"
# The defaults; the app may set others (INVITATION_DAYS, RESET_HOURS: see config.py)
LIFETIMES = {INVITATION: dt.timedelta(days=7), PASSWORD_RESET: dt.timedelta(hours=1)}
MAX_LINK_LENGTH = 200  # a real link is about 100 characters; refuse anything far longer unread


@dataclass(frozen=True)
class Token:
    id: int
    purpose: str
    email: str
    name: str | None
    user_id: int | None
    organisation_id: int | None
    created_by: int | None
    expires_at: str


class LinkProblem(Exception):
    """The link is not one we made, has expired or has been used."""

    def __init__(self, reason: str):
        self.reason = reason  # "invalid", "expired" or "used"
        super().__init__(reason)


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"surveyapp-{purpose}")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(db, secret: str, purpose: str, email: str, *, name: str | None = None,
                user_id: int | None = None, organisation_id: int | None = None,
                created_by: int | None = None, now: dt.datetime | None = None,
                lifetime: dt.timedelta | None = None) -> str:
    """Record a new link for email and return the signed text to put in its URL."""
    now = now or utc_now()
    lifetime = lifetime or LIFETIMES[purpose]
    raw = secrets.token_urlsafe(32)
    if purpose == PASSWORD_RESET:
        # only the newest reset link works: an older one lying in a mailbox is dead
        db.execute("UPDATE tokens SET used_at = ? WHERE purpose = ? AND email = ? AND used_at IS NULL",
                   [iso(now), purpose, email])
    db.execute(
        "INSERT INTO tokens (purpose, token_hash, email, name, user_id, organisation_id, created_by, "
        "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [purpose, _hash(raw), email, name, user_id, organisation_id, created_by,
         iso(now), iso(now + lifetime)])
    return _serializer(secret, purpose).dumps(raw)


def read_token(db, secret: str, purpose: str, signed: str, now: dt.datetime | None = None,
               lifetime: dt.timedelta | None = None) -> Token:
    """Return the token behind a link, or raise LinkProblem saying why not."""
    now = now or utc_now()
    lifetime = lifetime or LIFETIMES[purpose]
    if not signed or len(signed) > MAX_LINK_LENGTH:
        raise LinkProblem("invalid")
    try:
        raw = _serializer(secret, purpose).loads(
            signed, max_age=int(lifetime.total_seconds()))
    except SignatureExpired:
        raise LinkProblem("expired") from None
    except BadData:
        raise LinkProblem("invalid") from None
    if not isinstance(raw, str):
        raise LinkProblem("invalid")
    row = db.execute(
        "SELECT id, purpose, email, name, user_id, organisation_id, created_by, expires_at, used_at "
        "FROM tokens WHERE token_hash = ? AND purpose = ?", [_hash(raw), purpose]).fetchone()
    if row is None:
        raise LinkProblem("invalid")
    if row[8] is not None:
        raise LinkProblem("used")
    if parse(row[7]) <= now:
        raise LinkProblem("expired")
    return Token(*row[:8])


def use_token(db, token_id: int, now: dt.datetime | None = None) -> bool:
    """Mark a token used; return False when it was already used (a second, racing click)."""
    cursor = db.execute("UPDATE tokens SET used_at = ? WHERE id = ? AND used_at IS NULL",
                        [iso(now or utc_now()), token_id])
    return cursor.rowcount == 1


def end_links(db, user_id: int, email: str, now: dt.datetime | None = None) -> int:
    """Mark used every outstanding link for an account, of any purpose; return how many.

    Called when a password is set or reset: whatever else is lying in a mailbox
    (an invitation, an older reset link) stops working at that moment.
    """
    return db.execute("UPDATE tokens SET used_at = ? WHERE used_at IS NULL AND (user_id = ? OR email = ?)",
                      [iso(now or utc_now()), user_id, email]).rowcount


def recent_resets(db, email: str, hours: int = 1, now: dt.datetime | None = None) -> int:
    """Count reset links issued for an email in the last few hours."""
    since = iso((now or utc_now()) - dt.timedelta(hours=hours))
    return db.execute("SELECT count(*) FROM tokens WHERE purpose = ? AND email = ? AND created_at > ?",
                      [PASSWORD_RESET, email, since]).fetchone()[0]
