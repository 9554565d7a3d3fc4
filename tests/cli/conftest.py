"""The command line as a person meets it: the installed `surveyapp` script, and its entry point in process."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from surveyapp.cli.main import main
from surveyapp.storage.db import close_kept_connections, connect
from tests.conftest import copy_database

SCRIPT = Path(sys.executable).parent / "surveyapp"  # the console script pip installed into the test venv


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def environment(database: Path, logs: Path) -> dict:
    """Return the variables a command runs with: its own database, secret and log folder."""
    return {"SURVEYAPP_DATABASE": str(database), "SURVEYAPP_SECRET_KEY": "cli-test-secret",
            "SURVEYAPP_LOG_DIR": str(logs)}


def run_script(args: list[str], database: Path, logs: Path, stdin: str | None = None, cwd=None) -> Run:
    """Run the installed console script in a new process."""
    done = subprocess.run([str(SCRIPT), *args], input=stdin, capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**os.environ, **environment(database, logs)})
    return Run(done.returncode, done.stdout, done.stderr)


def run_main(args: list[str], database: Path, logs: Path, stdin: str | None = None) -> Run:
    """Run the console script's entry point in this process (quicker; the same handler and exit codes)."""
    runner = CliRunner()
    argv = sys.argv
    with runner.isolation(input=stdin, env=environment(database, logs)) as (out, err, _):
        try:
            sys.argv = ["surveyapp", *args]  # as the console script is called
            main()
        except SystemExit as exc:
            code = exc.code
        else:
            code = 0
        finally:
            sys.argv = argv
            close_kept_connections()
        return Run(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, prepared_database):
    """Build a database with the demo data once per test run."""
    from surveyapp.demo.data import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    copy_database(prepared_database, path)
    db = connect(path)
    list(load_demo(db))
    db.close()
    return path


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory, demo_template):
    """A copy of the demo database shared by one test module."""
    path = tmp_path_factory.mktemp("cli") / "surveyapp.sqlite"
    copy_database(demo_template, path)
    return path


@pytest.fixture
def logs(tmp_path):
    return tmp_path / "logs"


@pytest.fixture
def cli(demo_database, logs):
    """Run a command line in process on the module's demo database."""
    return lambda *args, stdin=None, database=demo_database: run_main(list(args), database, logs, stdin)
