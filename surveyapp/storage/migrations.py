"""The database schema, only ever changed by named, ordered migrations.

Each migration is a function in storage/schema/, in a module named for what its tables hold.
STEPS lists them in the order they run; a new one goes at the end, with the next number.
"""
from __future__ import annotations

from surveyapp.storage.light_sqlite_utils import sqlite_utils
from surveyapp.storage.schema import accounts, answers, frameworks, plans, queues, statistics

Migrations = sqlite_utils.migrations.Migrations

STEPS = (
    ("0001_initial", answers.m0001_initial),
    ("0002_accounts", accounts.m0002_accounts),
    ("0003_improvement_plans", plans.m0003_improvement_plans),
    ("0004_mail_queue", queues.m0004_mail_queue),
    ("0005_import_jobs", queues.m0005_import_jobs),
    ("0006_maintained_stats", statistics.m0006_maintained_stats),
    ("0007_framework_versions", frameworks.m0007_framework_versions),
    ("0009_archived_organisations", accounts.m0009_archived_organisations),
    ("0010_targets", plans.m0010_targets),
    ("0011_group_stats", statistics.m0011_group_stats),
)

migrations = Migrations("surveyapp")
for _name, _step in STEPS:
    migrations(name=_name)(_step)
