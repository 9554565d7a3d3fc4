"""Stored answers: drafts, page saves and submissions.

Every save and submission is one IMMEDIATE transaction, so a crash leaves
either the whole page or none of it, and concurrent writers wait their turn.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import NamedTuple

from surveyapp.frameworks.model import Domain, Framework
from surveyapp.storage.db import first_row, write_transaction

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class Answer(NamedTuple):
    """One stored answer. A named tuple, not a frozen dataclass: a response's check builds
    one per indicator, and a tuple is made in a third of the time."""

    value: float | None = None
    option: str | None = None
    text: str | None = None
    comment: str | None = None

    @property
    def is_blank(self) -> bool:
        """Return True when nothing was answered (a comment alone is not an answer)."""
        return self.value is None and not self.option and not self.text


BLANK = Answer()


class ResponseLocked(Exception):
    """The response has been submitted and can no longer change."""


class StaleSave(Exception):
    """The page was saved by someone else since this copy was loaded."""

    def __init__(self, current_version: int, changed: dict[str, Answer]):
        self.current_version = current_version
        self.changed = changed
        super().__init__("this page was changed by someone else since you opened it")


class Incomplete(Exception):
    """Some sections are not completed yet."""

    def __init__(self, domains: list[Domain]):
        self.domains = domains
        super().__init__("not every section is completed")


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def find_response(db, round_id: int, organisation_id: int, respondent: str) -> dict | None:
    """Return a respondent's response for an organisation in a round."""
    return first_row(db, "SELECT * FROM responses WHERE round_id = ? AND organisation_id = ? AND respondent = ?",
                     [round_id, organisation_id, respondent])


def get_response(db, response_id: int) -> dict | None:
    """Return one response by id."""
    return first_row(db, "SELECT * FROM responses WHERE id = ?", [response_id])


def start_response(db, round_id: int, organisation_id: int, respondent: str,
                   user_id: int | None = None) -> dict:
    """Return the respondent's draft, creating it if it does not exist yet."""
    with write_transaction(db):
        db.execute(
            "INSERT INTO responses (round_id, organisation_id, respondent, user_id) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (round_id, organisation_id, respondent) DO NOTHING",
            [round_id, organisation_id, respondent, user_id])
    return find_response(db, round_id, organisation_id, respondent)


def load_answers(db, response_id: int, domain_id: str | None = None) -> dict[str, Answer]:
    """Return the stored answers of a response, or of one of its domains, keyed by indicator id."""
    sql = "SELECT indicator_id, value, option, text, comment FROM answers WHERE response_id = ?"
    params = [response_id]
    if domain_id is not None:  # a domain page: a sixth of the rows, a sixth of the objects
        sql += " AND domain_id = ?"
        params.append(domain_id)
    return {row[0]: Answer(row[1], row[2], row[3], row[4]) for row in db.execute(sql, params)}


def domain_statuses(db, response_id: int) -> dict[str, str]:
    """Return each domain's status ('in_progress' or 'completed') for a response."""
    return dict(db.execute(
        "SELECT domain_id, status FROM domain_status WHERE response_id = ?", [response_id]).fetchall())


def missing_required(domain: Domain, answers: dict[str, Answer]) -> list[str]:
    """Return ids of required indicators in a domain that have no answer."""
    return [
        i.id for i in domain.indicators
        if (i.required and answers.get(i.id, BLANK).is_blank)
        or (i.evidence == "required" and not (answers.get(i.id, BLANK).comment or "").strip())
    ]


def save_domain(db, response_id: int, domain: Domain, answers: dict[str, Answer],
                base_version: int, completed: bool) -> int:
    """Replace a domain's answers in one transaction; return the new version.

    Raises ResponseLocked once submitted, and StaleSave when someone else
    saved since `base_version`, naming the answers that differ.
    """
    ids = [i.id for i in domain.indicators]
    with write_transaction(db):
        row = db.execute("SELECT status, version FROM responses WHERE id = ?", [response_id]).fetchone()
        if row is None or row[0] != "draft":
            raise ResponseLocked()
        if row[1] != base_version:
            stored = load_answers(db, response_id)
            changed = {
                i: stored.get(i, BLANK) for i in ids
                if stored.get(i, BLANK) != answers.get(i, BLANK)
            }
            raise StaleSave(row[1], changed)
        placeholders = ",".join("?" * len(ids))
        db.execute(
            f"DELETE FROM answers WHERE response_id = ? AND indicator_id IN ({placeholders})",
            [response_id, *ids])
        db.conn.executemany(
            "INSERT INTO answers (response_id, indicator_id, domain_id, value, option, text, comment) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (response_id, i, domain.id, a.value, a.option, a.text, a.comment)
                for i, a in answers.items() if i in ids and not (a.is_blank and not a.comment)
            ])
        db.execute(
            "INSERT INTO domain_status (response_id, domain_id, status) VALUES (?, ?, ?) "
            "ON CONFLICT (response_id, domain_id) DO UPDATE SET status = excluded.status",
            [response_id, domain.id, "completed" if completed else "in_progress"])
        new_version = row[1] + 1
        db.execute("UPDATE responses SET version = ?, updated_at = ? WHERE id = ?",
                   [new_version, _now(), response_id])
    return new_version


def incomplete_domains(db, framework: Framework, response_id: int) -> list[Domain]:
    """Return the domains that are not completed with every required answer."""
    statuses = domain_statuses(db, response_id)
    answers = load_answers(db, response_id)
    return [
        d for d in framework.domains
        if statuses.get(d.id) != "completed" or missing_required(d, answers)
    ]


def submit_response(db, framework: Framework, response_id: int,
                    on_submitted: Callable[[str], None] | None = None) -> str:
    """Submit a response and return its reference; a repeat returns the same one.

    `on_submitted(reference)` runs inside the transaction when this call is the
    one that submits, so what it writes (the audit entry) commits with it.
    """
    with write_transaction(db):
        row = db.execute(
            "SELECT status, reference FROM responses WHERE id = ?", [response_id]).fetchone()
        if row is None:
            raise LookupError(response_id)
        if row[0] == "submitted":
            return row[1]
        missing = incomplete_domains(db, framework, response_id)
        if missing:
            raise Incomplete(missing)
        reference = new_reference()
        db.execute(
            "UPDATE responses SET status = 'submitted', reference = ?, submitted_at = ?, "
            "updated_at = ?, version = version + 1 WHERE id = ?",
            [reference, _now(), _now(), response_id])
        if on_submitted is not None:
            on_submitted(reference)
    return reference


def new_reference() -> str:
    """Make a short, readable submission reference such as SA-7K3M-9QX2."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"SA-{chars[:4]}-{chars[4:]}"


def reopen_response(db, response_id: int, reopened_by: int | None = None, reason: str | None = None,
                    on_reopened: Callable[[], None] | None = None) -> None:
    """Return a submitted response to draft, recording who reopened it and why, in one transaction.

    on_reopened runs inside that transaction (the audit entry, the message to the respondent), so
    they exist if and only if the reopening does.
    """
    with write_transaction(db):
        changed = db.execute(
            "UPDATE responses SET status = 'draft', version = version + 1, updated_at = ? "
            "WHERE id = ? AND status = 'submitted'", [_now(), response_id]).rowcount
        if changed and reason is not None:
            db.execute("INSERT INTO reopenings (response_id, reopened_by, reason, reopened_at) VALUES (?, ?, ?, ?)",
                       [response_id, reopened_by, reason, _now()])
        if changed and on_reopened is not None:
            on_reopened()
