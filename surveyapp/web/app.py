"""Wire the web layer: blueprints, the signed-in user, CSRF, security headers and error pages."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from surveyapp.accounts.sessions import ABSOLUTE_HOURS, IDLE_MINUTES, check_session, end_session
from surveyapp.accounts.users import ROLE_NAMES
from surveyapp.assessments.forms import evidence_label, value_key
from surveyapp.storage.db import get_db
from surveyapp.web import security_headers, wording
from surveyapp.web.timed_out_saves import keep_form
from surveyapp.web.views.uploads import allow_upload_size, refuse_unexpected_files, too_large_message

csrf = CSRFProtect()


class StoredId(IntegerConverter):
    """An <int:...> URL part that SQLite can hold: a 20-digit id is a page not found, not a server error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


MAX_REQUEST_BYTES = 4 * 1024 * 1024  # a full domain page of long answers is well under this
NOT_KEPT = ("auth", "account")  # blueprints whose POSTs are never kept across a time-out


def init_app(app) -> None:
    """Register blueprints, CSRF protection, cookie flags, headers, the user loader and error pages."""
    from surveyapp.web.views import (
        account,
        admin,
        assess,
        auth,
        facilitate,
        home,
        imports,
        plans,
        records,
        rounds,
        service,
        targets,
    )
    from surveyapp.web.views import reports as results

    app.url_map.converters["int"] = StoredId  # before any route is added: every <int:...> is bounded
    _secure_defaults(app)
    app.before_request(allow_upload_size)  # before CSRF protection reads the form
    csrf.init_app(app)
    security_headers.init_app(app)
    wording.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(assess.bp)
    app.register_blueprint(rounds.bp)
    app.register_blueprint(facilitate.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(results.bp)
    app.register_blueprint(service.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(targets.bp)
    imports.init_app(app)
    app.before_request(refuse_unexpected_files)
    app.before_request(_load_signed_in_user)
    app.before_request(_keep_timed_out_form)
    app.context_processor(lambda: {"current_user": g.get("user"), "role_names": ROLE_NAMES})
    app.add_template_filter(value_key, "value_key")
    app.add_template_filter(evidence_label, "evidence_label")
    for code in (400, 403, 404, 405, 409, 413, 429, 500, 503):
        app.register_error_handler(code, _error_page)


def _secure_defaults(app) -> None:
    """Fill in security settings the app relies on, unless already configured."""
    app.config.setdefault("SESSION_IDLE_MINUTES", IDLE_MINUTES)
    app.config.setdefault("SESSION_ABSOLUTE_HOURS", ABSOLUTE_HOURS)
    # The CSRF token lives in the session, which has its own time-outs; a separate
    # one-hour limit would throw away a long answer typed before pressing save.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    # Flask's own signed-cookie session: the cookie holds only the session id and the CSRF secret
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        # behind a proxy that ends TLS: trust its X-Forwarded-For and -Proto, so throttling
        # counts people not the proxy, and HTTPS turns on HSTS and Secure cookies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        # a proxy that ends TLS means people reach the site over HTTPS only
        app.config["SESSION_COOKIE_SECURE"] = True


def _load_signed_in_user() -> None:
    """Put the signed-in user, if any, on g.user; notice a session that has timed out."""
    token = None if request.endpoint == "static" else session.get("sid")  # a static file is the same for all
    if not isinstance(token, str):
        g.user = None
        return
    db, config = get_db(), current_app.config
    state = check_session(db, token, config["SESSION_IDLE_MINUTES"], config["SESSION_ABSOLUTE_HOURS"])
    g.user = state.user
    if state.user is None:
        if state.user_id:  # deactivated since signing in
            end_session(db, token, "deactivated")
        session.pop("sid", None)
    if state.timed_out_user_id:
        g.timed_out_user_id = state.timed_out_user_id
        session["signed_out"] = "timeout"


def _keep_timed_out_form():
    """Keep what was posted after a time-out, and go through sign-in to get it back."""
    user_id = g.get("timed_out_user_id")
    if not user_id or request.method != "POST" or request.blueprint in NOT_KEPT:
        return None
    path = request.full_path.rstrip("?")
    fields = [(k, v) for k, v in request.form.items(multi=True) if k != "csrf_token"]
    token = keep_form(get_db(), user_id, path, fields)
    return redirect(url_for("auth.sign_in", next=path, kept=token))


ERROR_TITLES = {
    400: "Sorry, there is a problem with that request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, there is a problem with that request",
    409: "This page has changed",
    413: "That request was too large",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is busy",
}


def _error_page(error):
    """Render a plain error page, no traceback or SQL; log refusals in the audit log."""
    code = getattr(error, "code", 500) or 500
    if code not in ERROR_TITLES:
        code = 500
    if code == 403 or isinstance(error, CSRFError):
        _audit_refusal("csrf.refused" if isinstance(error, CSRFError) else "permission.refused")
    message = too_large_message() if code == 413 else None
    return render_template("error.html", title=ERROR_TITLES[code], code=code, message=message), code


def _audit_refusal(action: str) -> None:
    """Record a refused request: who, which organisation, which page (never the form)."""
    from surveyapp.web.views.events import record_event

    org_id = (request.view_args or {}).get("org_id")
    record_event(action, organisation_id=org_id if isinstance(org_id, int) else None,
                 detail=f"{request.method} {request.path}"[:300])
