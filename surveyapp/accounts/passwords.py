"""Password rules: long enough, not absurdly long, not a well-known password.

Following NIST SP 800-63B: at least 8 characters, any Unicode, spaces allowed,
no composition rules (they push people to Password1!), and a refusal list of
common passwords. Each rule is one small function; RULES lists them in order.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from surveyapp.storage.memo import Memo

MIN_LENGTH = 8
MAX_LENGTH = 1024  # scrypt takes any length; this only stops absurd requests
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
SERVICE_WORDS = ("tayside self-assessment", "tayside leadership self-assessment")


def normalise(password: str) -> str:
    """Return the password in NFKC form, so the same typed text always hashes alike."""
    return unicodedata.normalize("NFKC", password)


def _comparable(text: str) -> str:
    """Return text as compared with the refusal list: normalised, case-folded, trimmed."""
    return normalise(text).casefold().strip()


_COMMON = Memo(1, "common passwords")


def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords, read again only when the file changes."""
    stat = COMMON_PASSWORDS_FILE.stat()
    return _COMMON.get(COMMON_PASSWORDS_FILE, (stat.st_size, stat.st_mtime_ns), _read_common_passwords)


def _read_common_passwords() -> frozenset[str]:
    """Read the list of common passwords, compared as typed text is."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_comparable(line) for line in lines if line and not line.startswith("#"))


def too_short(password: str, email: str) -> str | None:
    """Refuse fewer than MIN_LENGTH characters (counted as Unicode code points)."""
    if len(normalise(password)) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    return None


def too_long(password: str, email: str) -> str | None:
    """Refuse more than MAX_LENGTH characters."""
    if len(normalise(password)) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH:,} characters or fewer"
    return None


def is_common(password: str, email: str) -> str | None:
    """Refuse a password on the common-passwords list, or one that is only spaces."""
    typed = _comparable(password)
    if not typed or typed in common_passwords():
        return "That password is too common and easy to guess. Choose a different one"
    return None


def matches_context(password: str, email: str) -> str | None:
    """Refuse the person's own email address, its name part, or the service's name."""
    typed = _comparable(password)
    email = _comparable(email or "")
    context = {email, email.partition("@")[0], *SERVICE_WORDS} - {""}
    if typed in context:
        return "Your password must not be your email address or the name of this service"
    return None


RULES = (too_short, too_long, is_common, matches_context)


def password_problem(password: str, email: str = "") -> str | None:
    """Return the first rule a password breaks, as a message for the form, or None."""
    for rule in RULES:
        message = rule(password or "", email)
        if message:
            return message
    return None
