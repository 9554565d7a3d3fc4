"""Read YAML safely into plain data, remembering the line of every value.

Framework errors must say which line is wrong, and PyYAML's plain safe_load
forgets that; composing the node tree ourselves keeps it.
"""
from __future__ import annotations

import yaml

from surveyapp.frameworks.errors import DefinitionError, FrameworkErrors, format_path

# libyaml's loader is several times faster and keeps the same line marks.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_with_lines(text: str, filename: str) -> tuple[object, dict[tuple, int]]:
    """Parse YAML text; return the data and a map from path tuple to line."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise FrameworkErrors([DefinitionError("empty", filename, 1, "", "the file is empty")])
        lines: dict[tuple, int] = {}
        data = _convert(loader, node, (), lines, filename)
        return data, lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or str(exc)
        raise FrameworkErrors(
            [DefinitionError("yaml", filename, line, "", f"not valid YAML: {problem}")]
        ) from None
    finally:
        loader.dispose()


STANDARD_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _convert(loader, node, path, lines, filename):
    """Turn a YAML node into plain Python data, filling in `lines`."""
    lines[path] = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) and node.tag not in STANDARD_COLLECTION_TAGS:
        # safe loading: a tag such as !!python/object is refused, not ignored
        raise FrameworkErrors([DefinitionError(
            "yaml", filename, node.start_mark.line + 1, format_path(path),
            f"not valid YAML here: the tag '{node.tag}' is not allowed")])
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise FrameworkErrors([DefinitionError(
                    "key-type", filename, key_node.start_mark.line + 1,
                    format_path(path), f"keys must be text, not {key!r}")])
            if key in result:
                raise FrameworkErrors([DefinitionError(
                    "duplicate-key", filename, key_node.start_mark.line + 1,
                    format_path(path + (key,)), f"key '{key}' appears twice")])
            result[key] = _convert(loader, value_node, path + (key,), lines, filename)
            # point errors about a key at the key's own line
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, item, path + (index,), lines, filename)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
