"""Wire the web layer: blueprints, the signed-in user, CSRF and error pages."""
from __future__ import annotations

from flask import g, render_template, session
from flask_wtf.csrf import CSRFProtect

from .db import get_db
from .forms import value_key
from .users import load_user

csrf = CSRFProtect()


def init_app(app) -> None:
    """Register blueprints, CSRF protection, the user loader and error pages."""
    from .views import assess, auth, home, rounds

    csrf.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(assess.bp)
    app.register_blueprint(rounds.bp)
    app.before_request(_load_signed_in_user)
    app.context_processor(lambda: {"current_user": g.get("user")})
    app.add_template_filter(value_key, "value_key")
    for code in (400, 403, 404, 405, 409, 413, 500, 503):
        app.register_error_handler(code, _error_page)


def _load_signed_in_user() -> None:
    """Put the signed-in user, if any, on g.user."""
    user_id = session.get("user_id")
    g.user = load_user(get_db(), user_id) if user_id else None


ERROR_TITLES = {
    400: "Sorry, there is a problem with that request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, there is a problem with that request",
    409: "This page has changed",
    413: "That request was too large",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is busy",
}


def _error_page(error):
    """Render a plain error page: no traceback, no SQL."""
    code = getattr(error, "code", 500) or 500
    if code not in ERROR_TITLES:
        code = 500
    return render_template("error.html", title=ERROR_TITLES[code], code=code), code
