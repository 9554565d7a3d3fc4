"""Pages every public-sector service publishes: accessibility statement, privacy notice, contact.

Open to everyone, signed in or not, and linked from every page's footer.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("service", __name__)
STATEMENT_REVIEWED = "2026-12-03"  # the day the accessibility statement was last checked against the pages


@bp.route("/accessibility")
def accessibility():
    """Say how accessible the service is, what is not yet, and what to use instead."""
    return render_template("service/accessibility.html", reviewed=STATEMENT_REVIEWED)


@bp.route("/privacy")
def privacy():
    """Say what the service stores, who sees what, and for how long."""
    return render_template("service/privacy.html", min_group=current_app.config.get("MIN_GROUP", 3))


@bp.route("/contact")
def contact():
    """Say whom to contact about an assessment, an account or the service."""
    return render_template("service/contact.html", email=current_app.config.get("MAIL_REPLY_TO"))
