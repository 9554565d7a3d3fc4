"""People who use the app, their roles, organisations and areas."""
from __future__ import annotations

import json
import re

from werkzeug.security import check_password_hash, generate_password_hash

from surveyapp.accounts.organisations import AREAS
from surveyapp.accounts.passwords import normalise
from surveyapp.storage.db import first_row

ROLES = ("service_lead", "facilitator", "commissioner", "admin")
ROLE_NAMES = {
    "service_lead": "Service lead", "facilitator": "Facilitator",
    "commissioner": "Commissioner", "admin": "Administrator",
}
ALL_AREAS = "*"  # a facilitator or commissioner who covers the whole of Tayside

# A stand-in hash so a sign-in for an unknown email costs the same time.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")

MAX_EMAIL = 254
# Deliberately loose: one @, something either side, a dot in the domain; no spaces,
# control or direction-changing characters, nor the punctuation of quoted addresses.
# The emailed link proves the address; a pattern cannot.
_NOT_IN_EMAIL = r"@\s\x00-\x1f\x7f<>()\[\]\\,;:\"\u200e\u200f\u202a-\u202e\u2066-\u2069"
_EMAIL = re.compile(rf"[^{_NOT_IN_EMAIL}]+@[^{_NOT_IN_EMAIL}]+\.[^{_NOT_IN_EMAIL}.]+")


def looks_like_email(text: str) -> bool:
    """Return True when text could be an email address."""
    return len(text) <= MAX_EMAIL and bool(_EMAIL.fullmatch(text))


MAX_NAME = 200


# The rules for a new account, one per function, shared by the admin pages and the command line.
# Each returns the sentence to show, or None.

def email_problem(db, email: str) -> str | None:
    """Refuse a malformed email, or one that already has an account."""
    if not looks_like_email((email or "").strip()):
        return "Enter an email address in the correct format, like name@example.org"
    if account_id_by_email(db, email):
        return "There is already an account with this email address"
    return None


def name_problem(name: str) -> str | None:
    """Refuse an empty or over-long full name."""
    if not (name or "").strip():
        return "Enter their full name"
    if len(name.strip()) > MAX_NAME:
        return f"Name must be {MAX_NAME} characters or fewer"
    return None


def organisations_problem(db, role: str, organisation_ids, kept=()) -> str | None:
    """A service lead needs at least one organisation, each one known and not archived (unless already kept)."""
    if role != "service_lead":
        return None
    if not organisation_ids:
        return "Select at least one organisation for a service lead"
    for organisation_id in organisation_ids:
        row = db.execute("SELECT archived_at FROM organisations WHERE id = ?", [organisation_id]).fetchone()
        if row is None:
            return f"There is no organisation {organisation_id}"
        if row[0] and organisation_id not in kept:
            return f"Organisation {organisation_id} is archived"
    return None


def areas_problem(role: str, areas) -> str | None:
    """A facilitator or commissioner needs at least one area, each one known."""
    if role not in ("facilitator", "commissioner"):
        return None
    if not areas:
        return "Select at least one area for a facilitator or commissioner"
    for area in areas:
        if area != ALL_AREAS and area not in AREAS:
            return f"Unknown area '{area}' (use one of: {', '.join(AREAS)}, or * for all of Tayside)"
    return None


def hash_password(password: str) -> str:
    """Hash a password, normalised to NFKC, with scrypt."""
    return generate_password_hash(normalise(password), method="scrypt")


def create_user(db, email: str, name: str, role: str, password: str | None = None,
                organisations=(), areas=()) -> int:
    """Create a user with memberships and areas; return the id."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user_id = db.execute(
        "INSERT INTO users (email, name, role, password_hash) VALUES (?, ?, ?, ?)",
        [email.strip(), name.strip(), role, hash_password(password) if password else None]).lastrowid
    for organisation_id in organisations:
        db.execute("INSERT OR IGNORE INTO memberships (user_id, organisation_id) VALUES (?, ?)",
                   [user_id, organisation_id])
    for area in areas:
        db.execute("INSERT OR IGNORE INTO user_areas (user_id, area) VALUES (?, ?)", [user_id, area])
    return user_id


# One query, not three: every signed-in request loads its user (with its session: sessions.py).
ACCESS_COLUMNS = (
    "(SELECT json_group_array(organisation_id) FROM memberships WHERE user_id = users.id) AS organisations, "
    "(SELECT json_group_array(area) FROM user_areas WHERE user_id = users.id) AS areas"
)
USER_SQL = f"SELECT users.*, {ACCESS_COLUMNS} FROM users WHERE id = ?"


def _with_access(user: dict) -> dict:
    """Turn a row's `organisations` and `areas` (JSON arrays) into frozensets."""
    user["organisations"] = frozenset(json.loads(user["organisations"]))
    user["areas"] = frozenset(json.loads(user["areas"]))
    return user


def signed_in_user(row: dict) -> dict:
    """Return the user a row of USER_SQL's columns describes, as g.user holds it."""
    user = _with_access(row)
    user.pop("password_hash")  # g.user reaches templates; the hash has no business there
    return user


def load_user(db, user_id: int) -> dict | None:
    """Return an active user with `organisations` (ids) and `areas` filled in."""
    user = first_row(db, USER_SQL + " AND active = 1", [user_id])
    return None if user is None else signed_in_user(user)


def user_id_by_email(db, email: str) -> int | None:
    """Return the id of the active user with this email (any letter case)."""
    row = db.execute("SELECT id FROM users WHERE email = ? AND active = 1", [email.strip()]).fetchone()
    return row[0] if row else None


def check_credentials(db, email: str, password: str) -> int | None:
    """Return the user id when email and password match, else None, in similar time."""
    if "@" not in email:
        return None  # no account has such an email, so answering at once says nothing about accounts
    row = db.execute(
        "SELECT id, password_hash FROM users WHERE email = ? AND active = 1", [email.strip()]).fetchone()
    if row is None or not row[1]:
        check_password_hash(_DUMMY_HASH, normalise(password))
        return None
    return row[0] if check_password_hash(row[1], normalise(password)) else None


def account_id_by_email(db, email: str) -> int | None:
    """Return the id of any user, active or not, with this email."""
    row = db.execute("SELECT id FROM users WHERE email = ?", [email.strip()]).fetchone()
    return row[0] if row else None


def get_user(db, user_id: int) -> dict | None:
    """Return one user, active or not, with organisations and areas, without the hash."""
    user = first_row(db, USER_SQL, [user_id])
    if user is not None:
        _with_access(user)
        user["has_password"] = bool(user.pop("password_hash"))
    return user


def list_users(db) -> list[dict]:
    """Return every user with their organisations' names and areas, for the admin list."""
    return list(db.query(
        """
        SELECT users.id, users.email, users.name, users.role, users.active,
               users.password_hash IS NOT NULL AS has_password,
               (SELECT group_concat(name, '; ') FROM organisations JOIN memberships
                  ON memberships.organisation_id = organisations.id
                 WHERE memberships.user_id = users.id) AS organisations,
               (SELECT group_concat(area, '; ') FROM user_areas
                 WHERE user_areas.user_id = users.id) AS areas
          FROM users ORDER BY users.role, users.email
        """))


def set_password_hash(db, user_id: int, password_hash: str) -> None:
    """Store a new password hash (from hash_password, computed outside any transaction)."""
    db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])


def set_active(db, user_id: int, active: bool) -> None:
    """Activate or deactivate a user; a deactivated user cannot sign in."""
    db.execute("UPDATE users SET active = ? WHERE id = ?", [1 if active else 0, user_id])


def add_membership(db, user_id: int, organisation_id: int) -> None:
    """Make a service lead a member of an organisation."""
    db.execute("INSERT OR IGNORE INTO memberships (user_id, organisation_id) VALUES (?, ?)",
               [user_id, organisation_id])


def set_memberships(db, user_id: int, organisation_ids) -> None:
    """Replace a user's organisations."""
    db.execute("DELETE FROM memberships WHERE user_id = ?", [user_id])
    for organisation_id in organisation_ids:
        add_membership(db, user_id, organisation_id)


def set_areas(db, user_id: int, areas) -> None:
    """Replace the areas a facilitator or commissioner covers."""
    db.execute("DELETE FROM user_areas WHERE user_id = ?", [user_id])
    for area in areas:
        db.execute("INSERT OR IGNORE INTO user_areas (user_id, area) VALUES (?, ?)", [user_id, area])
