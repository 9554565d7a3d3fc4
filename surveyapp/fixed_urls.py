"""Links that every page carries and that never change: built once, not on every page.

Flask builds each url_for from the URL map, which cost a page about a
twentieth of its time for the stylesheets, script and menu links alone. A
link built from fixed arguments is the same on every request that shares
a script root (the path the app is mounted under), so it is kept per root.
Only for fixed arguments: a link that names an organisation or a round
goes through url_for as usual.
"""
from __future__ import annotations

from functools import lru_cache

from flask import request, url_for


def fixed_url(endpoint: str, **values) -> str:
    """Return url_for(endpoint, **values), built once per script root."""
    return _built(request.script_root, endpoint, tuple(sorted(values.items())) if values else ())


@lru_cache(maxsize=64)
def _built(script_root: str, endpoint: str, values: tuple) -> str:
    return url_for(endpoint, **dict(values))


def init_app(app) -> None:
    """Offer fixed_url to templates."""
    app.add_template_global(fixed_url)
