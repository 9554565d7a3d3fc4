"""The database schema, only ever changed by named, ordered migrations."""
from __future__ import annotations

from surveyapp.storage.light_sqlite_utils import sqlite_utils

Migrations = sqlite_utils.migrations.Migrations

migrations = Migrations("surveyapp")


@migrations(name="0001_initial")
def m0001_initial(db):
    """Create organisations, frameworks, rounds, people, responses and answers."""
    db.executescript(
        """
        CREATE TABLE organisations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            area TEXT NOT NULL,
            sector TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE framework_versions (
            key TEXT PRIMARY KEY,                -- "<id>@<version>"
            framework_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            definition TEXT NOT NULL,            -- the validated definition as JSON
            source_path TEXT NOT NULL,
            registered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            UNIQUE (framework_id, version)
        );
        CREATE TABLE rounds (
            id INTEGER PRIMARY KEY,
            framework_key TEXT NOT NULL REFERENCES framework_versions(key),
            title TEXT NOT NULL,
            opens_on TEXT,                       -- ISO date, inclusive
            closes_on TEXT,                      -- ISO date, inclusive
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('draft', 'open', 'closed')),
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE round_organisations (       -- who was invited to a round
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            PRIMARY KEY (round_id, organisation_id)
        );
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('service_lead', 'facilitator', 'commissioner', 'admin')),
            password_hash TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE memberships (               -- service leads and their organisations
            user_id INTEGER NOT NULL REFERENCES users(id),
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            PRIMARY KEY (user_id, organisation_id)
        );
        CREATE TABLE user_areas (                -- areas a facilitator or commissioner covers
            user_id INTEGER NOT NULL REFERENCES users(id),
            area TEXT NOT NULL,
            PRIMARY KEY (user_id, area)
        );
        CREATE TABLE responses (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            respondent TEXT NOT NULL,            -- user email, or a label from an import
            user_id INTEGER REFERENCES users(id),
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
            version INTEGER NOT NULL DEFAULT 1,  -- bumped on every save: stale saves are refused
            reference TEXT UNIQUE,               -- given at submission
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            submitted_at TEXT,
            UNIQUE (round_id, organisation_id, respondent)
        );
        CREATE INDEX responses_round ON responses(round_id, status);
        CREATE TABLE answers (
            response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            indicator_id TEXT NOT NULL,
            domain_id TEXT NOT NULL,
            value REAL,                          -- a level's value, or a number answer
            option TEXT,                         -- a non-scoring option, or a choice/yes-no key
            text TEXT,                           -- a free-text answer
            comment TEXT,                        -- evidence or comment
            PRIMARY KEY (response_id, indicator_id)
        );
        CREATE TABLE domain_status (
            response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            domain_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
            PRIMARY KEY (response_id, domain_id)
        );
        """
    )


@migrations(name="0002_accounts")
def m0002_accounts(db):
    """Add server-side sessions, sign-in throttling, emailed links, the outbox, audit log and reopenings."""
    db.executescript(
        """
        CREATE TABLE sessions (                  -- signed-in sessions, ended on the server at sign-out
            id_hash TEXT PRIMARY KEY,            -- sha256 of the cookie's id: a copied database holds no live session
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            ended_at TEXT,
            end_reason TEXT
        );
        CREATE INDEX sessions_user ON sessions(user_id);
        CREATE TABLE sign_in_failures (          -- recent failed sign-ins, for throttling
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL,                 -- as typed, lower case; need not belong to anyone
            client TEXT NOT NULL,                -- remote address
            failed_at TEXT NOT NULL
        );
        CREATE INDEX sign_in_failures_email ON sign_in_failures(email, failed_at);
        CREATE INDEX sign_in_failures_client ON sign_in_failures(client, failed_at);
        CREATE TABLE tokens (                    -- single-use, expiring links: invitations and password resets
            id INTEGER PRIMARY KEY,
            purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
            token_hash TEXT NOT NULL UNIQUE,
            email TEXT NOT NULL COLLATE NOCASE,
            name TEXT,
            user_id INTEGER REFERENCES users(id),
            organisation_id INTEGER REFERENCES organisations(id),
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE INDEX tokens_email ON tokens(email, purpose);
        CREATE TABLE outbox (                    -- every outgoing message; admins read it when there is no mail server
            id INTEGER PRIMARY KEY,
            to_address TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE TABLE audit_log (                 -- who did what to which organisation, when (UTC); never answer text
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_id INTEGER,                     -- no foreign keys: the log outlives what it names
            user_email TEXT,
            organisation_id INTEGER,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            client TEXT
        );
        CREATE INDEX audit_log_at ON audit_log(at);
        CREATE TABLE reopenings (                -- a submitted response returned to draft, and why
            id INTEGER PRIMARY KEY,
            response_id INTEGER NOT NULL REFERENCES responses(id),
            reopened_by INTEGER NOT NULL REFERENCES users(id),
            reason TEXT NOT NULL,
            reopened_at TEXT NOT NULL
        );
        CREATE TABLE kept_forms (                -- a save that arrived after its session timed out, until sign-in
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            path TEXT NOT NULL,
            fields TEXT NOT NULL,                -- JSON list of [name, value] pairs
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        """
    )


@migrations(name="0003_improvement_plans")
def m0003_improvement_plans(db):
    """Add improvement plan actions, the indicators each addresses, and dated progress notes."""
    db.executescript(
        """
        CREATE TABLE plan_actions (              -- one agreed action in an organisation's improvement plan
            id INTEGER PRIMARY KEY,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            round_id INTEGER NOT NULL REFERENCES rounds(id),  -- the results it answers; progress is read
                                                 -- from the next round of the same framework
            title TEXT NOT NULL,                 -- what will be done
            lead TEXT NOT NULL,                  -- lead person or partner agency, as typed
            target_date TEXT,                    -- ISO date; NULL while a timescale is still to be agreed
            status TEXT NOT NULL DEFAULT 'not_started'
                CHECK (status IN ('not_started', 'on_track', 'at_risk', 'done')),
            completed_on TEXT,                   -- ISO date it was marked done
            version INTEGER NOT NULL DEFAULT 1,  -- bumped on every edit: a stale edit is refused
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX plan_actions_organisation ON plan_actions(organisation_id, status);
        CREATE TABLE plan_action_indicators (    -- which indicators an action addresses
            action_id INTEGER NOT NULL REFERENCES plan_actions(id) ON DELETE CASCADE,
            indicator_id TEXT NOT NULL,
            domain_id TEXT NOT NULL,             -- the domain in the action's round, for filtering
            PRIMARY KEY (action_id, indicator_id)
        );
        CREATE INDEX plan_action_indicators_domain ON plan_action_indicators(domain_id);
        CREATE TABLE plan_notes (                -- dated progress notes on an action
            id INTEGER PRIMARY KEY,
            action_id INTEGER NOT NULL REFERENCES plan_actions(id) ON DELETE CASCADE,
            noted_on TEXT NOT NULL,              -- ISO date the progress is reported for
            note TEXT NOT NULL,
            status TEXT NOT NULL                 -- the action's status as this note left it
                CHECK (status IN ('not_started', 'on_track', 'at_risk', 'done')),
            author_id INTEGER REFERENCES users(id),
            author_name TEXT NOT NULL DEFAULT '',-- kept as written: the note outlives an account's name
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX plan_notes_action ON plan_notes(action_id, noted_on);
        """
    )


@migrations(name="0004_mail_queue")
def m0004_mail_queue(db):
    """Turn the outbox into a delivery queue, and record reminders sent per person, round and day."""
    db.executescript(
        """
        ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('preparing', 'queued', 'sending', 'sent', 'failed', 'cancelled'));
        ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';  -- invitation, password_reset, ...
        ALTER TABLE outbox ADD COLUMN html TEXT;                 -- the HTML part; body is the plain-text part
        ALTER TABLE outbox ADD COLUMN base_url TEXT;             -- where links point, for work prepared later
        ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN last_error TEXT;
        ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;      -- NULL: as soon as a sender runs
        ALTER TABLE outbox ADD COLUMN claimed_at TEXT;           -- when a sender took it (state 'sending')
        ALTER TABLE outbox ADD COLUMN claimed_by TEXT;           -- which sender: host and process id
        -- messages written before there was a mail server were passed on by hand; never send them late
        UPDATE outbox SET state = CASE WHEN sent_at IS NULL THEN 'cancelled' ELSE 'sent' END,
                          last_error = CASE WHEN sent_at IS NULL
                                       THEN 'Written before mail delivery was set up' END;
        CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
        CREATE TABLE reminders (                 -- at most one reminder per person, round and day
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            sent_on TEXT NOT NULL,               -- ISO date (UTC)
            outbox_id INTEGER REFERENCES outbox(id),
            sent_by INTEGER REFERENCES users(id),
            PRIMARY KEY (round_id, user_id, sent_on)
        );
        """
    )


@migrations(name="0005_import_jobs")
def m0005_import_jobs(db):
    """Add the queue of file imports that run in a background worker, with their state and progress."""
    db.executescript(
        """
        CREATE TABLE import_jobs (               -- one uploaded file to import, all or nothing
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,                  -- what the file holds: 'organisations' or 'responses'
            round_id INTEGER REFERENCES rounds(id),  -- responses: the round they go into
            user_id INTEGER REFERENCES users(id),    -- who uploaded it: the only person, with admins, who sees it
            filename TEXT NOT NULL DEFAULT '',   -- as uploaded, for the status page
            content BLOB,                        -- the file's bytes; cleared once the job has finished
            sha256 TEXT NOT NULL,                -- of content: the same file queued twice is refused
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'running', 'done', 'failed')),
            stage TEXT NOT NULL DEFAULT '',      -- while running: 'checking' rows, then 'saving' them
            rows_total INTEGER,                  -- rows in the file, once counted
            rows_done INTEGER NOT NULL DEFAULT 0,-- rows checked so far
            attempts INTEGER NOT NULL DEFAULT 0, -- times a worker took it; a worker that died is retried
            claimed_by TEXT,                     -- host:pid of the worker running it
            heartbeat_at TEXT,                   -- the running worker's last sign of life
            result TEXT,                         -- JSON: the summary, or the problems found
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            finished_at TEXT
        );
        CREATE INDEX import_jobs_state ON import_jobs(state, id);
        CREATE INDEX import_jobs_user ON import_jobs(user_id, id);
        """
    )


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


@migrations(name="0006_maintained_stats")
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


@migrations(name="0007_framework_versions")
def m0007_framework_versions(db):
    """Hold uploaded framework definitions for preview until an administrator publishes one as a new version."""
    db.executescript(
        """
        CREATE TABLE framework_uploads (
            id INTEGER PRIMARY KEY,
            filename TEXT NOT NULL,
            framework_key TEXT NOT NULL,         -- "<id>@<version>" it would publish as
            definition TEXT NOT NULL,            -- the validated definition as JSON
            content_hash TEXT NOT NULL,
            uploaded_by INTEGER REFERENCES users(id),
            uploaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            published_at TEXT                    -- set once, when it became a framework version
        );
        """
    )


@migrations(name="0009_archived_organisations")
def m0009_archived_organisations(db):
    """Let an organisation be archived: kept with its results, no longer offered for new people."""
    db.execute("ALTER TABLE organisations ADD COLUMN archived_at TEXT")  # NULL: in use


@migrations(name="0010_targets")
def m0010_targets(db):
    """Hold the target level an organisation sets per indicator on one round's results, for the next round."""
    db.executescript(
        """
        CREATE TABLE targets (                   -- set on a round's results; met or not in the next round
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            round_id INTEGER NOT NULL REFERENCES rounds(id),  -- the results it was set on
            indicator_id TEXT NOT NULL,
            domain_id TEXT NOT NULL,
            level REAL NOT NULL,                 -- a value of the indicator's scale
            set_by INTEGER REFERENCES users(id),
            set_by_name TEXT NOT NULL DEFAULT '',-- kept as written: the target outlives an account's name
            set_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            PRIMARY KEY (organisation_id, round_id, indicator_id)
        );
        CREATE INDEX targets_round ON targets(round_id);
        """
    )


# A new change number for stats_changes: one above the highest so far (its index finds it).
_NEXT_SERIAL = "(SELECT ifnull(max(serial), 0) + 1 FROM stats_changes)"


def _touch(round_id: str, org: str) -> str:
    """Return the statement that marks one (round, organisation) as changed."""
    return (f"INSERT INTO stats_changes (round_id, organisation_id, serial) VALUES ({round_id}, {org}, "
            f"{_NEXT_SERIAL}) ON CONFLICT (round_id, organisation_id) DO UPDATE SET serial = excluded.serial;")


@migrations(name="0011_group_stats")
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
