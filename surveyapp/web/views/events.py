"""Record audit events for the current request: who, from where, which organisation.

Every view that submits, reopens, exports or downloads calls record_event;
see docs/security.md for the actions in use. Never pass answer text.
"""
from __future__ import annotations

from flask import g, request

from surveyapp.accounts.audit import record
from surveyapp.storage.db import get_db


def record_event(action: str, organisation_id: int | None = None, detail: str = "", *,
                 user: dict | None = None, user_email: str | None = None) -> None:
    """Write an audit entry for the signed-in user (or the one given)."""
    user = user if user is not None else g.get("user")
    record(get_db(), action,
           user_id=user["id"] if user else None,
           user_email=user["email"] if user else user_email,
           organisation_id=organisation_id, detail=detail,
           client=request.remote_addr)
