"""Configuration from environment variables, with safe defaults."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def settings_from_environment(instance_path: str) -> dict:
    """Return the app settings, reading SURVEYAPP_* variables where set."""
    env = os.environ
    return {
        "DATABASE": env.get("SURVEYAPP_DATABASE") or str(Path(instance_path) / "surveyapp.sqlite"),
        "SECRET_KEY": env.get("SURVEYAPP_SECRET_KEY") or _instance_secret(instance_path),
        "FRAMEWORKS_DIR": env.get("SURVEYAPP_FRAMEWORKS") or str(PROJECT_ROOT / "frameworks"),
        "REPORTS_DIR": env.get("SURVEYAPP_REPORTS") or str(PROJECT_ROOT / "reports"),
        "MIN_GROUP": int(env.get("SURVEYAPP_MIN_GROUP", "3")),
        # how long emailed links work (issue 20: invitation 7 days, reset 1 hour)
        "INVITATION_DAYS": float(env.get("SURVEYAPP_INVITATION_DAYS", "7")),
        "RESET_HOURS": float(env.get("SURVEYAPP_RESET_HOURS", "1")),
        **mail_settings(env),
    }


def mail_settings(env) -> dict:
    """Return the SMTP settings; with no SURVEYAPP_SMTP_HOST nothing is sent and mail waits in the outbox."""
    return {
        "SMTP_HOST": env.get("SURVEYAPP_SMTP_HOST") or None,
        "SMTP_PORT": int(env["SURVEYAPP_SMTP_PORT"]) if env.get("SURVEYAPP_SMTP_PORT") else None,
        "SMTP_SECURITY": env.get("SURVEYAPP_SMTP_SECURITY", "starttls"),
        "SMTP_USER": env.get("SURVEYAPP_SMTP_USER") or None,
        "SMTP_PASSWORD": env.get("SURVEYAPP_SMTP_PASSWORD") or None,
        "MAIL_FROM": env.get("SURVEYAPP_MAIL_FROM") or "noreply@localhost",
        "MAIL_REPLY_TO": env.get("SURVEYAPP_MAIL_REPLY_TO") or None,
        "MAIL_ORGANISATION": env.get("SURVEYAPP_MAIL_ORGANISATION") or "the Tayside leadership self-assessment service",
        # where links in messages written by the sender (not a request) point, e.g. https://survey.example.org/
        "BASE_URL": env.get("SURVEYAPP_BASE_URL") or "http://localhost:5000/",
        # an automatic reminder this many days before a round closes; unset: none
        "REMINDER_DAYS_BEFORE_CLOSE": (int(env["SURVEYAPP_REMINDER_DAYS_BEFORE_CLOSE"])
                                       if env.get("SURVEYAPP_REMINDER_DAYS_BEFORE_CLOSE") else None),
    }


def _instance_secret(instance_path: str) -> str:
    """Read the secret key kept under instance/, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # write-then-rename so two workers starting together agree on one key
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_hex(32))
        os.chmod(tmp, 0o600)
        if not path.exists():
            os.replace(tmp, path)
        else:
            tmp.unlink()
    return path.read_text().strip()
