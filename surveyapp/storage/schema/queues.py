"""Migrations: work done in the background: the mail delivery queue and file imports.

Each function is one named migration; storage/migrations.py runs them in order.
"""
from __future__ import annotations


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
