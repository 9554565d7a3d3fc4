"""`make run` installs only when the package metadata changed, and the metadata declares every shipped folder."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import PROJECT


def dry_run(folder: Path) -> str:
    """Return what `make run` would do in folder, without doing it."""
    return subprocess.run(["make", "-n", "run"], cwd=folder, capture_output=True, text=True, check=True,
                          timeout=60).stdout


def test_make_run_installs_only_when_setup_cfg_or_pyproject_changed(tmp_path):
    for name in ("Makefile", "setup.cfg", "pyproject.toml"):
        shutil.copy2(PROJECT / name, tmp_path / name)
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch(mode=0o755)
    assert "pip install" in dry_run(tmp_path)  # a fresh clone: install once
    (tmp_path / ".venv" / ".installed").touch()
    second = dry_run(tmp_path)
    assert "pip install" not in second and "surveyapp demo" in second and "gunicorn" in second
    later = (tmp_path / ".venv" / ".installed").stat().st_mtime + 10
    os.utime(tmp_path / "setup.cfg", (later, later))  # the metadata changed: install again
    assert "pip install" in dry_run(tmp_path)


def test_every_folder_of_shipped_files_is_a_declared_package():
    """setuptools warns "Package would be ignored" for a folder it can import but was not told about."""
    from setuptools.config.setupcfg import read_configuration

    options = read_configuration(PROJECT / "setup.cfg")["options"]
    folders = {".".join(path.relative_to(PROJECT).parts) for path in (PROJECT / "surveyapp").rglob("*")
               if path.is_dir() and path.name != "__pycache__" and any(p.is_file() for p in path.iterdir())}
    assert {"surveyapp.web.templates.admin", "surveyapp.render.font_files", "surveyapp.accounts.data"} <= folders
    assert folders - set(options["packages"]) == set()
