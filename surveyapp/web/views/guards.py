"""Decorators and lookups that every view uses to refuse what it must."""
from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, url_for


def login_required(view):
    """Send people who are not signed in to the sign-in page, then back."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            return redirect(url_for("auth.sign_in", next=request.full_path))
        return view(*args, **kwargs)
    return wrapped


def require(allowed: bool) -> None:
    """Refuse the request with 403 unless `allowed`."""
    if not allowed:
        abort(403)


def found(row):
    """Return row, or refuse with 404 when it does not exist."""
    if row is None:
        abort(404)
    return row
