"""Migrations: framework definitions uploaded for preview before an administrator publishes them.

Each function is one named migration; storage/migrations.py runs them in order.
"""
from __future__ import annotations


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
