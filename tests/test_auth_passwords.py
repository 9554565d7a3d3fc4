"""Password rules: 8 characters or more, any Unicode, no composition rules, common passwords refused."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from surveyapp.accounts.passwords import COMMON_PASSWORDS_FILE, MAX_LENGTH, common_passwords, password_problem
from surveyapp.accounts.users import check_credentials, create_user, hash_password, set_password_hash

from .security_world import ram_app

DOCS = Path(__file__).resolve().parent.parent / "docs" / "security.md"


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.mark.parametrize("password", [
    "eightchr",                                   # exactly 8, lower case only: no composition rules
    "purple otter drinks cold tea",               # a passphrase with spaces
    "ŝŵœŧ ħœmë",                                  # letters outside ASCII
    "パスワードは長いです",                           # 10 characters of Japanese
    "🐢🐢🐧🐧🦊🦊🐝🐝",                               # 8 emoji
    "a" * 10 + " " + "b" * 500,                   # very long, but allowed
    "x" * MAX_LENGTH,
])
def test_long_passphrases_and_any_unicode_are_accepted(password):
    assert password_problem(password, "someone@example.org") is None


@pytest.mark.parametrize("password, message", [
    ("", "8 characters or more"),
    ("seven77", "8 characters or more"),
    ("ŝŵœŧħœm", "8 characters or more"),            # 7 code points, however many bytes
    ("x" * (MAX_LENGTH + 1), "or fewer"),
    ("password", "too common"),
    ("Password123", "too common"),                # letter case does not help
    ("  qwertyuiop ", "too common"),              # nor surrounding spaces
    ("iloveyou2024", "too common"),
    ("Dundee2025!", "too common"),
    ("correct horse battery staple", "too common"),
    ("11111111", "too common"),
    ("        ", "too common"),                # only spaces
    ("someone@example.org", "email address"),
    ("SOMEONE", "8 characters or more"),
    ("someone.else", None),
])
def test_short_long_common_and_personal_passwords_are_refused(password, message):
    problem = password_problem(password, "someone.else.entirely@example.org" if message is None else "someone@example.org")
    if message is None:
        assert problem is None
    else:
        assert problem and message in problem


def test_the_email_name_part_is_refused():
    assert "email address" in password_problem("morven.lead", "Morven.Lead@example.org")


def test_the_common_password_list_is_shipped_and_its_size_documented():
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if line and not line.startswith("#")]
    assert len(entries) == len(common_passwords()) > 10_000
    assert all(len(e) >= 8 for e in entries), "shorter entries are refused for length anyway"
    header = "\n".join(line for line in lines if line.startswith("#"))
    assert f"{len(entries)} entries" in header
    documented = re.search(r"([\d,]+) entries", DOCS.read_text(encoding="utf-8"))
    assert documented and int(documented.group(1).replace(",", "")) == len(entries), \
        "docs/security.md must state the list's real size"


def test_the_same_password_typed_in_another_unicode_form_still_signs_in(app):
    from surveyapp.storage.db import connect

    composed = unicodedata.normalize("NFC", "café au lait, très chaud")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    db = connect(app.config["DATABASE"])
    user_id = create_user(db, "cafe@example.org", "Café Person", "service_lead")
    set_password_hash(db, user_id, hash_password(composed))
    assert check_credentials(db, "cafe@example.org", decomposed) == user_id
    assert check_credentials(db, "cafe@example.org", "café au lait, tres chaud") is None
    db.close()


def test_hashes_use_scrypt():
    assert hash_password("a long enough passphrase").startswith("scrypt:")
