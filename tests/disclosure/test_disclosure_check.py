"""`surveyapp disclosure-check`, run as an administrator runs it: the installed command on a real database."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from surveyapp.storage.db import connect

from ..conftest import copy_database

SURVEYAPP = str(Path(sys.executable).with_name("surveyapp"))


def run(path, *args):
    """Run the installed command against one database file."""
    env = {**os.environ, "SURVEYAPP_DATABASE": str(path)}
    return subprocess.run([SURVEYAPP, *args], capture_output=True, text=True, env=env, timeout=300)


def test_every_demo_round_passes(demo_file):
    for round_id in range(1, 8):
        result = run(demo_file, "disclosure-check", "--round", str(round_id))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "a commissioner for Dundee City:" in result.stdout
        assert "No viewer can work out another organisation's answers" in result.stdout
        assert "Traceback" not in result.stderr


def test_one_person_and_an_unknown_email(demo_file):
    result = run(demo_file, "disclosure-check", "--round", "6", "--as", "commissioner@example.org")
    assert result.returncode == 0 and "a commissioner for Dundee City:" in result.stdout
    missing = run(demo_file, "disclosure-check", "--round", "6", "--as", "nobody@example.org")
    assert missing.returncode == 2 and "no active user has the email nobody@example.org" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_an_unsafe_framework_setting_is_a_risk_that_names_the_figure(demo_file, tmp_path):
    unsafe = tmp_path / "unsafe.sqlite"
    copy_database(demo_file, unsafe)
    db = connect(unsafe)
    key = db.execute("SELECT framework_key FROM rounds WHERE id = 4").fetchone()[0]
    definition = json.loads(db.execute("SELECT definition FROM framework_versions WHERE key = ?", [key]).fetchone()[0])
    definition["disclosure"] = {"min_for_spread": 3}  # medians of three organisations give each score
    db.execute("UPDATE framework_versions SET definition = ?, content_hash = 'unsafe' WHERE key = ?",
               [json.dumps(definition), key])
    db.conn.commit()
    db.close()
    result = run(unsafe, "disclosure-check", "--round", "4")
    assert result.returncode == 1
    assert "RISK" in result.stdout and "median and quartiles rest on" in result.stdout
    assert "risk: overall area" in result.stdout or "risk: domain" in result.stdout or "risk: indicator" in result.stdout
    assert "do not open these results" in result.stderr
