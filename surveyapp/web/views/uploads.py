"""Uploaded files go only to pages that ask for one, and only up to each page's size limit.

WTForms reads files and typed fields from one combined mapping, so a file
posted under a text field's name would reach code expecting text. Refusing
uploads everywhere except views marked @accepts_files closes that for every
form at once. A view that takes files may allow a larger request than the
app-wide MAX_CONTENT_LENGTH; anything over its limit gets a page that says
what the limit is.
"""
from __future__ import annotations

from flask import abort, current_app, request

UPLOAD_LIMIT_SETTING = "IMPORT_MAX_BYTES"
DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024  # a 100,000-row responses file is about 8 MB


def accepts_files(view):
    """Mark a view as one that takes uploaded files, up to the import size limit."""
    view.accepts_files = True
    return view


def upload_limit() -> int:
    """Return the largest file, in bytes, an upload page accepts."""
    return int(current_app.config.get(UPLOAD_LIMIT_SETTING) or DEFAULT_UPLOAD_LIMIT)


def describe_limit(limit: int) -> str:
    """Say a size limit in megabytes, as people see file sizes."""
    return f"{limit / (1024 * 1024):g} MB"


def _view_accepts_files() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "accepts_files", False))


def allow_upload_size() -> None:
    """Let a page that takes files receive up to the upload limit (run before anything reads the form)."""
    if request.method == "POST" and _view_accepts_files():
        request.max_content_length = upload_limit() + 64 * 1024  # the form's other fields and boundaries


def refuse_unexpected_files() -> None:
    """Refuse with 400 a request that uploads files to a view not marked @accepts_files."""
    if request.method == "POST" and not _view_accepts_files() and request.files:
        abort(400)


def too_large_message() -> str | None:
    """Return what to tell someone whose upload was over the limit, on a page that takes files."""
    if _view_accepts_files():
        return (f"The file is too large: it must be smaller than {describe_limit(upload_limit())}. "
                "Split it into smaller files and upload each one.")
    return None
