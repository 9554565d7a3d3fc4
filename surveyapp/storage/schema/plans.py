"""Migrations: improvement plans and the targets an organisation sets for the next round.

Each function is one named migration; storage/migrations.py runs them in order.
"""
from __future__ import annotations


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
