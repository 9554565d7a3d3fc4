"""Uploaded framework files: check one, keep it for preview, publish it as a new immutable version.

Nothing here knows about the web: the admin pages call these with the file's bytes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from surveyapp.frameworks.errors import DefinitionError, FrameworkErrors
from surveyapp.frameworks.loader import WORKBOOK_SUFFIXES, definition_warnings, framework_from_definition
from surveyapp.frameworks.model import Framework
from surveyapp.frameworks.reading import load_with_lines
from surveyapp.frameworks.registry import publish_definition
from surveyapp.frameworks.workbook_read import MAX_BYTES, read_workbook
from surveyapp.storage.db import first_row, write_transaction

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    framework: Framework | None
    definition: dict | None
    errors: tuple[DefinitionError, ...]
    warnings: tuple[DefinitionError, ...]


def check_upload(content: bytes, filename: str) -> CheckedUpload:
    """Validate an uploaded workbook or YAML file exactly as the command line does."""
    name = filename.lower()
    try:
        if name.endswith(WORKBOOK_SUFFIXES):
            data, where = read_workbook(content, filename)
        elif name.endswith(YAML_SUFFIXES):
            data, where = _read_yaml(content, filename)
        else:
            raise FrameworkErrors([DefinitionError(
                "not-xlsx", filename, 0, "", "upload an XLSX workbook (.xlsx) or a YAML file (.yaml)",
                cell="workbook")])
        fw = framework_from_definition(data, filename, where)
    except FrameworkErrors as exc:
        return CheckedUpload(filename, None, None, tuple(exc.errors), ())
    return CheckedUpload(filename, fw, data, (), tuple(definition_warnings(data, filename, where)))


def _read_yaml(content: bytes, filename: str):
    """Read an uploaded YAML file, refusing one too large or not UTF-8."""
    if len(content) > MAX_BYTES:
        raise FrameworkErrors([DefinitionError("too-large", filename, 1, "", "the file is over 5 MB")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FrameworkErrors([DefinitionError("encoding", filename, 1, "", "the file is not UTF-8 text")]) from None
    return load_with_lines(text, filename)


def keep_upload(db, checked: CheckedUpload, uploaded_by: int | None) -> int:
    """Store a valid upload for preview; return its id."""
    fw = checked.framework
    return db["framework_uploads"].insert({
        "filename": checked.filename, "framework_key": fw.key, "definition": json.dumps(checked.definition),
        "content_hash": fw.content_hash, "uploaded_by": uploaded_by,
    }).last_pk


def get_upload(db, upload_id: int) -> tuple[dict, Framework] | None:
    """Return a kept upload's row and its framework (validated again, as every stored definition is)."""
    record = first_row(db, "SELECT * FROM framework_uploads WHERE id = ?", [upload_id])
    if record is None:
        return None
    return record, framework_from_definition(json.loads(record["definition"]), record["filename"])


def publish_upload(db, upload_id: int) -> tuple[Framework, bool]:
    """Publish a kept upload as a new framework version; raise FrameworkErrors if its version is taken."""
    record, _ = get_upload(db, upload_id)
    with write_transaction(db):
        fw, added = publish_definition(db, json.loads(record["definition"]), record["filename"])
        db.execute("UPDATE framework_uploads SET published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                   "WHERE id = ? AND published_at IS NULL", [upload_id])
    return fw, added
