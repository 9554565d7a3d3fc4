"""`surveyapp --help` and `init-db` start without pandas or the web app; the command list stays true."""
from __future__ import annotations

import json
import subprocess
import sys

from surveyapp.cli.lazy import COMMANDS

from .conftest import PROJECT

PROBE = """
import json, sys
sys.argv = ["surveyapp", *{args!r}]
from surveyapp.cli.main import main
try:
    main()
except SystemExit:
    pass
print(json.dumps({{name: name in sys.modules for name in ("pandas", "numpy", "surveyapp.web.app", "reportlab")}}))
"""


def loaded_by(args: list[str], env_extra: dict, tmp_path) -> dict:
    """Run the surveyapp command in a fresh Python; return which heavy modules it loaded."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env_extra}
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], cwd=PROJECT, env=env,
                         capture_output=True, text=True, check=True, timeout=120)
    return out.stdout, json.loads(out.stdout.strip().splitlines()[-1])


def test_help_lists_every_command_without_loading_pandas_or_the_web_app(tmp_path):
    text, loaded = loaded_by(["--help"], {}, tmp_path)
    for name in COMMANDS:
        assert f"  {name} " in text
    assert loaded == {"pandas": False, "numpy": False, "surveyapp.web.app": False, "reportlab": False}


def test_init_db_creates_a_database_without_loading_pandas_or_the_web_app(tmp_path):
    path = tmp_path / "fresh.sqlite"
    text, loaded = loaded_by(["init-db"], {"SURVEYAPP_DATABASE": str(path)}, tmp_path)
    assert "applied 0001_initial" in text and "0006_maintained_stats" in text
    assert path.exists()
    assert loaded == {"pandas": False, "numpy": False, "surveyapp.web.app": False, "reportlab": False}


def test_the_command_table_matches_the_commands_the_app_registers(app):
    registered = {name: app.cli.get_command(None, name) for name in app.cli.list_commands(None)}
    assert set(COMMANDS) == set(registered)
    for name, command in registered.items():
        assert COMMANDS[name] == command.get_short_help_str(limit=1000), name
