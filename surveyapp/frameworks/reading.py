"""Read YAML safely into plain data, remembering the line of every value.

Framework errors must say which line is wrong, and PyYAML's plain safe_load
forgets that; composing the node tree ourselves keeps it.
"""
from __future__ import annotations

import yaml

from surveyapp.frameworks.errors import DefinitionError, FrameworkErrors, format_path

# libyaml's loader is several times faster and keeps the same line marks.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Hostile files: a few hundred bytes of nested aliases expand to gigabytes. Framework
# files need no aliases, so a handful are allowed and the expanded size is capped too.
MAX_BYTES = 2 * 1024 * 1024   # the largest shipped framework is about 60 KB
MAX_ALIASES = 100          # mat-standards v2 shares its source list 58 times
MAX_NODES = 200_000           # values after aliases are expanded; a framework has a few thousand


def _error(filename: str, line: int, message: str) -> FrameworkErrors:
    return FrameworkErrors([DefinitionError("yaml-limit", filename, line, "", message)])


def check_limits(text: str, filename: str) -> None:
    """Refuse a file over MAX_BYTES, or with more than MAX_ALIASES aliases, before building anything."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise _error(filename, 1, f"the file is {size:,} bytes; a framework file may be at most {MAX_BYTES:,}")
    aliases = 0
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _error(filename, event.start_mark.line + 1,
                                 f"more than {MAX_ALIASES} aliases (*name); write the values out instead")
    except yaml.MarkedYAMLError:
        return  # reported with its line by the full parse


def load_with_lines(text: str, filename: str) -> tuple[object, dict[tuple, int]]:
    """Parse YAML text; return the data and a map from path tuple to line."""
    check_limits(text, filename)
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise FrameworkErrors([DefinitionError("empty", filename, 1, "", "the file is empty")])
        _check_expansion(node, filename)
        lines: dict[tuple, int] = {}
        data = _convert(loader, node, (), lines, filename, [0])
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


def _expanded_size(node, sizes: dict) -> int:
    """Return how many values a node stands for once its aliases are expanded (each shared node counted once)."""
    key = id(node)
    if key not in sizes:
        sizes[key] = 1  # a node that contains itself counts once, not forever
        if isinstance(node, yaml.MappingNode):
            sizes[key] = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            sizes[key] = 1 + sum(_expanded_size(item, sizes) for item in node.value)
    return sizes[key]


def _check_expansion(node, filename: str) -> None:
    """Refuse a document whose aliases expand past MAX_NODES values, at the line of the biggest part."""
    sizes: dict = {}
    if _expanded_size(node, sizes) <= MAX_NODES:
        return
    parts = node.value if isinstance(node, yaml.MappingNode) else []
    worst = max(parts, key=lambda kv: sizes.get(id(kv[1]), 0), default=(node, node))[0]
    raise _error(filename, worst.start_mark.line + 1,
                 f"the file expands through its aliases to more than {MAX_NODES:,} values")


STANDARD_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _convert(loader, node, path, lines, filename, visited):
    """Turn a YAML node into plain Python data, filling in `lines`; stop past MAX_NODES values."""
    visited[0] += 1
    if visited[0] > MAX_NODES:
        raise _error(filename, node.start_mark.line + 1,
                     f"the file expands to more than {MAX_NODES:,} values (through aliases?)")
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
            result[key] = _convert(loader, value_node, path + (key,), lines, filename, visited)
            # point errors about a key at the key's own line
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, item, path + (index,), lines, filename, visited)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
