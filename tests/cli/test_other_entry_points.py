"""`flask --app surveyapp ...` and a test's CLI runner give the same plain errors and exit codes as `surveyapp`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from surveyapp import create_app
from surveyapp.storage.db import connect
from tests.cli.conftest import environment
from tests.conftest import PROJECT, copy_database

FLASK = Path(sys.executable).parent / "flask"
EXIT_INPUT, EXIT_STATE, EXIT_UNEXPECTED = 2, 3, 4


def flask(args, database, logs):
    done = subprocess.run([str(FLASK), "--app", "surveyapp", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **environment(database, logs)})
    return done.returncode, done.stdout + done.stderr


def test_flask_app_commands_say_what_is_wrong_without_a_traceback(tmp_path, logs, demo_template):
    code, text = flask(["rounds", "list"], tmp_path / "new.sqlite", logs)
    assert (code, text) == (EXIT_STATE, "Error: the database is not initialised: run surveyapp init-db.\n")
    copy_database(demo_template, tmp_path / "broken.sqlite")
    db = connect(tmp_path / "broken.sqlite")
    db.execute("UPDATE framework_versions SET definition = '{not json'")  # damaged by hand
    db.close()
    code, text = flask(["export-responses", "--round", "1", "-o", str(tmp_path / "x.csv")],
                       tmp_path / "broken.sqlite", logs)
    [log] = list(logs.glob("cli-error-*.log"))
    assert (code, text) == (EXIT_UNEXPECTED, "surveyapp stopped on an unexpected error (JSONDecodeError). Nothing "
                                             f"more was done. The details are in {log}\n")
    code, text = flask(["orgs", "rename", "99999", "Nobody"], tmp_path / "broken.sqlite", logs)
    assert code == EXIT_INPUT and "there is no organisation 99999" in text and "Traceback" not in text


def test_the_test_cli_runner_gets_the_same_errors(tmp_path, logs, monkeypatch):
    monkeypatch.setenv("SURVEYAPP_LOG_DIR", str(logs))
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "new.sqlite"), "SECRET_KEY": "k",
                      "FRAMEWORKS_DIR": str(PROJECT / "frameworks")})
    result = app.test_cli_runner().invoke(args=["rounds", "list"])
    assert result.exit_code == EXIT_STATE
    assert result.output == "Error: the database is not initialised: run surveyapp init-db.\n"
    assert isinstance(result.exception, SystemExit), "no database error escapes the command"
