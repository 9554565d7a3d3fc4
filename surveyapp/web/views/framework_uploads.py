"""Administrators upload a framework (workbook or YAML), see its errors and warnings, preview it, publish it.

Routes on the admin blueprint, whose before_request lets administrators only.
Publishing makes a new immutable version; a version already published is never replaced.
"""
from __future__ import annotations

import json

from flask import abort, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from surveyapp.frameworks.errors import FrameworkErrors
from surveyapp.frameworks.loader import definition_warnings
from surveyapp.frameworks.uploads import check_upload, get_upload, keep_upload, publish_upload
from surveyapp.frameworks.workbook_read import MAX_BYTES
from surveyapp.storage.db import get_db
from surveyapp.web.views.events import record_event
from surveyapp.web.views.uploads import accepts_files


class FrameworkUploadForm(FlaskForm):
    file = FileField("Framework file: an Excel workbook (.xlsx) or YAML (.yaml)",
                     validators=[FileRequired("Choose a framework file")])


class PublishForm(FlaskForm):
    """Only the CSRF token: publishing takes no other input."""


def add_routes(bp) -> None:
    """Add the upload, preview and publish pages to the admin blueprint."""
    bp.add_url_rule("/frameworks/upload", "framework_upload", view_func=upload, methods=["GET", "POST"])
    bp.add_url_rule("/frameworks/uploads/<int:upload_id>", view_func=preview)
    bp.add_url_rule("/frameworks/uploads/<int:upload_id>/domains/<domain_id>", view_func=preview_domain)
    bp.add_url_rule("/frameworks/uploads/<int:upload_id>/publish", view_func=publish, methods=["POST"])


@accepts_files
def upload():
    """Check an uploaded framework; show every error and warning, or go on to its preview."""
    form = FrameworkUploadForm()
    checked = None
    if form.validate_on_submit():
        content = form.file.data.read(MAX_BYTES + 1)
        checked = check_upload(content, form.file.data.filename or "upload")
        if not checked.errors:
            upload_id = keep_upload(get_db(), checked, g.user["id"])
            record_event("framework.uploaded", detail=f"{checked.framework.key} from {checked.filename}")
            if checked.warnings:
                flash(f"The file has {len(checked.warnings)} warning(s). They do not stop publishing.")
            return redirect(url_for(".preview", upload_id=upload_id))
    failed = bool(form.errors or (checked and checked.errors))
    return render_template("admin/framework_upload.html", form=form, checked=checked), 400 if failed else 200


def _kept(upload_id: int):
    """Load a kept upload, or 404."""
    found = get_upload(get_db(), upload_id)
    if found is None:
        abort(404)
    return found


def preview(upload_id):
    """Show what respondents will see first (the task list), the warnings, and the publish button."""
    record, fw = _kept(upload_id)
    db = get_db()
    existing = db.execute("SELECT content_hash FROM framework_versions WHERE key = ?", [fw.key]).fetchone()
    warnings = definition_warnings(json.loads(record["definition"]), record["filename"])
    return render_template("admin/framework_preview.html", upload=record, framework=fw, warnings=warnings,
                           taken=bool(existing and existing[0] != fw.content_hash),
                           published=bool(existing and existing[0] == fw.content_hash), form=PublishForm())


def preview_domain(upload_id, domain_id):
    """Show one domain page exactly as a respondent will see it, with the answers disabled."""
    record, fw = _kept(upload_id)
    domain = fw.domain(domain_id)
    if domain is None:
        abort(404)
    position = [d.id for d in fw.domains].index(domain.id) + 1
    return render_template("admin/framework_preview_domain.html", upload=record, framework=fw, domain=domain,
                           position=position)


def publish(upload_id):
    """Publish a previewed upload as a new immutable framework version."""
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    record, fw = _kept(upload_id)
    try:
        fw, added = publish_upload(get_db(), upload_id)
    except FrameworkErrors as exc:
        flash(f"Nothing was published: {exc.errors[0].message}.")
        return redirect(url_for(".preview", upload_id=upload_id))
    if added:
        record_event("framework.published", detail=f"{fw.key} from {record['filename']}")
        flash(f"{fw.title} version {fw.version} has been published. New rounds can use it.")
    else:
        flash(f"{fw.title} version {fw.version} was already published with this content.")
    return redirect(url_for(".frameworks"))
