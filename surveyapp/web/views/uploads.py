"""Uploaded files go only to pages that ask for one.

WTForms reads files and typed fields from one combined mapping, so a file
posted under a text field's name would reach code expecting text. Refusing
uploads everywhere except views marked @accepts_files closes that for every
form at once.
"""
from __future__ import annotations

from flask import abort, current_app, request


def accepts_files(view):
    """Mark a view as one that takes uploaded files."""
    view.accepts_files = True
    return view


def refuse_unexpected_files() -> None:
    """Refuse with 400 a request that uploads files to a view not marked @accepts_files."""
    if request.method == "POST" and request.files:
        view = current_app.view_functions.get(request.endpoint)
        if not getattr(view, "accepts_files", False):
            abort(400)
