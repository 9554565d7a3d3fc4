"""Hand messages to an SMTP server with the standard library (smtplib, email.message).

Settings come from SURVEYAPP_SMTP_* (config.py). Errors are sorted in two:
a PermanentFailure (a 5xx reply about this message) is never retried; a
TemporaryFailure (a 4xx reply, a refused or dropped connection, a time-out)
is retried later. A failure of the server itself (cannot connect, cannot
sign in) is a ServerUnavailable: the whole pass stops, the message is retried.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from surveyapp.storage.timestamps import parse

SECURITY = ("none", "starttls", "tls")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}


class TemporaryFailure(Exception):
    """The server did not take the message this time; try again later."""


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx reply)."""


class ServerUnavailable(TemporaryFailure):
    """The server cannot be reached or will not let us sign in: stop this pass."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str = "starttls"
    user: str | None = None
    password: str | None = None
    mail_from: str = "noreply@localhost"
    reply_to: str | None = None
    timeout: float = 30.0


def settings_from_config(config) -> MailSettings | None:
    """Return the SMTP settings from the app config, or None when no server is configured."""
    host = config.get("SMTP_HOST")
    if not host:
        return None
    security = (config.get("SMTP_SECURITY") or "starttls").lower()
    if security not in SECURITY:
        raise ValueError(f"SURVEYAPP_SMTP_SECURITY must be one of {', '.join(SECURITY)}, not {security!r}")
    return MailSettings(host=host, port=int(config.get("SMTP_PORT") or DEFAULT_PORTS[security]),
                        security=security, user=config.get("SMTP_USER"), password=config.get("SMTP_PASSWORD"),
                        mail_from=config.get("MAIL_FROM") or "noreply@localhost",
                        reply_to=config.get("MAIL_REPLY_TO"), timeout=float(config.get("SMTP_TIMEOUT", 30)))


def build_email(settings: MailSettings, row: dict) -> EmailMessage:
    """Build the email for an outbox row: a plain-text part and, when there is one, an HTML part."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = row["to_address"]
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(parse(row["created_at"]))
    # one Message-ID per outbox row: a receiving server or mail client can see a repeat for what it is
    domain = settings.mail_from.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row['id']}-{row['created_at'][:10]}", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row["body"])
    if row.get("html"):
        message.add_alternative(row["html"], subtype="html")
    return message


def _reply_error(code: int, text) -> Exception:
    """Turn an SMTP reply code into a permanent or temporary failure."""
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    cls = PermanentFailure if 500 <= code < 600 else TemporaryFailure
    return cls(f"{code} {detail}".strip())


class Connection:
    """One SMTP session, opened on first use and reused for a batch of messages."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect, start TLS if asked and sign in; raise ServerUnavailable when that fails."""
        s = self.settings
        try:
            if s.security == "tls":
                self.smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    self.smtp.starttls(context=ssl.create_default_context())
            if s.user:
                self.smtp.login(s.user, s.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise ServerUnavailable(f"Cannot use the mail server {s.host}:{s.port}: {_describe(exc)}") from exc

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; return once it has accepted it, else raise a failure."""
        if self.smtp is None:
            self.open()
        try:
            refused = self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _reply_error(code, text) from exc
        except smtplib.SMTPResponseException as exc:
            self._after_error()
            raise _reply_error(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:  # dropped connection, time-out
            self.close()
            raise TemporaryFailure(_describe(exc)) from exc
        if refused:  # only one recipient per message, so this is a refusal of that one
            code, text = next(iter(refused.values()))
            raise _reply_error(code, text)

    def _after_error(self) -> None:
        """Reset the session after a refused message, or drop it if the server has gone."""
        try:
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        """End the session politely if we can."""
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def _describe(exc: Exception) -> str:
    """Say what went wrong in one line, without a traceback."""
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__

