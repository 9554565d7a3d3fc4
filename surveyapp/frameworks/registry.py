"""Register framework versions in the database and read them back.

A version is frozen once any response uses it: its content hash is compared
with the file's, and a changed file is refused rather than silently changing
the meaning of answers already given.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from surveyapp.frameworks.errors import DefinitionError, FrameworkErrors
from surveyapp.frameworks.loader import framework_from_definition, load_framework_dir
from surveyapp.frameworks.model import Framework
from surveyapp.storage.memo import Memo


@dataclass(frozen=True)
class SyncResult:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    errors: tuple[DefinitionError, ...] = ()


def response_count(db, framework_key: str) -> int:
    """Count responses in every round that uses a framework version."""
    row = db.execute(
        "SELECT count(*) FROM responses JOIN rounds ON rounds.id = responses.round_id "
        "WHERE rounds.framework_key = ?", [framework_key]).fetchone()
    return row[0]


def sync_frameworks(db, directory: str) -> SyncResult:
    """Load every framework file and register new or changed versions."""
    loaded, errors = load_framework_dir(directory)
    added, updated, unchanged = [], [], []
    for fw, definition in loaded:
        row = db.execute(
            "SELECT content_hash FROM framework_versions WHERE key = ?", [fw.key]).fetchone()
        if row and row[0] == fw.content_hash:
            unchanged.append(fw.key)
            continue
        if row and (response_count(db, fw.key) or _was_published(db, fw.key)):
            errors.append(DefinitionError(
                "frozen", fw.source_path, 1, "version",
                f"framework '{fw.id}' version {fw.version} already has responses, so its content "
                f"cannot change; copy the file, give it version {fw.version + 1} and edit that"))
            continue
        record = {
            "key": fw.key, "framework_id": fw.id, "version": fw.version, "title": fw.title,
            "content_hash": fw.content_hash, "definition": json.dumps(definition),
            "source_path": fw.source_path,
        }
        db["framework_versions"].upsert(record, pk="key")
        (updated if row else added).append(fw.key)
    return SyncResult(tuple(added), tuple(updated), tuple(unchanged), tuple(errors))


PUBLISHED = "published:"  # source_path prefix of a version published by upload or import: never replaced


def _was_published(db, key: str) -> bool:
    """Return True when a version came from an upload or import, so no file may replace it."""
    row = db.execute("SELECT source_path FROM framework_versions WHERE key = ?", [key]).fetchone()
    return bool(row) and row[0].startswith(PUBLISHED)


# version key -> built framework, valid for the version's content hash (definitions are immutable per hash)
_BUILT = Memo(64, "frameworks")


def get_framework(db, key: str) -> Framework | None:
    """Return the registered framework version with this key."""
    # Every request asks: read the hash alone, and the definition (tens of KB of
    # JSON) only when this hash has not been built in this process yet.
    row = db.execute("SELECT content_hash FROM framework_versions WHERE key = ?", [key]).fetchone()
    if row is None:
        return None
    return _BUILT.get(key, row[0], lambda: _build(db, key))


def _build(db, key: str) -> Framework:
    """Build a registered version from its stored definition."""
    definition, source_path = db.execute(
        "SELECT definition, source_path FROM framework_versions WHERE key = ?", [key]).fetchone()
    return framework_from_definition(json.loads(definition), source_path)


def list_frameworks(db) -> list[dict]:
    """Return a row for each registered framework version."""
    return list(db.query(
        "SELECT key, framework_id, version, title, registered_at FROM framework_versions "
        "ORDER BY framework_id, version"))


def latest_version_key(db, framework_id: str) -> str | None:
    """Return the key of a framework's highest registered version."""
    row = db.execute(
        "SELECT key FROM framework_versions WHERE framework_id = ? ORDER BY version DESC LIMIT 1",
        [framework_id]).fetchone()
    return row[0] if row else None


def framework_for_round(db, round_id: int) -> Framework | None:
    """Return the framework version a round uses."""
    row = db.execute("SELECT framework_key FROM rounds WHERE id = ?", [round_id]).fetchone()
    return get_framework(db, row[0]) if row else None


def registered_definition(db, key: str) -> dict | None:
    """Return the plain definition stored for a framework version, as it was registered."""
    row = db.execute("SELECT definition FROM framework_versions WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else None


def publish_definition(db, definition: dict, source_path: str) -> tuple[Framework, bool]:
    """Register a validated definition as a new version; return (framework, newly added).

    Published versions are immutable: the same id and version with other content is refused,
    whether or not it has responses yet, so a round keeps exactly the version it was opened with.
    Raises FrameworkErrors when the definition is not valid or the version is taken.
    """
    fw = framework_from_definition(definition, source_path)
    row = db.execute("SELECT content_hash FROM framework_versions WHERE key = ?", [fw.key]).fetchone()
    if row and row[0] == fw.content_hash:
        return fw, False
    if row:
        latest = db.execute("SELECT max(version) FROM framework_versions WHERE framework_id = ?",
                            [fw.id]).fetchone()[0]
        raise FrameworkErrors([DefinitionError(
            "published", source_path, 1, "version",
            f"framework '{fw.id}' version {fw.version} is already published with other content; "
            f"published versions never change: give this one version {latest + 1}")])
    db.execute(  # plain SQL: it may run inside the caller's write transaction
        "INSERT INTO framework_versions (key, framework_id, version, title, content_hash, definition, "
        "source_path) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [fw.key, fw.id, fw.version, fw.title, fw.content_hash, json.dumps(definition), PUBLISHED + source_path])
    return fw, True
