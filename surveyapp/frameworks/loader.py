"""Turn a framework file into a validated, immutable Framework.

Staged pure functions: read text -> plain data with lines -> validate ->
build the model. The same validate-and-build path serves definitions stored
in the database, so a stored version is checked exactly like a file.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from pathlib import Path

from surveyapp.frameworks.errors import DefinitionError, FrameworkErrors, format_path
from surveyapp.frameworks.model import (
    NOT_APPLICABLE_KEY,
    Choice,
    DevelopmentRule,
    Domain,
    Framework,
    Indicator,
    Level,
    NextStep,
    Option,
    Scale,
    Source,
    StrengthRule,
)
from surveyapp.frameworks.readability import WARNING_RULES
from surveyapp.frameworks.reading import MAX_BYTES, load_with_lines
from surveyapp.frameworks.rules import SEMANTIC_RULES
from surveyapp.frameworks.structure import check_structure


def load_framework_file(path: str | Path) -> Framework:
    """Load, validate and build the framework in one file."""
    data, lines = read_definition(path)
    return framework_from_definition(data, str(path), lines)


def load_framework_text(text: str, filename: str = "<text>") -> Framework:
    """Load, validate and build a framework from YAML text."""
    data, lines = load_with_lines(text, filename)
    return framework_from_definition(data, filename, lines)


def framework_from_definition(data, filename: str, lines: dict | None = None) -> Framework:
    """Validate a plain definition and build its Framework, or raise FrameworkErrors."""
    errors = validate_definition(data, filename, lines or {})
    if errors:
        raise FrameworkErrors(errors)
    return build_framework(data, filename)


def validate_definition(data, filename: str, lines: dict) -> list[DefinitionError]:
    """Return every problem in a definition, each with its file, line and path."""
    problems = list(check_structure(data))
    if isinstance(data, dict):  # semantic rules need a mapping at the top
        problems += [p for rule in SEMANTIC_RULES for p in rule(data)]
    errors = [_located(code, filename, path, message, lines) for path, code, message in problems]
    return sorted(set(errors), key=DefinitionError.sort_key)


def definition_warnings(data, filename: str, lines: dict | None = None) -> list[DefinitionError]:
    """Return the warnings about a valid definition: plain-English advice that never blocks loading."""
    lines = lines or {}
    warnings = [
        _located(code, filename, path, f"warning: {message}", lines)
        for rule in WARNING_RULES for path, code, message in rule(data)
    ]
    return sorted(warnings, key=DefinitionError.sort_key)


def check_framework_file(path: str | Path) -> tuple[Framework, list[DefinitionError]]:
    """Load a framework file; return it with its warnings, or raise FrameworkErrors."""
    data, lines = read_definition(path)
    return framework_from_definition(data, str(path), lines), definition_warnings(data, str(path), lines)


def _located(code: str, filename: str, path: tuple, message: str, lines: dict) -> DefinitionError:
    """Make an error at a path's line (YAML) or cell (a workbook's map holds 'sheet!A1' text)."""
    where = _line_for(path, lines)
    if isinstance(where, str):
        return DefinitionError(code, filename, 0, format_path(path), message, cell=where)
    return DefinitionError(code, filename, where, format_path(path), message)


def _line_for(path: tuple, lines: dict) -> int | str:
    """Find the line (or cell) of a path, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)


def content_hash(data: dict) -> str:
    """Hash a definition's content, ignoring layout, comments and key order."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_framework(data: dict, filename: str = "") -> Framework:
    """Build the immutable model from an already validated definition."""
    scales = tuple(_build_scale(s) for s in data["scales"])
    by_id = {s.id: s for s in scales}
    domains = tuple(
        Domain(
            id=d["id"], title=d["title"].strip(), description=(d.get("description") or "").strip(),
            indicators=tuple(_build_indicator(i, by_id) for i in d["indicators"]),
            source=(d.get("source") or "").strip(),
        )
        for d in data["domains"]
    )
    rules = data.get("rules") or {}
    values = scales[0].values
    strengths = rules.get("strengths") or {}
    development = rules.get("development") or {}
    return Framework(
        id=data["id"], version=data["version"], title=data["title"].strip(),
        summary=data["summary"].strip(), instrument=data["instrument"],
        adaptation=data["adaptation"].strip(),
        sources=tuple(Source(**{k: str(v).strip() for k, v in s.items()}) for s in data["sources"]),
        scales=scales, domains=domains,
        strengths=StrengthRule(
            min_score=float(strengths.get("min_score", values[-2])),
            max=int(strengths.get("max", 5)),
        ),
        development=DevelopmentRule(
            max_score=float(development.get("max_score", values[1])),
            gap=float(development.get("gap", 1.0)),
            max=int(development.get("max", 5)),
        ),
        disclosure=dict(data.get("disclosure") or {}),
        content_hash=content_hash(data),
        source_path=filename,
    )


def _build_scale(s: dict) -> Scale:
    """Build one rating scale."""
    return Scale(
        id=s["id"], label=s["label"].strip(),
        levels=tuple(
            Level(value=float(lv["value"]), label=lv["label"].strip(), descriptor=(lv.get("descriptor") or "").strip())
            for lv in s["levels"]
        ),
        options=tuple(
            Option(key=o["key"], label=o["label"].strip(), descriptor=(o.get("descriptor") or "").strip())
            for o in s.get("options") or ()
        ),
    )


def _build_indicator(i: dict, scales: dict[str, Scale]) -> Indicator:
    """Build one indicator, resolving its scale."""
    qtype = i.get("type", "rating")
    choices = tuple(Choice(key=c["key"], label=c["label"]) for c in i.get("choices") or ())
    if qtype == "yesno":
        choices = (Choice("yes", "Yes"), Choice("partly", "Partly"), Choice("no", "No"))
    scale = scales.get(i["scale"]) if qtype == "rating" else None
    allow_na = bool(i.get("allow_not_applicable", False))
    if allow_na and scale is not None:
        scale = _with_not_applicable(scale)
    return Indicator(
        id=i["id"], text=i["text"].strip(), type=qtype, scale=scale,
        guidance=(i.get("guidance") or "").strip(),
        prompts=tuple(p.strip() for p in i.get("prompts") or ()),
        required=i.get("required", True), weight=float(i.get("weight", 1)),
        evidence=i.get("evidence", "none"), evidence_label=(i.get("evidence_label") or "").strip(),
        choices=choices,
        minimum=i.get("min"), maximum=i.get("max"), allow_not_applicable=allow_na,
        next_steps=tuple(NextStep(float(n["level"]), n["text"].strip()) for n in i.get("next_steps") or ()),
    )


NOT_APPLICABLE = Option(NOT_APPLICABLE_KEY, "Not applicable", "This does not apply to our organisation.")


def _with_not_applicable(scale: Scale) -> Scale:
    """Return the scale with a "Not applicable" option added, for one indicator.

    The indicator's own copy of its scale carries the option, so forms, answer
    import, the demo and reports offer, accept and count it exactly like any
    non-scoring option: stored as an option, never in a mean.
    """
    if scale.option_for(NOT_APPLICABLE_KEY):
        return scale
    return dataclasses.replace(scale, options=(*scale.options, NOT_APPLICABLE))


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb")


def read_definition(path: str | Path) -> tuple[dict, dict]:
    """Read a framework file (YAML, or a workbook) into plain data and its line (or cell) map."""
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        # imported here: openpyxl (and numpy with it) only when a workbook is read, not on every start
        from surveyapp.frameworks.workbook_read import read_workbook_file

        return read_workbook_file(path)
    with contextlib.suppress(OSError):
        if path.stat().st_size > MAX_BYTES:  # refuse before reading a huge file into memory
            raise FrameworkErrors([DefinitionError("yaml-limit", str(path), 1, "", (
                f"the file is {path.stat().st_size:,} bytes; a framework file may be at most {MAX_BYTES:,}"))])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FrameworkErrors([DefinitionError("encoding", str(path), 1, "", "the file is not UTF-8 text")]) from None
    return load_with_lines(text, str(path))


def load_framework_dir(directory: str | Path) -> tuple[list[tuple[Framework, dict]], list[DefinitionError]]:
    """Load every *.yaml file in a folder; return (framework, definition) pairs and all errors."""
    loaded, errors = [], []
    for path in sorted(Path(directory).glob("*.y*ml")):
        try:
            data, lines = read_definition(path)
            loaded.append((framework_from_definition(data, str(path), lines), data))
        except FrameworkErrors as exc:
            errors.extend(exc.errors)
    errors.extend(check_distinct_versions([fw for fw, _ in loaded]))
    return loaded, errors


def check_distinct_versions(frameworks: list[Framework]) -> list[DefinitionError]:
    """Two files must not define the same framework id and version."""
    seen, errors = {}, []
    for fw in frameworks:
        if fw.key in seen:
            errors.append(DefinitionError(
                "duplicate-version", fw.source_path, 1, "version",
                f"framework '{fw.id}' version {fw.version} is also defined in {seen[fw.key]}"))
        else:
            seen[fw.key] = fw.source_path
    return errors
