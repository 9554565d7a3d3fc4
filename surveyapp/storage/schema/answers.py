"""Migrations: rounds, organisations, people, responses and their answers: the first schema.

Each function is one named migration; storage/migrations.py runs them in order.
"""
from __future__ import annotations


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
