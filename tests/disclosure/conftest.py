"""The demo data, built once for the disclosure tests: the attacker, the check command and the page walk."""
from __future__ import annotations

import pytest

from surveyapp.demo.data import load_demo
from surveyapp.storage.db import connect

from ..conftest import copy_database


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory, prepared_database):
    """A database file holding the demo data; tests that write copy it first."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    copy_database(prepared_database, path)
    db = connect(path)
    load_demo(db)
    db.close()
    return path
