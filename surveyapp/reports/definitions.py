"""Read the report definitions in reports/: which sections each kind of report has, and their wording.

Staged like frameworks: read YAML with line numbers -> check each rule ->
build frozen definitions. Errors name the file, line and path, exactly as
framework errors do.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from surveyapp.frameworks.errors import DefinitionError, FrameworkErrors, format_path
from surveyapp.frameworks.reading import load_with_lines

KINDS = ("organisation", "area", "sector")
TOP_KEYS = {"kind": True, "title": True, "author": True, "sections": True, "description": False}
SECTION_KEYS = {"type": True, "heading": True, "text": False, "empty": False, "id": False}
# Which section types each kind of report may use, in a sensible default order.
SECTION_TYPES = {
    "organisation": ("cover", "summary", "radar", "domain_table", "strengths", "development", "text_answers",
                     "indicator_detail", "agreement", "change", "improvement_plan", "targets", "method"),
    "area": ("cover", "summary", "radar", "domain_table", "distribution", "strengths", "development",
             "indicator_detail", "agreement", "change", "improvement_plan", "targets", "method"),
}
SECTION_TYPES["sector"] = tuple(t for t in SECTION_TYPES["area"] if t != "improvement_plan")
COMMON_PLACEHOLDERS = (
    "framework", "version", "round", "date", "min_group", "min_unknown", "min_for_spread", "precision",
    "scale", "scale_low", "scale_high",
    "strength_min", "strength_max", "development_max", "development_gap", "development_count",
    "previous_round",
)
PLACEHOLDERS = {
    "organisation": COMMON_PLACEHOLDERS + ("organisation", "area", "sector"),
    "area": COMMON_PLACEHOLDERS + ("group", "area"),
    "sector": COMMON_PLACEHOLDERS + ("group", "sector"),
}
TEXT_FIELDS = ("heading", "text", "empty")


class ReportDefinitionErrors(FrameworkErrors):
    """One or more hard errors in a report definition file."""


@dataclass(frozen=True)
class SectionDefinition:
    id: str
    type: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    empty: str = ""


@dataclass(frozen=True)
class ReportDefinition:
    kind: str
    title: str
    author: str
    sections: tuple[SectionDefinition, ...]
    description: str = ""
    source_path: str = ""

    def section(self, section_id: str) -> SectionDefinition | None:
        """Return the section with this id, if the report has it."""
        return next((s for s in self.sections if s.id == section_id), None)


def load_report_definitions(directory: str | Path) -> dict[str, ReportDefinition]:
    """Load organisation.yaml, area.yaml and sector.yaml from a folder, or raise with every error."""
    found, errors = {}, []
    for kind in KINDS:
        path = Path(directory) / f"{kind}.yaml"
        try:
            found[kind] = load_report_file(path)
        except ReportDefinitionErrors as exc:
            errors += exc.errors
        except OSError as exc:
            errors.append(DefinitionError("missing", str(path), 1, "", f"cannot read the file: {exc.strerror}"))
    if errors:
        raise ReportDefinitionErrors(errors)
    return found


def load_report_file(path: str | Path) -> ReportDefinition:
    """Load, check and build one report definition file."""
    path = Path(path)
    return load_report_text(path.read_text(encoding="utf-8"), str(path), kind=path.stem)


def load_report_text(text: str, filename: str = "<text>", kind: str | None = None) -> ReportDefinition:
    """Load, check and build a report definition from YAML text."""
    try:
        data, lines = load_with_lines(text, filename)
    except FrameworkErrors as exc:
        raise ReportDefinitionErrors(exc.errors) from None
    problems = check_definition(data, kind)
    if problems:
        raise ReportDefinitionErrors(sorted(
            {DefinitionError(code, filename, _line_for(path, lines), format_path(path), message)
             for path, code, message in problems},
            key=lambda e: (e.line, e.path, e.message)))
    return build_definition(data, filename)


def _line_for(path: tuple, lines: dict) -> int:
    """Find the line of a path, or of its nearest ancestor that has one."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def check_definition(data, kind: str | None) -> list[tuple]:
    """Return every (path, code, message) problem in a plain definition."""
    if not isinstance(data, dict):
        return [((), "type", "the file must be a mapping with kind, title, author and sections")]
    problems = check_keys(data, (), TOP_KEYS) + check_kind(data, kind)
    if problems:
        return problems
    problems += check_top_text(data)
    problems += check_sections_list(data)
    if problems:
        return problems
    for rule in SECTION_RULES:
        problems += rule(data)
    return problems


def check_keys(mapping: dict, path: tuple, allowed: dict) -> list[tuple]:
    """Refuse unknown keys and report missing required ones."""
    problems = [(path + (key,), "unknown-key", f"unknown key '{key}' (use one of: {', '.join(allowed)})")
                for key in mapping if key not in allowed]
    problems += [(path, "missing-key", f"'{key}' is required")
                 for key, required in allowed.items() if required and key not in mapping]
    return problems


def check_kind(data: dict, expected: str | None) -> list[tuple]:
    """The kind is one of organisation, area, sector, and matches the file name."""
    kind = data["kind"]
    if kind not in KINDS:
        return [(("kind",), "kind", f"kind must be one of {', '.join(KINDS)}, not {kind!r}")]
    if expected and expected != kind:
        return [(("kind",), "kind", f"a file named {expected}.yaml must have kind '{expected}', not '{kind}'")]
    return []


def check_top_text(data: dict) -> list[tuple]:
    """Title, author and description are non-empty text with known placeholders."""
    problems = []
    for key in ("title", "author", "description"):
        if key in data:
            problems += check_text(data[key], (key,), data["kind"], required=key != "description")
    return problems


def check_sections_list(data: dict) -> list[tuple]:
    """Sections is a non-empty list of mappings."""
    sections = data["sections"]
    if not isinstance(sections, list) or not sections:
        return [(("sections",), "sections", "sections must be a list with at least one section")]
    return [(("sections", n), "type", "each section must be a mapping with type and heading")
            for n, section in enumerate(sections) if not isinstance(section, dict)]


def check_section_keys(data: dict) -> list[tuple]:
    """Each section has a type and a heading, and no unknown keys."""
    problems = []
    for n, section in enumerate(data["sections"]):
        problems += check_keys(section, ("sections", n), SECTION_KEYS)
    return problems


def check_section_types(data: dict) -> list[tuple]:
    """Each section's type is one this kind of report can show."""
    allowed = SECTION_TYPES[data["kind"]]
    return [(("sections", n, "type"), "section-type",
             f"unknown section type {section['type']!r} for a {data['kind']} report "
             f"(use one of: {', '.join(allowed)})")
            for n, section in enumerate(data["sections"])
            if "type" in section and section["type"] not in allowed]


def check_unique_ids(data: dict) -> list[tuple]:
    """No two sections share an id (the id defaults to the type)."""
    seen, problems = set(), []
    for n, section in enumerate(data["sections"]):
        section_id = section.get("id", section.get("type"))
        if not isinstance(section_id, str) or not section_id.replace("_", "").replace("-", "").isalnum():
            problems.append((("sections", n, "id"), "id", "a section id is letters, digits, - and _"))
        elif section_id in seen:
            problems.append((("sections", n), "duplicate-id",
                             f"section '{section_id}' appears twice; give one of them its own id"))
        seen.add(section_id)
    return problems


def check_cover_first(data: dict) -> list[tuple]:
    """A cover, if there is one, comes first."""
    return [(("sections", n, "type"), "cover-first", "the cover must be the first section")
            for n, section in enumerate(data["sections"]) if section.get("type") == "cover" and n > 0]


def check_method_present(data: dict) -> list[tuple]:
    """Every report explains its method and suppression rule."""
    if any(section.get("type") == "method" for section in data["sections"]):
        return []
    return [(("sections",), "method", "every report needs a 'method' section that explains the "
                                      "scale, how scores are made and the suppression rule")]


def check_section_text(data: dict) -> list[tuple]:
    """Headings and wording are text, using only placeholders this kind of report fills in."""
    problems = []
    for n, section in enumerate(data["sections"]):
        for key in TEXT_FIELDS:
            if key in section:
                problems += check_text(section[key], ("sections", n, key), data["kind"],
                                       required=key == "heading")
    return problems


def check_text(value, path: tuple, kind: str, required: bool) -> list[tuple]:
    """Check one piece of wording: text, non-empty when required, known {placeholders} only."""
    if not isinstance(value, str) or (required and not value.strip()):
        return [(path, "text", "must be text" + (" and not empty" if required else ""))]
    try:
        fields = list(string.Formatter().parse(value))
    except ValueError as exc:
        return [(path, "placeholder", f"broken placeholder ({exc}); write {{{{ and }}}} for a literal brace")]
    problems = []
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS[kind] or spec or conversion:
            problems.append((path, "placeholder",
                             f"unknown placeholder {{{name}}} in a {kind} report "
                             f"(use one of: {', '.join('{' + p + '}' for p in PLACEHOLDERS[kind])})"))
    return problems


SECTION_RULES = (check_section_keys, check_section_types, check_unique_ids, check_cover_first,
                 check_method_present, check_section_text)


def build_definition(data: dict, filename: str) -> ReportDefinition:
    """Build the frozen definition from checked plain data."""
    sections = tuple(
        SectionDefinition(
            id=section.get("id", section["type"]), type=section["type"], heading=section["heading"].strip(),
            paragraphs=split_paragraphs(section.get("text", "")), empty=section.get("empty", "").strip(),
        )
        for section in data["sections"]
    )
    return ReportDefinition(kind=data["kind"], title=data["title"].strip(), author=data["author"].strip(),
                            sections=sections, description=data.get("description", "").strip(),
                            source_path=filename)


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Split wording into paragraphs at blank lines, joining wrapped lines."""
    blocks = [" ".join(line.strip() for line in block.splitlines()) for block in text.split("\n\n")]
    return tuple(block for block in blocks if block)


def fill(template: str, values: dict) -> str:
    """Put values into a checked template's {placeholders}."""
    return template.format_map(values)
