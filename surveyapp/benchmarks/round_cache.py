"""A small per-process cache for what is computed from one round's responses.

Anything built from a round's stored answers (its benchmark, the dashboard's
tables) stays valid until the round's responses or the organisations change.
The cache keys every entry on the round's fingerprint, read fresh from the
database on each lookup, so a new submission is seen by the very next request
in every worker process; nothing has to be told to forget.

The invalidation rule, `round_fingerprint`: the round's number of responses,
their highest id, the sum of their versions, how many are submitted, the
latest updated_at, and a digest of every organisation's id, area and sector.
Each way answers change moves at least one of these: a page save or a
submission bumps its response's version (responses.save_domain,
submit_response), a reopening bumps it too, and an import adds responses. An
organisation moving area or sector changes the digest. Answers changed by hand
in SQL, without touching their response, are not seen: do not do that.

Reading the fingerprint costs one pass over the round's responses (tens of
thousands of rows, a few milliseconds), never over its answers (millions).

What an entry costs to build after a change is small next to what it was:
benchmarks are computed from the organisation x indicator rows the database
keeps current in the change's own transaction (stats_org_indicator,
benchmarks/maintained.py), so no worker reduces the answers again; and each
round's entries follow that round's fingerprint alone, so a submission in the
current round leaves the previous round's entries in place.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from surveyapp.benchmarks.aggregation import RoundBenchmark, benchmark_round
from surveyapp.benchmarks.disclosure import Viewer, rules_for
from surveyapp.benchmarks.publish import publish
from surveyapp.benchmarks.refresh import refresh_benchmark
from surveyapp.frameworks.model import Framework
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.memo import Memo

T = TypeVar("T")

FINGERPRINT_SQL = """
SELECT count(*), ifnull(max(id), 0), total(version), total(status = 'submitted'), ifnull(max(updated_at), '')
FROM responses WHERE round_id = ?
"""
ORGANISATIONS_SQL = "SELECT group_concat(id || '|' || area || '|' || sector, ';') FROM organisations"


def round_fingerprint(db, round_id: int) -> tuple:
    """Return what changes whenever the answers or organisations behind a round's numbers change."""
    responses = tuple(db.execute(FINGERPRINT_SQL, [round_id]).fetchone())
    organisations = db.execute(ORGANISATIONS_SQL).fetchone()[0] or ""
    return responses + (hashlib.sha256(organisations.encode("utf-8")).hexdigest(),)


def database_path(db) -> str:
    """Return the file behind a connection, so two databases never share entries."""
    return db.execute("PRAGMA database_list").fetchone()[2]


class RoundCache:
    """Entries per (database, round, key), each valid for the fingerprints of the rounds it is built from."""

    def __init__(self, size: int = 16, name: str | None = None):
        """Hold at most `size` entries (surveyapp.storage.memo keeps them)."""
        self._memo = Memo(size, name)

    def get(self, db, round_id: int, key: Hashable, build: Callable[[], T], also: tuple[int, ...] = (),
            update: Callable[[T], T | None] | None = None) -> T:
        """Return the entry for (round, key) if the round has not changed since it was built; else build it.

        `also` names other rounds the entry is built from (such as the previous
        round a report compares with): a change to any of them rebuilds it too.
        `update`, given the stale entry, may return it brought up to date (or
        None): it is tried before `build`.
        """
        fingerprint = tuple(round_fingerprint(db, r) for r in (round_id, *also))
        return self._memo.get((database_path(db), round_id, key), fingerprint, build, update)

    def clear(self) -> None:
        """Forget every entry."""
        self._memo.clear()

    def __len__(self) -> int:
        """Return how many entries are held."""
        return len(self._memo)


round_cache = RoundCache(size=64, name="round figures")  # raw benchmarks and one published set per viewer


def kept_benchmark(db, round_id: int, min_group: int, framework: Framework | None = None):
    """Return a round's benchmark, reusing one computed from exactly the same data.

    One entry per (round, framework, min_group), whichever page asks: the
    confirmation page, the dashboard and the reports share it. `framework`
    (default: the round's own) is the one the round is scored with; a report
    scores the previous round with the current round's framework. The entry
    is keyed on that round's fingerprint alone, so a submission in the current
    round never recomputes the previous one.
    """
    framework = framework or framework_for_round(db, round_id)
    return round_cache.get(db, round_id, ("benchmark", min_group, framework.key),
                           lambda: benchmark_round(db, round_id, framework, min_group),
                           update=lambda stale: refresh_benchmark(db, stale, round_id, framework))


def publish_for(bench: RoundBenchmark, framework: Framework, viewer: Viewer, min_group: int) -> RoundBenchmark:
    """Publish a benchmark for a viewer under its framework's disclosure rules."""
    values = framework.scales[0].values
    bands = [(values[i], values[i + 1], i == len(values) - 2) for i in range(len(values) - 1)]
    return publish(bench, viewer, rules_for(framework.disclosure, min_group), bands)


def published_benchmark(db, round_id: int, viewer: Viewer, min_group: int,
                        framework: Framework | None = None) -> RoundBenchmark:
    """Return a round's figures as this viewer may see them, computed once per viewer until the round changes.

    `framework` as for kept_benchmark: a report publishes the previous round scored with the current
    round's framework, and keeps that copy until the previous round itself changes.
    """
    framework = framework or framework_for_round(db, round_id)
    return round_cache.get(
        db, round_id, ("published", min_group, framework.key, viewer.key),
        lambda: publish_for(kept_benchmark(db, round_id, min_group, framework), framework, viewer, min_group))
