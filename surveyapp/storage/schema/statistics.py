"""Migrations: the benchmark statistics kept current by triggers, in the transaction of each change.

Each function is one named migration; storage/migrations.py runs them in order.
"""
from __future__ import annotations

# The reduction of one organisation's submitted answers in a round, as benchmarks read it
# (benchmarks/reduction.py, ORG_INDICATOR_SQL): rows holding both a value and an option
# count as blanks. Filled in by the statements below for one (round, organisation[, indicator]).
_REDUCE = """
    INSERT INTO stats_org_indicator (round_id, organisation_id, indicator_id, n_scoring, value_sum,
                                     value_min, value_max, n_non_scoring)
    SELECT r.round_id, r.organisation_id, a.indicator_id, COUNT(a.value), SUM(a.value), MIN(a.value),
           MAX(a.value), COUNT(a.option)
      FROM responses AS r JOIN answers AS a ON a.response_id = r.id
     WHERE r.round_id = {round} AND r.organisation_id = {org} AND r.status = 'submitted'
       AND (a.option IS NULL OR a.value IS NULL) {indicator}
     GROUP BY a.indicator_id;
"""


def _refresh(round_id: str, org: str, indicator: str | None = None) -> str:
    """Return the statements that recompute one organisation's (or one of its indicators') rows."""
    only = f"AND indicator_id = {indicator}" if indicator else ""
    return (f"DELETE FROM stats_org_indicator WHERE round_id = {round_id} AND organisation_id = {org} {only};"
            + _REDUCE.format(round=round_id, org=org, indicator=f"AND a.indicator_id = {indicator}"
                             if indicator else ""))


def _submitted(response_id: str) -> str:
    """Return a condition: the response is submitted."""
    return f"EXISTS (SELECT 1 FROM responses WHERE id = {response_id} AND status = 'submitted')"


def _owner(response_id: str, column: str) -> str:
    """Return a subquery for the round or organisation of a response."""
    return f"(SELECT {column} FROM responses WHERE id = {response_id})"


def m0006_maintained_stats(db):
    """Keep each round's organisation x indicator reduction of submitted answers, updated with every change.

    Triggers keep the table in the same transaction as the change, whichever code makes it:
    an answer added to a submitted response (an import) adds to its row; submitting,
    reopening, moving or deleting a response recomputes its organisation's rows from that
    organisation's answers (a few hundred rows); an answer of a submitted response changed
    or removed recomputes its one row. `surveyapp benchmark --rebuild` recomputes it all.
    """
    db.executescript(
        """
        CREATE TABLE stats_org_indicator (
            round_id INTEGER NOT NULL,
            organisation_id INTEGER NOT NULL,
            indicator_id TEXT NOT NULL,
            n_scoring INTEGER NOT NULL,      -- answers with a value
            value_sum REAL,                  -- NULL when none has a value
            value_min REAL,
            value_max REAL,
            n_non_scoring INTEGER NOT NULL,  -- answers with an option such as "Don't know"
            PRIMARY KEY (round_id, organisation_id, indicator_id)
        ) WITHOUT ROWID;
        """
        + _REDUCE.replace("WHERE r.round_id = {round} AND r.organisation_id = {org} AND", "WHERE")
        .replace("{indicator}", "").replace("GROUP BY a.indicator_id",
                                            "GROUP BY r.round_id, r.organisation_id, a.indicator_id")
        + f"""
        CREATE TRIGGER stats_answer_added AFTER INSERT ON answers
        WHEN (NEW.option IS NULL OR NEW.value IS NULL) AND {_submitted("NEW.response_id")}
        BEGIN
            INSERT INTO stats_org_indicator (round_id, organisation_id, indicator_id, n_scoring, value_sum,
                                             value_min, value_max, n_non_scoring)
            SELECT round_id, organisation_id, NEW.indicator_id, NEW.value IS NOT NULL, NEW.value, NEW.value,
                   NEW.value, NEW.option IS NOT NULL
              FROM responses WHERE id = NEW.response_id
            ON CONFLICT (round_id, organisation_id, indicator_id) DO UPDATE SET
                n_scoring = n_scoring + excluded.n_scoring,
                value_sum = CASE WHEN excluded.value_sum IS NULL THEN value_sum WHEN value_sum IS NULL
                                 THEN excluded.value_sum ELSE value_sum + excluded.value_sum END,
                value_min = CASE WHEN excluded.value_min IS NULL THEN value_min WHEN value_min IS NULL
                                 THEN excluded.value_min ELSE min(value_min, excluded.value_min) END,
                value_max = CASE WHEN excluded.value_max IS NULL THEN value_max WHEN value_max IS NULL
                                 THEN excluded.value_max ELSE max(value_max, excluded.value_max) END,
                n_non_scoring = n_non_scoring + excluded.n_non_scoring;
        END;
        CREATE TRIGGER stats_answer_removed AFTER DELETE ON answers
        WHEN {_submitted("OLD.response_id")}
        BEGIN
            {_refresh(_owner("OLD.response_id", "round_id"), _owner("OLD.response_id", "organisation_id"),
                      "OLD.indicator_id")}
        END;
        CREATE TRIGGER stats_answer_changed AFTER UPDATE ON answers
        WHEN {_submitted("OLD.response_id")} OR {_submitted("NEW.response_id")}
        BEGIN
            {_refresh(_owner("OLD.response_id", "round_id"), _owner("OLD.response_id", "organisation_id"),
                      "OLD.indicator_id")}
            {_refresh(_owner("NEW.response_id", "round_id"), _owner("NEW.response_id", "organisation_id"),
                      "NEW.indicator_id")}
        END;
        CREATE TRIGGER stats_response_changed AFTER UPDATE OF status, round_id, organisation_id ON responses
        WHEN OLD.status = 'submitted' OR NEW.status = 'submitted'
        BEGIN
            {_refresh("OLD.round_id", "OLD.organisation_id")}
            {_refresh("NEW.round_id", "NEW.organisation_id")}
        END;
        CREATE TRIGGER stats_response_removed AFTER DELETE ON responses
        WHEN OLD.status = 'submitted'
        BEGIN
            {_refresh("OLD.round_id", "OLD.organisation_id")}
        END;
        """
    )


# A new change number for stats_changes: one above the highest so far (its index finds it).
_NEXT_SERIAL = "(SELECT ifnull(max(serial), 0) + 1 FROM stats_changes)"


def _touch(round_id: str, org: str) -> str:
    """Return the statement that marks one (round, organisation) as changed."""
    return (f"INSERT INTO stats_changes (round_id, organisation_id, serial) VALUES ({round_id}, {org}, "
            f"{_NEXT_SERIAL}) ON CONFLICT (round_id, organisation_id) DO UPDATE SET serial = excluded.serial;")


def m0011_group_stats(db):
    """Say which organisations' numbers changed since a benchmark was built, so only their groups are redone.

    Every change to an organisation's kept rows (stats_org_indicator, whichever trigger or
    rebuild makes it), to its submitted responses (its respondent count) or to its name,
    area or sector gives that (round, organisation) a new, higher change number, in the
    same transaction. A kept benchmark remembers the highest number it has seen; the
    organisations above it are the only ones whose groups it recomputes
    (benchmarks/refresh.py).
    """
    db.executescript(
        f"""
        CREATE TABLE stats_changes (
            round_id INTEGER NOT NULL,
            organisation_id INTEGER NOT NULL,
            serial INTEGER NOT NULL,         -- higher for a later change, across all rounds
            PRIMARY KEY (round_id, organisation_id)
        ) WITHOUT ROWID;
        CREATE INDEX stats_changes_serial ON stats_changes (serial);
        CREATE TRIGGER stats_changes_row_added AFTER INSERT ON stats_org_indicator
        BEGIN {_touch("NEW.round_id", "NEW.organisation_id")} END;
        CREATE TRIGGER stats_changes_row_removed AFTER DELETE ON stats_org_indicator
        BEGIN {_touch("OLD.round_id", "OLD.organisation_id")} END;
        CREATE TRIGGER stats_changes_row_changed AFTER UPDATE ON stats_org_indicator
        BEGIN {_touch("OLD.round_id", "OLD.organisation_id")} {_touch("NEW.round_id", "NEW.organisation_id")} END;
        CREATE TRIGGER stats_changes_response_added AFTER INSERT ON responses
        WHEN NEW.status = 'submitted'
        BEGIN {_touch("NEW.round_id", "NEW.organisation_id")} END;
        CREATE TRIGGER stats_changes_response_changed AFTER UPDATE OF status, round_id, organisation_id ON responses
        WHEN OLD.status = 'submitted' OR NEW.status = 'submitted'
        BEGIN {_touch("OLD.round_id", "OLD.organisation_id")} {_touch("NEW.round_id", "NEW.organisation_id")} END;
        CREATE TRIGGER stats_changes_response_removed AFTER DELETE ON responses
        WHEN OLD.status = 'submitted'
        BEGIN {_touch("OLD.round_id", "OLD.organisation_id")} END;
        CREATE TRIGGER stats_changes_organisation_changed AFTER UPDATE OF name, area, sector ON organisations
        WHEN OLD.name IS NOT NEW.name OR OLD.area IS NOT NEW.area OR OLD.sector IS NOT NEW.sector
        BEGIN
            INSERT INTO stats_changes (round_id, organisation_id, serial)
            SELECT DISTINCT round_id, NEW.id, {_NEXT_SERIAL} FROM responses
             WHERE organisation_id = NEW.id AND status = 'submitted'
            ON CONFLICT (round_id, organisation_id) DO UPDATE SET serial = excluded.serial;
        END;
        """
    )
