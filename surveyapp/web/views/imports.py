"""Uploads of whole files: queued as import jobs, run by a background worker, followed on a status page.

A small file is run at once, inside the request (it is checked and written in
well under a second); a larger one waits for the worker, and the status page
refreshes itself until the job has finished. Either way the file is checked
whole first and written in one transaction, or not at all.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from surveyapp.accounts.permissions import can_administer
from surveyapp.assessments.import_jobs import may_import_responses, run_job, start_worker_thread
from surveyapp.assessments.rounds import list_rounds
from surveyapp.storage import jobs
from surveyapp.storage.db import get_db
from surveyapp.web.views.events import record_event
from surveyapp.web.views.guards import found, login_required, require
from surveyapp.web.views.uploads import accepts_files, describe_limit, upload_limit

bp = Blueprint("imports", __name__, url_prefix="/imports")
INLINE_BYTES = 256 * 1024  # files up to this size are run in the request: about 3,000 rows, well under a second
REFRESH_SECONDS = 3


def init_app(app) -> None:
    """Start the import worker thread with the first request, unless a separate worker is configured."""
    app.config.setdefault("IMPORT_WORKER", "separate" if app.config.get("TESTING") else "thread")
    started = []

    @app.before_request
    def _start_import_worker():
        if not started and current_app.config["IMPORT_WORKER"] == "thread":
            started.append(start_worker_thread(current_app.config["DATABASE"],
                                                  app=current_app._get_current_object()))


class ResponsesUploadForm(FlaskForm):
    round_id = SelectField("Round", validators=[InputRequired("Select the round the responses belong to")])
    file = FileField("CSV file of responses", validators=[FileRequired("Choose a CSV file")])


def read_upload(form) -> bytes | None:
    """Return the uploaded file's bytes, or None with the reason added to the form's file errors."""
    try:
        data = form.file.data.read(upload_limit() + 1)
    finally:
        form.file.data.close()  # a large upload is spooled to a temporary file: free it now
    if len(data) > upload_limit():
        form.file.errors.append(f"The file must be smaller than {describe_limit(upload_limit())}")
        return None
    if not data.strip():
        form.file.errors.append("The file is empty")
        return None
    return data


def queue_upload(kind: str, data: bytes, filename: str, round_id: int | None = None):
    """Queue an uploaded file; run it now when it is small; send the uploader to its status page."""
    db = get_db()
    job_id, new = jobs.create_job(db, kind, data, filename=filename or "", round_id=round_id,
                                  user_id=g.user["id"])
    if new:
        record_event(f"{kind}.upload_queued", detail=f"import job {job_id}: {len(data):,} bytes")
        if len(data) <= INLINE_BYTES:
            claimed = jobs.claim_next(db, job_id=job_id)
            if claimed:
                run_job(db, claimed)
    return redirect(url_for("imports.job", job_id=job_id), 303)


def validate_upload(form) -> bool:
    """Validate an upload form, turning an over-large request into a form error."""
    try:
        return form.validate_on_submit()
    except RequestEntityTooLarge:
        form.file.errors = [f"The file must be smaller than {describe_limit(upload_limit())}"]
        return False


@bp.route("/responses", methods=["GET", "POST"])
@login_required
@accepts_files
def responses():
    """Upload submitted responses collected elsewhere, in the format of `surveyapp import-responses`."""
    require(may_import_responses(g.user))
    db = get_db()
    form = ResponsesUploadForm()
    form.round_id.choices = [SelectChoice(str(r["id"]), f"{r['title']} ({r['status']})") for r in list_rounds(db)]
    if validate_upload(form):
        data = read_upload(form)
        if data is not None:
            return queue_upload("responses", data, form.file.data.filename, int(form.round_id.data))
    return render_template("imports/responses.html", form=form, limit=describe_limit(upload_limit()),
                           recent=jobs.jobs_for_user(db, g.user["id"], 5)), 400 if form.errors else 200


@bp.route("/<int:job_id>")
@login_required
def job(job_id):
    """Show how far an import has got, and what it did or why it did nothing."""
    record = found(jobs.get_job(get_db(), job_id))
    if record["user_id"] != g.user["id"] and not can_administer(g.user):
        abort(404)  # another person's upload: not even that it exists
    again = {"organisations": url_for("admin.import_organisations"),
             "people": url_for("admin.import_people")}.get(record["kind"]) or url_for(".responses")
    return render_template("imports/job.html", job=record, again=again,
                           refresh=REFRESH_SECONDS if record["state"] in ("queued", "running") else None)
