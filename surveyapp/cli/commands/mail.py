"""`surveyapp mail send` (one pass, for cron or a systemd timer) and `surveyapp mail worker` (a loop)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from surveyapp.accounts import outbox
from surveyapp.accounts.delivery import send_pending
from surveyapp.accounts.smtp import settings_from_config
from surveyapp.cli.worker_loop import run_until_stopped
from surveyapp.storage.db import get_db


def _prepare() -> None:
    """Do the work queued for later (reset requests) and scheduled (automatic reminders), through the
    web layer's hooks: the CLI does not import the web layer."""
    current_app.extensions.get("surveyapp.mail_prepare", lambda: None)()
    reminded = current_app.extensions.get("surveyapp.mail_scheduled", lambda: 0)()
    if reminded:
        click.echo(f"queued {reminded} automatic reminders for rounds closing soon")


def _one_pass(db) -> int:
    """Prepare and send what is due; echo a line; return how many messages failed for good."""
    _prepare()
    settings = settings_from_config(current_app.config)
    if settings is None:
        waiting = outbox.counts(db)["queued"]
        click.echo(f"No mail server is configured (SURVEYAPP_SMTP_HOST): nothing sent, {waiting} queued.")
        return 0
    result = send_pending(db, settings, backoff_seconds=float(current_app.config.get("MAIL_BACKOFF_SECONDS", 60)))
    click.echo(f"sent {result.sent}, retrying later {result.retrying}, failed {result.failed}"
               + (f", {result.released} left by a stopped sender marked failed" if result.released else "")
               + (f"; stopped: {result.stopped}" if result.stopped else ""))
    for error in result.errors:
        click.echo(f"  {error}", err=True)
    return result.failed


@click.group("mail")
def mail_group():
    """Deliver the outbox by SMTP (settings: SURVEYAPP_SMTP_*; see docs/operations.md)."""


@mail_group.command("send")
@with_appcontext
def mail_send():
    """Send every message that is due, once, and exit (for cron or a systemd timer)."""
    _one_pass(get_db())


@mail_group.command("worker")
@click.option("--interval", default=30.0, show_default=True, help="Seconds to wait between passes.")
@with_appcontext
def mail_worker(interval):
    """Send messages as they become due, until stopped (SIGTERM or Ctrl-C finish the message in hand)."""
    db = get_db()

    def step() -> bool:
        _one_pass(db)
        return False  # a pass sends everything due: rest after each one

    run_until_stopped(step, interval)
    click.echo("mail worker stopped")


@mail_group.command("status")
@with_appcontext
def mail_status():
    """Say how many messages are in each state, and whether a mail server is configured."""
    settings = settings_from_config(current_app.config)
    click.echo(f"mail server: {settings.host}:{settings.port} ({settings.security})" if settings
               else "mail server: none configured, nothing is being sent")
    for state, count in outbox.counts(get_db()).items():
        click.echo(f"  {state}: {count}")
