"""People who use the app, their roles, organisations and areas."""
from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("service_lead", "facilitator", "commissioner", "admin")
ALL_AREAS = "*"  # a facilitator or commissioner who covers the whole of Tayside

# A stand-in hash so a sign-in for an unknown email costs the same time.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


def hash_password(password: str) -> str:
    """Hash a password with scrypt."""
    return generate_password_hash(password, method="scrypt")


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


def load_user(db, user_id: int) -> dict | None:
    """Return a user with `organisations` (ids) and `areas` filled in."""
    rows = list(db.query("SELECT * FROM users WHERE id = ? AND active = 1", [user_id]))
    if not rows:
        return None
    user = rows[0]
    user["organisations"] = frozenset(
        r[0] for r in db.execute("SELECT organisation_id FROM memberships WHERE user_id = ?", [user_id]))
    user["areas"] = frozenset(
        r[0] for r in db.execute("SELECT area FROM user_areas WHERE user_id = ?", [user_id]))
    return user


def user_id_by_email(db, email: str) -> int | None:
    """Return the id of the active user with this email (any letter case)."""
    row = db.execute("SELECT id FROM users WHERE email = ? AND active = 1", [email.strip()]).fetchone()
    return row[0] if row else None


def check_credentials(db, email: str, password: str) -> int | None:
    """Return the user id when email and password match, else None, in similar time."""
    row = db.execute(
        "SELECT id, password_hash FROM users WHERE email = ? AND active = 1", [email.strip()]).fetchone()
    if row is None or not row[1]:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return row[0] if check_password_hash(row[1], password) else None
