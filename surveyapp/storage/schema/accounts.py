"""Migrations: sessions, sign-in throttling, emailed links, the outbox, the audit log; archived organisations.

Each function is one named migration; storage/migrations.py runs them in order.
"""
from __future__ import annotations


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


def m0009_archived_organisations(db):
    """Let an organisation be archived: kept with its results, no longer offered for new people."""
    db.execute("ALTER TABLE organisations ADD COLUMN archived_at TEXT")  # NULL: in use
