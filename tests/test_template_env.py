"""Templates see every global the app sets, with a template's own globals over them and kept to it."""
from __future__ import annotations

import pytest
from flask import Flask

from surveyapp.web import template_env


def test_templates_see_the_app_globals_and_their_own_over_them(app):
    env = app.jinja_env
    with app.test_request_context("/"):
        own = env.from_string("{{ page_links().home }} {{ csrf_token() }} {{ x }}",
                              globals={"x": "own", "csrf_token": lambda: "mine"})
        assert own.render() == "/ mine own"
        other = env.from_string("{{ x is defined }} {{ csrf_token() != 'mine' and csrf_token() | length > 20 }}")
        assert other.render() == "False True"  # nothing of the first template's globals reached it
    assert "x" not in env.globals


def test_the_environment_cannot_be_swapped_once_made():
    app = Flask(__name__)
    assert app.jinja_env is not None
    with pytest.raises(RuntimeError):
        template_env.init_app(app)
