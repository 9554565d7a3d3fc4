"""The CSRF token a page carries: signed once per session secret, not on every page.

Flask-WTF signs the session's CSRF secret afresh on each request that renders
a form (a timestamped signature: about 90 microseconds of a page view's 2-4
milliseconds). Tokens here have no time limit (the session's own time-outs
apply, see web.py), so a token signed earlier for the same secret is exactly
as valid as a new one; each worker keeps the last one it signed for each
secret. With a time limit configured, every page gets a freshly signed token
as before.
"""
from __future__ import annotations

from flask import current_app, session
from flask_wtf.csrf import generate_csrf

_SIGNED: dict[tuple[str, str], str] = {}  # (signing key, session's secret) -> signed token
MOST = 4096  # secrets at once: forgotten together when full


def page_csrf_token() -> str:
    """Return a valid CSRF token for this session, signed once per secret and key."""
    config = current_app.config
    raw = session.get(config["WTF_CSRF_FIELD_NAME"])
    if not isinstance(raw, str) or config["WTF_CSRF_TIME_LIMIT"] is not None:
        return generate_csrf()  # a session's first token also creates its secret
    key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)
    token = _SIGNED.get(key)
    if token is None:
        if len(_SIGNED) >= MOST:
            _SIGNED.clear()
        token = _SIGNED[key] = generate_csrf()
    return token


def init_app(app) -> None:
    """Give templates this token in place of Flask-WTF's (call after CSRFProtect.init_app)."""
    app.jinja_env.globals["csrf_token"] = page_csrf_token
    app.context_processor(lambda: {"csrf_token": page_csrf_token})
