"""One set of rules: the JSON Schema and the docs' error catalogue are tested against the validator's tables."""
from __future__ import annotations

import json
import re

import pytest

from surveyapp.frameworks.errors import CATALOGUE
from surveyapp.frameworks.structure import BOOL, INT, LIST, MAP, NUMBER, STRUCTURE, TEXT

from ..conftest import PROJECT

SCHEMA = json.loads((PROJECT / "surveyapp" / "frameworks" / "schema" / "framework.schema.json").read_text())
DOCS = (PROJECT / "docs" / "frameworks.md").read_text(encoding="utf-8")
JSON_TYPES = {TEXT: "string", INT: "integer", NUMBER: "number", BOOL: "boolean", LIST: "array", MAP: "object"}


def schema_node(kind: str) -> dict:
    """Find the schema object that describes one kind of the validator's STRUCTURE."""
    defs = SCHEMA["$defs"]
    nested = {"framework": SCHEMA, "disclosure": SCHEMA["properties"]["disclosure"],
              "strengths": defs["rules"]["properties"]["strengths"],
              "development": defs["rules"]["properties"]["development"]}
    return nested.get(kind) or defs[kind]


def json_type(node: dict) -> str | None:
    """Return the JSON type a property allows, following a $ref."""
    while "type" not in node and ("$ref" in node or "allOf" in node):
        node = SCHEMA["$defs"][node["$ref"].split("/")[-1]] if "$ref" in node else node["allOf"][0]
    return node.get("type") or ("string" if "enum" in node and all(isinstance(v, str) for v in node["enum"])
                                else None)


@pytest.mark.parametrize("kind", list(STRUCTURE))
def test_schema_has_the_validators_keys_types_and_required_keys(kind):
    node = schema_node(kind)
    spec = STRUCTURE[kind]
    assert set(node["properties"]) == set(spec)
    assert set(node.get("required", ())) == {k for k, (_, required, _) in spec.items() if required}
    assert node.get("additionalProperties") is False  # unknown keys are errors in both
    for key, (expected, _, _) in spec.items():
        assert json_type(node["properties"][key]) == JSON_TYPES[expected], (kind, key)


def test_docs_catalogue_lists_every_code_with_its_number():
    table = DOCS.split("## Error codes")[1].split("\n## ")[0]
    documented = dict(re.findall(r"^\| ([EW]\d{3}) \| `([a-z-]+)` \|", table, re.M))
    assert documented == {number: code for code, (number, _) in CATALOGUE.items()}


def test_numbers_are_unique():
    numbers = [number for number, _ in CATALOGUE.values()]
    assert len(numbers) == len(set(numbers))
