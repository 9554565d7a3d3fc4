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
        "MAIL_OUTBOX_ONLY": True,
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
