"""The links every page carries (stylesheets, script, menu): built once per mount point, not per page.

Flask builds each url_for from the URL map; nine of them on every page cost
about a fifth of the page around a section's questions. These links do not
change from one request to the next for an app mounted at the same path
(its script root), so base.html asks once per page for all of them.
"""
from __future__ import annotations

from functools import lru_cache

from flask import request, url_for

# name in templates -> (endpoint, url_for arguments)
LINKS = {
    "favicon": ("static", {"filename": "favicon.svg"}),
    "govuk_css": ("static", {"filename": "govuk/govuk-frontend.min.css"}),
    "app_css": ("static", {"filename": "app.css"}),
    "app_js": ("static", {"filename": "app.js"}),
    "home": ("home.index", {}),
    "facilitate": ("facilitate.index", {}),
    "results": ("reports.dashboard", {}),
    "admin": ("admin.index", {}),
    "sign_out": ("auth.sign_out", {}),
}


def page_links() -> dict[str, str]:
    """Return every fixed link of a page, built once per script root."""
    return _built(request.script_root)


@lru_cache(maxsize=16)
def _built(script_root: str) -> dict[str, str]:
    return {name: url_for(endpoint, **values) for name, (endpoint, values) in LINKS.items()}


def init_app(app) -> None:
    """Offer page_links to templates."""
    app.add_template_global(page_links)
