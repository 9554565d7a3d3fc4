"""The maintained statistics equal the ones rebuilt from the answers, after any sequence of changes.

Random sequences of what changes a round's numbers, each through the code that does it in the
app: submitting (start, save each page, submit), reopening, changing answers and submitting
again, importing a CSV, moving an organisation to another area or sector, deleting a response,
and an answer corrected in SQL. After each sequence, every round's maintained rows equal the
reference reduction of its answers, and the benchmark computed from them equals the one
computed from the answers, for every group, level and statistic, to 1e-12.
"""
from __future__ import annotations

import random
import sqlite3

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveyapp.accounts.organisations import AREAS, SECTORS, upsert_organisations
from surveyapp.assessments.answers_csv import import_responses
from surveyapp.assessments.responses import Answer, reopen_response, save_domain, start_response, submit_response
from surveyapp.benchmarks.aggregation import GROUPINGS, LEVELS, benchmark_round, rebuilt_benchmark
from surveyapp.benchmarks.maintained import compare_round, rebuild_round
from surveyapp.benchmarks.refresh import refresh_benchmark
from surveyapp.storage.db import connect, write_transaction

from .aggregation_helpers import add_round, framework, new_db

ORGANISATIONS = 5
FW = framework()
SCORED = [i for d in FW.domains for i in d.scored_indicators]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A migrated database with two rounds of the test framework and five organisations."""
    path = tmp_path_factory.mktemp("maintained") / "template.sqlite"
    db = new_db(path)
    first, second = add_round(db, FW), add_round(db, FW)
    with write_transaction(db):
        for n in range(ORGANISATIONS):
            db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, ?, ?)",
                       [f"Organisation {n}", AREAS[n % len(AREAS)], SECTORS[n % 2]])
    db.close()
    return path, (first, second)


def fresh(template_path, target):
    """Copy the template database to a new file and open it."""
    src, dst = sqlite3.connect(template_path), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return connect(target)


def answers_for(seed: int, blanks: bool = False) -> dict[str, Answer]:
    """Return answers to every scored indicator: mostly levels, some options, some blanks if allowed."""
    rng = random.Random(seed)
    out = {}
    for indicator in SCORED:
        roll = rng.random()
        if blanks and roll < 0.1:
            continue
        out[indicator.id] = (Answer(option=rng.choice(["na", "dk"])) if roll < 0.25
                             else Answer(value=float(rng.randint(1, 6))))
    return out


def submit(db, round_id, org_id, respondent, seed):
    """Start, fill every page and submit one response, as a respondent does."""
    response = start_response(db, round_id, org_id, respondent)
    if response["status"] == "submitted":
        return
    answers = answers_for(seed)
    version = response["version"]
    for domain in FW.domains:
        version = save_domain(db, response["id"], domain, answers, version, completed=True)
    submit_response(db, FW, response["id"])


def import_csv(db, round_id, org, respondent, seed):
    """Import one respondent's answers for an organisation from a CSV, as an administrator does."""
    lines = ["organisation,area,sector,respondent,domain,indicator,value,comment"]
    # every question answered: an import refuses a submitted response with a required one blank
    for indicator, answer in answers_for(seed).items():
        value = answer.option if answer.option else f"{answer.value:g}"
        lines.append(f"{org['name']},{org['area']},{org['sector']},{respondent},,{indicator},{value},")
    try:
        _, errors = import_responses(db, round_id, FW, "\n".join(lines) + "\n")
    except ValueError:  # this respondent already answered: the import refuses it whole
        return
    if errors and all("already has a response" in e.message for e in errors):
        return  # the same refusal, reported as a row problem
    assert not errors, errors


def pick(db, sql, params, k):
    """Return the k-th (modulo) row id a query gives, or None."""
    ids = [row[0] for row in db.execute(sql, params)]
    return ids[k % len(ids)] if ids else None


def apply(db, rounds, op):
    """Apply one generated change to the database."""
    kind, r, a, b = op
    round_id = rounds[r]
    orgs = [dict(zip(("id", "name", "area", "sector"), row))
            for row in db.execute("SELECT id, name, area, sector FROM organisations ORDER BY id")]
    org = orgs[a % len(orgs)]
    if kind == "submit":
        submit(db, round_id, org["id"], f"person{b % 4}@example.org", b)
    elif kind == "import":
        import_csv(db, round_id, org, f"imported{b % 3}@example.org", b)
    elif kind == "reopen":
        response = pick(db, "SELECT id FROM responses WHERE round_id = ? AND status = 'submitted' ORDER BY id",
                        [round_id], b)
        if response is not None:
            reopen_response(db, response)
    elif kind == "resubmit":
        drafts = db.execute("SELECT organisation_id, respondent FROM responses WHERE round_id = ? "
                            "AND status = 'draft' ORDER BY id", [round_id]).fetchall()
        if drafts:
            org_id, respondent = drafts[b % len(drafts)]
            submit(db, round_id, org_id, respondent, b + 1)  # new answers on every page, then submit
    elif kind == "move":
        upsert_organisations(db, [{"name": org["name"], "area": AREAS[b % len(AREAS)],
                                   "sector": SECTORS[(b // 3) % len(SECTORS)]}])
    elif kind == "delete":
        response = pick(db, "SELECT id FROM responses WHERE round_id = ? ORDER BY id", [round_id], b)
        if response is not None:
            with write_transaction(db):
                db.execute("DELETE FROM responses WHERE id = ?", [response])
    elif kind == "correct":  # an answer corrected by hand, in SQL
        answer = pick(db, "SELECT a.rowid FROM answers a JOIN responses r ON r.id = a.response_id "
                          "WHERE r.round_id = ? AND r.status = 'submitted' ORDER BY a.rowid", [round_id], b)
        if answer is not None:
            with write_transaction(db):
                db.execute("UPDATE answers SET value = ?, option = NULL WHERE rowid = ?", [float(1 + b % 6), answer])


OPERATIONS = st.tuples(
    st.sampled_from(["submit", "submit", "import", "reopen", "resubmit", "move", "delete", "correct"]),
    st.integers(0, 1), st.integers(0, ORGANISATIONS - 1), st.integers(0, 10_000))


def assert_same_benchmark(kept, rebuilt):
    """Assert two benchmarks agree on every organisation score, group statistic and position, to 1e-12."""
    for level in LEVELS:
        _assert_same_frame(kept.org_table(level), rebuilt.org_table(level))
        for by in GROUPINGS:
            _assert_same_frame(kept.groups[by, level], rebuilt.groups[by, level])
    _assert_same_frame(kept.agreement, rebuilt.agreement)
    _assert_same_frame(kept.organisations, rebuilt.organisations)


def _assert_same_frame(a: pd.DataFrame, b: pd.DataFrame):
    """Assert two frames have the same rows and columns; numbers within 1e-12."""
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for column in a.columns:
        x, y = a[column].to_numpy(), b[column].to_numpy()
        if x.dtype.kind == "f":
            assert np.allclose(x, y, rtol=1e-12, atol=1e-12, equal_nan=True), column
        else:
            assert [str(v) for v in x] == [str(v) for v in y], column


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(OPERATIONS, min_size=1, max_size=14))
def test_maintained_statistics_equal_the_rebuilt_ones_after_any_changes(template, tmp_path_factory, ops):
    path, rounds = template
    db = fresh(path, tmp_path_factory.mktemp("case") / "case.sqlite")
    try:
        for op in ops:
            apply(db, rounds, op)
        for round_id in rounds:
            comparison = compare_round(db, round_id)
            assert comparison.same, (ops, comparison)
            if db.execute("SELECT 1 FROM responses WHERE round_id = ? AND status = 'submitted'",
                          [round_id]).fetchone():
                assert_same_benchmark(benchmark_round(db, round_id, FW), rebuilt_benchmark(db, round_id, FW))
    finally:
        db.close()


def has_submissions(db, round_id) -> bool:
    """Return True when a round has a submitted response, so that it has a benchmark."""
    return db.execute("SELECT 1 FROM responses WHERE round_id = ? AND status = 'submitted'",
                      [round_id]).fetchone() is not None


REFRESHED = {"applied": 0, "afresh": 0}  # how often the touched-groups path ran, over every example


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(OPERATIONS, min_size=1, max_size=14), st.lists(OPERATIONS, min_size=1, max_size=10))
def test_a_kept_benchmark_brought_up_to_date_equals_the_rebuilt_one(template, tmp_path_factory, before, ops):
    """Only the touched groups are recomputed after each change, and every figure still equals a rebuild."""
    path, rounds = template
    db = fresh(path, tmp_path_factory.mktemp("refresh") / "case.sqlite")
    try:
        for op in before:
            apply(db, rounds, op)
        kept = {r: benchmark_round(db, r, FW) for r in rounds if has_submissions(db, r)}
        for op in ops:
            apply(db, rounds, op)
            for round_id in rounds:
                if not has_submissions(db, round_id):
                    kept.pop(round_id, None)
                    continue
                new = refresh_benchmark(db, kept[round_id], round_id, FW) if round_id in kept else None
                if new is None or new.serial != kept[round_id].serial:
                    REFRESHED["applied" if new is not None else "afresh"] += 1
                kept[round_id] = new if new is not None else benchmark_round(db, round_id, FW)
                assert_same_benchmark(kept[round_id], rebuilt_benchmark(db, round_id, FW))
    finally:
        db.close()


def test_the_touched_groups_path_was_taken():
    """The property test above exercised the incremental path, not only the fresh computation."""
    if not any(REFRESHED.values()):
        pytest.skip("run with the property test")
    assert REFRESHED["applied"] > REFRESHED["afresh"] / 4, REFRESHED


def test_one_submission_recomputes_only_its_groups(template, tmp_path):
    """A submission for an organisation with results changes its groups' figures and no other group's."""
    path, (round_id, _) = template
    db = fresh(path, tmp_path / "touched.sqlite")
    for n in range(ORGANISATIONS):
        submit(db, round_id, 1 + n, "first@example.org", n)
    kept = benchmark_round(db, round_id, FW)
    submit(db, round_id, 1, "second@example.org", 99)
    new = refresh_benchmark(db, kept, round_id, FW)
    assert new is not None and new.serial > kept.serial
    assert_same_benchmark(new, rebuilt_benchmark(db, round_id, FW))
    area = db.execute("SELECT area FROM organisations WHERE id = 1").fetchone()[0]
    before, after = kept.groups["area", "overall"], new.groups["area", "overall"]
    moved = before["area"].astype(str) == area
    assert (before.loc[~moved, "mean"].to_numpy() == after.loc[~moved, "mean"].to_numpy()).all()
    assert (before.loc[moved, "n_respondents"].to_numpy() + 1 == after.loc[moved, "n_respondents"].to_numpy()).all()
    assert refresh_benchmark(db, new, round_id, FW).serial == new.serial  # nothing changed since
    db.close()


def test_rebuild_repairs_rows_changed_behind_the_triggers_back(template, tmp_path):
    path, (round_id, _) = template
    db = fresh(path, tmp_path / "repair.sqlite")
    for n in range(3):
        submit(db, round_id, 1 + n, "lead@example.org", n)
    assert compare_round(db, round_id).same
    with write_transaction(db):  # something that is not the app changes the kept numbers
        db.execute("UPDATE stats_org_indicator SET n_scoring = n_scoring + 1 WHERE organisation_id = 1")
        db.execute("DELETE FROM stats_org_indicator WHERE organisation_id = 2")
    broken = compare_round(db, round_id)
    assert not broken.same and broken.missing == len(SCORED) and broken.different == len(SCORED)
    assert rebuild_round(db, round_id) == broken  # says what it found
    assert compare_round(db, round_id).same
    db.close()
