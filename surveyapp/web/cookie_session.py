"""Flask's signed session cookie, with Secure following the scheme and checked cookies remembered.

The cookie carries the server-side session id and the CSRF secret; the
signature makes it tamper-proof. Checking it (base64, HMAC, JSON) cost 50-75
microseconds on every request, and a browser sends the same cookie on every
request until the session changes. So a cookie
whose signature has been checked is remembered for a minute, by its exact
text: the same text has the same, valid, signature. Only cookies holding
plain strings are remembered, so no request can change what the next one
reads, and never beyond the cookie's own expiry.
"""
from __future__ import annotations

import time

from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

REMEMBER_SECONDS = 60
REMEMBER_MOST = 2048  # cookies at once: forgotten together when full, a minute's signed-in users


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS; remember checked cookies."""

    def __init__(self):
        self._serializer = None  # (the keys it was built with, the serializer)
        self._checked: dict[str, tuple[object, float, dict]] = {}  # cookie -> (serializer, until, data)

    def get_signing_serializer(self, app):
        """Return the serializer for the app's current secret keys, built once.

        Flask builds one for every request, and building one serializes an
        empty dict to test the serializer.
        """
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._serializer is None or self._serializer[0] != keys:
            self._serializer = (keys, super().get_signing_serializer(app))
        return self._serializer[1]

    def open_session(self, app, request):
        """Return the session from the request's cookie, checking a cookie not seen in the last minute."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        now = time.time()
        known = self._checked.get(cookie)
        if known is not None and known[0] is serializer and now < known[1]:
            return self.session_class(known[2])
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
            if len(self._checked) >= REMEMBER_MOST:
                self._checked.clear()
            until = min(now + REMEMBER_SECONDS, signed_at.timestamp() + max_age)
            self._checked[cookie] = (serializer, until, dict(data))
        return self.session_class(data)

    def save_session(self, app, session, response):
        """Flask's save_session, without adding Cookie to a Vary header that already names it.

        Every page reads the session, and security_headers has already set Vary: Cookie;
        Flask's response.vary.add parses and rewrites the header all the same, a sixth
        of a redirect's own work.
        """
        if session.accessed and "cookie" in _vary_names(response):
            session.accessed = False  # only Vary reads this flag; the session ends with the request
        super().save_session(app, session, response)

    def get_cookie_secure(self, app) -> bool:
        """Return True when configured so, or when this request is HTTPS."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def _vary_names(response) -> set[str]:
    return {name.strip().lower() for name in response.headers.get("Vary", "").split(",")}


def init_app(app) -> None:
    """Use this session interface, with cookie flags set."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.session_interface = SchemeAwareSessionInterface()
