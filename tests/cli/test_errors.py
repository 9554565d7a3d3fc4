"""No traceback reaches a person: known errors are one plain sentence and a documented exit code."""
from __future__ import annotations

from surveyapp.storage.db import connect
from tests.cli.conftest import run_main, run_script
from tests.conftest import copy_database

# the documented exit codes (README, "Exit codes"), written out: they are a promise to scripts
EXIT_USAGE, EXIT_INPUT, EXIT_STATE, EXIT_UNEXPECTED = 1, 2, 3, 4


def test_a_command_on_an_uninitialised_database_says_to_run_init_db(tmp_path, logs):
    run = run_main(["rounds", "list"], tmp_path / "new.sqlite", logs)
    assert run.code == EXIT_STATE
    assert run.err == "Error: the database is not initialised: run surveyapp init-db.\n"
    assert run.out == ""


def test_a_database_from_an_older_version_says_to_run_init_db(tmp_path, logs, prepared_database):
    copy_database(prepared_database, tmp_path / "old.sqlite")
    db = connect(tmp_path / "old.sqlite")
    db.execute("DROP TABLE rounds")  # as if a later migration had not been applied yet
    db.close()
    run = run_main(["rounds", "list"], tmp_path / "old.sqlite", logs)
    assert (run.code, run.err) == (EXIT_STATE, "Error: the database is not up to date with this version of "
                                               "surveyapp: run surveyapp init-db.\n")


def test_a_bad_date_says_the_format_with_an_example(cli):
    run = cli("rounds", "create", "--framework", "strategic-planning", "--title", "T", "--opens", "1/4/2026")
    assert run.code == EXIT_INPUT
    assert "'1/4/2026' is not a date: write it as YYYY-MM-DD, for example 2026-04-01" in run.err
    assert "isoformat" not in run.text and "Traceback" not in run.text


def test_a_bad_number_says_the_format_with_an_example(cli):
    run = cli("export-responses", "--round", "two", "-o", "x.csv")
    assert run.code == EXIT_INPUT
    assert "'two' is not a whole number: write digits only, for example 3" in run.err
    out_of_range = cli("export-responses", "--round", "99999999999999999999", "-o", "x.csv")
    assert out_of_range.code == EXIT_INPUT and "out of range" in out_of_range.err


def test_an_unknown_command_is_a_usage_error(cli):
    run = cli("rounds", "lsit")
    assert run.code == EXIT_USAGE
    assert "No such command 'lsit'" in run.err


def test_a_refusal_by_a_command_is_an_input_error(cli):
    run = cli("export-responses", "--round", "999", "-o", "x.csv")
    assert (run.code, run.err) == (EXIT_INPUT, "Error: there is no round 999\n")


def test_an_unexpected_error_gives_a_short_message_and_a_log_file(tmp_path, logs, demo_template):
    copy_database(demo_template, tmp_path / "broken.sqlite")
    db = connect(tmp_path / "broken.sqlite")
    db.execute("UPDATE framework_versions SET definition = '{not json'")  # damaged by hand
    db.close()
    # a new process: this one keeps the framework versions it has read
    run = run_script(["export-responses", "--round", "1", "-o", str(tmp_path / "x.csv")], tmp_path / "broken.sqlite",
                     logs)
    assert run.code == EXIT_UNEXPECTED
    assert "Traceback" not in run.text
    [log] = list(logs.glob("cli-error-*.log"))
    assert run.err == (f"surveyapp stopped on an unexpected error (JSONDecodeError). Nothing more was done. "
                       f"The details are in {log}\n")
    assert "Traceback (most recent call last)" in log.read_text()
    assert log.read_text().startswith("surveyapp ")
