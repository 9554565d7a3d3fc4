"""Rules a framework definition must follow beyond its shape, one small function each.

Each rule takes the raw definition (plain dicts and lists), already checked against
frameworks/structure.py, and yields (path, code, message) for every problem it finds. The
loader turns those into DefinitionErrors with file and line.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from surveyapp.frameworks.errors import format_path
from surveyapp.frameworks.model import EVIDENCE_MODES, INSTRUMENT_KINDS, QUESTION_TYPES
from surveyapp.frameworks.structure import ID_PATTERN, INT, NUMBER, Problem, is_type


def _items(data, key):
    """Yield (index, item) for the dict items of a list that may be missing."""
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def check_id_format(data) -> Iterator[Problem]:
    """Ids and keys use lower-case letters, digits, '-' and '_'."""
    def bad(value):
        return isinstance(value, str) and not ID_PATTERN.match(value)

    if bad(data.get("id")):
        yield ("id",), "id-format", "ids use lower-case letters, digits, '-' and '_'"
    for s, scale in _items(data, "scales"):
        if bad(scale.get("id")):
            yield ("scales", s, "id"), "id-format", "ids use lower-case letters, digits, '-' and '_'"
        for o, option in _items(scale, "options"):
            if bad(option.get("key")):
                yield (("scales", s, "options", o, "key"), "id-format",
                       "keys use lower-case letters, digits, '-' and '_'")
    for d, domain in _items(data, "domains"):
        if bad(domain.get("id")):
            yield ("domains", d, "id"), "id-format", "ids use lower-case letters, digits, '-' and '_'"
        for i, indicator in _items(domain, "indicators"):
            if bad(indicator.get("id")):
                yield (("domains", d, "indicators", i, "id"), "id-format",
                       "ids use lower-case letters, digits, '-' and '_'")


def check_version_positive(data) -> Iterator[Problem]:
    """Versions are positive whole numbers."""
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version < 1:
        yield ("version",), "version", "version must be 1 or more"


def check_instrument_kind(data) -> Iterator[Problem]:
    """The instrument is either the publisher's original or an adaptation."""
    kind = data.get("instrument")
    if isinstance(kind, str) and kind not in INSTRUMENT_KINDS:
        yield ("instrument",), "instrument", f"must be one of {', '.join(INSTRUMENT_KINDS)}, not '{kind}'"


def check_at_least_one(data) -> Iterator[Problem]:
    """Sources, scales and domains lists are not empty."""
    for key in ("sources", "scales", "domains"):
        if isinstance(data.get(key), list) and not data[key]:
            yield (key,), "empty", f"'{key}' needs at least one entry"


def check_unique_ids(data) -> Iterator[Problem]:
    """Scale, domain and indicator ids, option and choice keys are unique."""
    yield from _duplicates([(("scales", s, "id"), x.get("id")) for s, x in _items(data, "scales")], "scale id")
    yield from _duplicates([(("domains", d, "id"), x.get("id")) for d, x in _items(data, "domains")], "domain id")
    yield from _duplicates([
        (("domains", d, "indicators", i, "id"), ind.get("id"))
        for d, domain in _items(data, "domains") for i, ind in _items(domain, "indicators")
    ], "indicator id")
    for s, scale in _items(data, "scales"):
        keys = [(("scales", s, "options", o, "key"), x.get("key")) for o, x in _items(scale, "options")]
        yield from _duplicates(keys, "option key")
    for d, domain in _items(data, "domains"):
        for i, ind in _items(domain, "indicators"):
            yield from _duplicates([
                (("domains", d, "indicators", i, "choices", c, "key"), x.get("key"))
                for c, x in _items(ind, "choices")
            ], "choice key")


def _duplicates(entries, what) -> Iterator[Problem]:
    """Yield a problem for each repeat of an id among (path, id) entries."""
    seen = {}
    for path, value in entries:
        if not isinstance(value, str):
            continue
        if value in seen:
            yield path, "duplicate-id", f"duplicate {what} '{value}' (first used at {format_path(seen[value])})"
        else:
            seen[value] = path


def check_scale_levels(data) -> Iterator[Problem]:
    """A scale has at least two levels, with strictly increasing values."""
    for s, scale in _items(data, "scales"):
        levels = scale.get("levels")
        if not isinstance(levels, list):
            continue
        if len(levels) < 2:
            yield ("scales", s, "levels"), "levels", f"a scale needs at least two levels, found {len(levels)}"
        previous = None
        for index, level in enumerate(levels):
            value = level.get("value") if isinstance(level, dict) else None
            if not is_type(value, NUMBER):
                continue
            if previous is not None and value <= previous:
                yield (("scales", s, "levels", index, "value"), "level-order",
                       f"level values must increase from lowest to highest: {value} follows {previous}")
            previous = value


def check_options_not_levels(data) -> Iterator[Problem]:
    """Non-scoring option keys do not look like level values."""
    for s, scale in _items(data, "scales"):
        for o, option in _items(scale, "options"):
            key = option.get("key")
            if isinstance(key, str) and re.fullmatch(r"-?\d+(\.\d+)?", key):
                yield ("scales", s, "options", o, "key"), "option-key", "option keys must not be numbers"


def check_domains_not_empty(data) -> Iterator[Problem]:
    """Every domain has at least one indicator."""
    for d, domain in _items(data, "domains"):
        if isinstance(domain.get("indicators"), list) and not domain["indicators"]:
            yield ("domains", d, "indicators"), "empty-domain", "a domain needs at least one indicator"


def check_question_types(data) -> Iterator[Problem]:
    """Indicator types, evidence modes and their companion keys agree."""
    scale_ids = {x.get("id") for _, x in _items(data, "scales")}
    for d, domain in _items(data, "domains"):
        for i, ind in _items(domain, "indicators"):
            path = ("domains", d, "indicators", i)
            qtype = ind.get("type", "rating")
            if qtype not in QUESTION_TYPES:
                known = ", ".join(QUESTION_TYPES)
                yield path + ("type",), "type", f"unknown question type '{qtype}' (use one of {known})"
                continue
            scale = ind.get("scale")
            if qtype == "rating":
                if scale is None:
                    yield path + ("scale",), "missing-key", "a rating question needs a 'scale'"
                elif isinstance(scale, str) and scale not in scale_ids:
                    yield path + ("scale",), "unknown-scale", f"unknown scale '{scale}'"
            elif scale is not None:
                yield path + ("scale",), "scale", f"only rating questions have a scale, not {qtype}"
            if qtype == "choice" and not ind.get("choices"):
                yield path + ("choices",), "missing-key", "a choice question needs 'choices'"
            if qtype != "choice" and "choices" in ind:
                yield path + ("choices",), "choices", f"only choice questions have choices, not {qtype}"
            if qtype != "number" and ("min" in ind or "max" in ind):
                yield path + ("min" if "min" in ind else "max",), "range", "only number questions have min and max"
            if is_type(ind.get("min"), NUMBER) and is_type(ind.get("max"), NUMBER) and ind["min"] > ind["max"]:
                yield path + ("max",), "range", "max must not be below min"
            if ind.get("allow_not_applicable") is True and qtype != "rating":
                yield (path + ("allow_not_applicable",), "not-applicable",
                       f"only rating questions offer 'Not applicable', not {qtype}")
            evidence = ind.get("evidence", "none")
            if isinstance(evidence, str) and evidence not in EVIDENCE_MODES:
                yield path + ("evidence",), "evidence", f"evidence must be one of {', '.join(EVIDENCE_MODES)}"
            weight = ind.get("weight")
            if is_type(weight, NUMBER) and weight <= 0:
                yield path + ("weight",), "weight", "weight must be more than 0"


def check_rule_bounds(data) -> Iterator[Problem]:
    """Rule limits are positive."""
    rules = data.get("rules")
    if not isinstance(rules, dict):
        return
    for section in ("strengths", "development"):
        block = rules.get(section)
        if not isinstance(block, dict):
            continue
        if is_type(block.get("max"), INT) and block["max"] < 1:
            yield ("rules", section, "max"), "rules", "max must be 1 or more"
        if section == "development" and is_type(block.get("gap"), NUMBER) and block["gap"] <= 0:
            yield ("rules", section, "gap"), "rules", "gap must be more than 0"


def check_next_steps(data) -> Iterator[Problem]:
    """Next steps belong to rating questions, one per level, each naming a level of the scale."""
    scales = {x.get("id"): x for _, x in _items(data, "scales")}
    for d, domain in _items(data, "domains"):
        for i, ind in _items(domain, "indicators"):
            steps = list(_items(ind, "next_steps"))
            if not steps:
                continue
            path = ("domains", d, "indicators", i, "next_steps")
            if ind.get("type", "rating") != "rating":
                yield path, "next-step", f"only rating questions have next steps, not {ind.get('type')}"
                continue
            scale = scales.get(ind.get("scale"))
            values = [lv.get("value") for _, lv in _items(scale or {}, "levels")]
            seen = set()
            for n, step in steps:
                level = step.get("level")
                if not is_type(level, NUMBER):
                    continue
                if scale is not None and level not in values:
                    shown = ", ".join(_number(v) for v in values)
                    yield (path + (n, "level"), "level-range",
                           f"level {_number(level)} is not on scale '{ind.get('scale')}'; its levels are {shown}")
                if level in seen:
                    yield path + (n, "level"), "next-step", f"level {_number(level)} already has a next step"
                seen.add(level)


def _number(value) -> str:
    """Show a level value without a needless '.0'."""
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


# Lowest values that still protect anyone (docs/disclosure.md), and the two modes.
DISCLOSURE_FLOORS = {"min_organisations": 2, "min_unknown": 1, "min_for_spread": 3, "precision": 0}
DISCLOSURE_MODES = ("suppress", "named")


def check_disclosure(data) -> Iterator[Problem]:
    """Disclosure settings stay within limits that protect someone, and the mode is a known one."""
    block = data.get("disclosure")
    if not isinstance(block, dict):
        return
    for key, floor in DISCLOSURE_FLOORS.items():
        if is_type(block.get(key), INT) and block[key] < floor:
            yield ("disclosure", key), "disclosure", f"{key} must be {floor} or more"
    if is_type(block.get("precision"), INT) and block["precision"] > 3:
        yield ("disclosure", "precision"), "disclosure", "precision must be 3 decimals or fewer"
    mode = block.get("mode")
    if isinstance(mode, str) and mode not in DISCLOSURE_MODES:
        yield ("disclosure", "mode"), "disclosure", f"mode must be one of {', '.join(DISCLOSURE_MODES)}"


SEMANTIC_RULES = (
    check_id_format,
    check_version_positive,
    check_instrument_kind,
    check_at_least_one,
    check_unique_ids,
    check_scale_levels,
    check_options_not_levels,
    check_domains_not_empty,
    check_question_types,
    check_rule_bounds,
    check_disclosure,
    check_next_steps,
)
