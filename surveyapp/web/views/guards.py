"""Decorators and lookups that every view uses to refuse what it must."""
from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, url_for

from surveyapp.benchmarks.disclosure import Viewer
from surveyapp.benchmarks.viewers import viewer_for_user
from surveyapp.storage.db import get_db


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


def current_viewer() -> Viewer:
    """Return the signed-in person as a viewer of benchmark figures, worked out once per request."""
    if "viewer" not in g:
        g.viewer = viewer_for_user(get_db(), g.get("user"))
    return g.viewer
