"""The shape a framework definition must have: which keys each kind of object holds, and their types.

`check_structure` walks the raw definition (plain dicts and lists) against STRUCTURE and
yields (path, code, message) for every key that is missing, unknown (with a close match
suggested) or of the wrong type. The workbook format reads the same table, so a
spreadsheet and a YAML file are held to one shape.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

Problem = tuple[tuple, str, str]

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TEXT, INT, NUMBER, BOOL, LIST, MAP = "text", "integer", "number", "true/false", "list", "mapping"

# What each kind of object may contain: key -> (type, required, nested kind).
STRUCTURE: dict[str, dict[str, tuple[str, bool, str | None]]] = {
    "framework": {
        "id": (TEXT, True, None), "version": (INT, True, None), "title": (TEXT, True, None),
        "summary": (TEXT, True, None), "instrument": (TEXT, True, None),
        "adaptation": (TEXT, True, None), "sources": (LIST, True, "source"),
        "scales": (LIST, True, "scale"), "domains": (LIST, True, "domain"),
        "rules": (MAP, False, "rules"), "disclosure": (MAP, False, "disclosure"),
    },
    "disclosure": {
        "min_organisations": (INT, False, None), "min_unknown": (INT, False, None),
        "min_for_spread": (INT, False, None), "precision": (INT, False, None), "mode": (TEXT, False, None),
    },
    "source": {
        "title": (TEXT, True, None), "publisher": (TEXT, False, None),
        "year": (TEXT, False, None), "url": (TEXT, False, None), "note": (TEXT, False, None),
    },
    "scale": {
        "id": (TEXT, True, None), "label": (TEXT, True, None),
        "levels": (LIST, True, "level"), "options": (LIST, False, "option"),
    },
    "level": {
        "value": (NUMBER, True, None), "label": (TEXT, True, None),
        "descriptor": (TEXT, False, None),  # missing: warning W104, not an error
    },
    "option": {
        "key": (TEXT, True, None), "label": (TEXT, True, None), "descriptor": (TEXT, False, None),
    },
    "domain": {
        "id": (TEXT, True, None), "title": (TEXT, True, None),
        "description": (TEXT, False, None), "indicators": (LIST, True, "indicator"),
        "source": (TEXT, False, None),
    },
    "indicator": {
        "id": (TEXT, True, None), "text": (TEXT, True, None), "type": (TEXT, False, None),
        "scale": (TEXT, False, None), "guidance": (TEXT, False, None),
        "prompts": (LIST, False, TEXT), "required": (BOOL, False, None),
        "weight": (NUMBER, False, None), "evidence": (TEXT, False, None),
        "evidence_label": (TEXT, False, None), "choices": (LIST, False, "choice"),
        "min": (NUMBER, False, None), "max": (NUMBER, False, None),
        "allow_not_applicable": (BOOL, False, None), "next_steps": (LIST, False, "next_step"),
    },
    "next_step": {"level": (NUMBER, True, None), "text": (TEXT, True, None)},
    "choice": {"key": (TEXT, True, None), "label": (TEXT, True, None)},
    "rules": {"strengths": (MAP, False, "strengths"), "development": (MAP, False, "development")},
    "strengths": {"min_score": (NUMBER, False, None), "max": (INT, False, None)},
    "development": {
        "max_score": (NUMBER, False, None), "gap": (NUMBER, False, None), "max": (INT, False, None),
    },
}


def is_type(value, expected: str) -> bool:
    """Return True when value has the expected definition type."""
    if expected == TEXT:
        return isinstance(value, str)
    if expected == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected == BOOL:
        return isinstance(value, bool)
    if expected == LIST:
        return isinstance(value, list)
    return isinstance(value, dict)


def check_structure(data, kind: str = "framework", path: tuple = ()) -> Iterator[Problem]:
    """Check keys and value types against STRUCTURE, recursively."""
    if not isinstance(data, dict):
        yield path, "type", f"expected a mapping of keys, found {type(data).__name__}"
        return
    spec = STRUCTURE[kind]
    for key in data:
        if key not in spec:
            close = [k for k in spec if _similar(k, key)]
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            yield path + (key,), "unknown-key", f"unknown key '{key}'{hint}"
    for key, (expected, required, nested) in spec.items():
        if key not in data or data[key] is None:
            if required:
                yield path + (key,), "missing-key", f"required key '{key}' is missing"
            continue
        value = data[key]
        if not is_type(value, expected):
            yield path + (key,), "type", f"expected {expected}, found {_describe(value)}"
            continue
        if expected == TEXT and required and not value.strip():
            yield path + (key,), "empty", f"'{key}' must not be empty"
        if nested is None:
            continue
        if expected == MAP:
            yield from check_structure(value, nested, path + (key,))
        elif nested == TEXT:
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    yield path + (key, index), "type", f"expected text, found {_describe(item)}"
        else:
            for index, item in enumerate(value):
                yield from check_structure(item, nested, path + (key, index))


def _similar(a: str, b: str) -> bool:
    """Return True when two keys look like a typo of each other."""
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def _describe(value) -> str:
    """Describe a value's type for an error message."""
    if value is None:
        return "nothing"
    return {str: "text", bool: "true/false", int: "integer", float: "number",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


