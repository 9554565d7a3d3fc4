"""CSRF tokens: signed once per session secret for pages, and known-good tokens checked without re-verifying.

Flask-WTF signs the session's CSRF secret afresh on each request that renders
a form (a timestamped signature: about 90 microseconds of a page view's 2-4
milliseconds), and verifies the signature of the token on every post (about
60 microseconds, more on a cold cache). Tokens here have no time limit (the
session's own time-outs apply, see web.py), so whether a token is valid for a
secret never changes: a token this worker signed for the secret, or has
already verified against it, is valid again. Each worker remembers those
(signing key, secret, token) triples; the post's token is still compared with
the secret in this request's session, and everything else Flask-WTF checks
(the method, exempt views, the referrer over HTTPS) still runs. With a time
limit configured, nothing is remembered and Flask-WTF does all of it.
"""
from __future__ import annotations

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf, same_origin

_SIGNED: dict[tuple[str, str], str] = {}  # (signing key, session's secret) -> signed token
_VALID: set[tuple[str, str, str]] = set()  # (signing key, session's secret, token) known good
MOST = 4096  # secrets (and tokens) at once: forgotten together when full


def _secret_key() -> tuple[str, str] | None:
    """Return (signing key, this session's CSRF secret), or None when tokens are not to be remembered."""
    app = current_app._get_current_object()  # once, not once per use: every page and post asks
    config = app.config
    raw = session.get(config["WTF_CSRF_FIELD_NAME"])
    if not isinstance(raw, str) or config["WTF_CSRF_TIME_LIMIT"] is not None:
        return None
    return config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, raw


def _remember(key: tuple[str, str], token: str) -> None:
    if len(_VALID) >= MOST:
        _VALID.clear()
    _VALID.add((*key, token))


def page_csrf_token() -> str:
    """Return a valid CSRF token for this session, signed once per secret and key."""
    key = _secret_key()
    if key is None:
        return generate_csrf()  # a session's first token also creates its secret
    token = _SIGNED.get(key)
    if token is None:
        if len(_SIGNED) >= MOST:
            _SIGNED.clear()
        token = _SIGNED[key] = generate_csrf()
        _remember(key, token)
    return token


class RememberingCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRFProtect, skipping only the signature check of a token known good for this session."""

    def protect(self, apply_exemptions=False):
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return  # what Flask-WTF's protect ends with for a GET, after looking up exemptions first
        key = _secret_key()
        token = self._get_csrf_token() if key else None
        if token and (*key, token) in _VALID:
            self._check_referrer()
            g.csrf_valid = True
            return
        super().protect(apply_exemptions)  # raises CSRFError when the token is bad
        if token and g.get("csrf_valid"):
            _remember(key, token)

    def _check_referrer(self) -> None:
        """Flask-WTF's referrer check for HTTPS posts, as its protect() does after the token."""
        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")


def init_app(app) -> None:
    """Give templates this token in place of Flask-WTF's (call after CSRFProtect.init_app)."""
    app.jinja_env.globals["csrf_token"] = page_csrf_token
    app.context_processor(lambda: {"csrf_token": page_csrf_token})
