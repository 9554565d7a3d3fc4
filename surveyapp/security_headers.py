"""Security headers on every response, and cookie flags that follow the scheme.

The policy allows no inline script: the pages load /static/app.js as a module
and stylesheets from /static, nothing else, and may not be framed.
"""
from __future__ import annotations

from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    # same-origin, not no-referrer: Flask-WTF checks the Referer on HTTPS form posts
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS.

    Also keeps the cookie's signing serializer while the keys stay the same:
    Flask builds a new one for every request, and building one serializes an
    empty dict to test the serializer, a tenth of a signed-in request's overhead.
    """

    _serializer = None  # (keys it was built with, serializer)

    def get_signing_serializer(self, app):
        """Return the serializer for the app's current secret keys, built once."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._serializer is None or self._serializer[0] != keys:
            self._serializer = (keys, super().get_signing_serializer(app))
        return self._serializer[1]

    def get_cookie_secure(self, app) -> bool:
        """Return True when configured so, or when this request is HTTPS."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def add_security_headers(response):
    """Add the security headers; forbid caching of every page that is not a static file."""
    headers = response.headers
    # One pass over what the view set, not a search of every header per name:
    # this runs on every response.
    present = {name.lower() for name, _ in headers.items()}
    headers.extend([(name, value) for name, value in HEADERS.items() if name.lower() not in present])
    if request.is_secure and "strict-transport-security" not in present:
        headers["Strict-Transport-Security"] = HSTS
    if request.endpoint != "static":
        # pages show people's names and answers: no browser or proxy may keep a copy
        headers["Cache-Control"] = "no-store"
        if "vary" in present:
            response.vary.add("Cookie")
        else:
            headers["Vary"] = "Cookie"
    return response


def init_app(app) -> None:
    """Set cookie flags and register the headers on every response."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.session_interface = SchemeAwareSessionInterface()
    app.after_request(add_security_headers)
