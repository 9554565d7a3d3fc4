"""surveyapp: self-assessment survey engine for health and social care leaders in Tayside."""
from __future__ import annotations

from pathlib import Path

from flask import Flask


def create_app(config: dict | None = None, web: bool = True) -> Flask:
    """Create and wire the Flask application; without `web`, only its settings and database (CLI commands)."""
    app = Flask(__name__, instance_relative_config=True, template_folder="web/templates", static_folder="web/static")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from surveyapp.config import settings_from_environment

    app.config.from_mapping(settings_from_environment(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    if config:
        app.config.from_mapping(config)

    from surveyapp.storage import db

    db.init_app(app)
    if not web:
        return app
    from surveyapp.cli import main as cli
    from surveyapp.web import app as web_app
    from surveyapp.web import faults

    faults.init_app(app)
    web_app.init_app(app)
    cli.init_app(app)
    return app
