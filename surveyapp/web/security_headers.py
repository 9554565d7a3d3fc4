"""Security headers on every response.

The policy allows no inline script: the pages load /static/app.js as a module
and stylesheets from /static, nothing else, and may not be framed.
"""
from __future__ import annotations

from flask import request

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
    """Register the headers on every response."""
    app.after_request(add_security_headers)
