"""Send a message: into the outbox always, and to the log in development."""
from __future__ import annotations

from flask import current_app

from surveyapp.accounts.outbox import queue_message
from surveyapp.storage.db import get_db


def send_message(to_address: str, subject: str, body: str) -> int:
    """Queue a message for to_address; return its outbox id."""
    message_id = queue_message(get_db(), to_address, subject, body)
    if current_app.debug:
        # development only: the log is the quickest way to follow a link on a fresh machine
        current_app.logger.info("Outbox message %s to %s: %s\n%s", message_id, to_address, subject, body)
    return message_id
