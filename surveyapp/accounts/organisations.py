"""Organisations: who they are, where they work, which sector they belong to."""
from __future__ import annotations

from collections.abc import Callable

from surveyapp.storage.db import first_row
from surveyapp.storage.plain_text import control_character
from surveyapp.storage.text_files import CheckedFile, FileProblem, Mappings, Problems, RowError, csv_records, decode_csv

AREAS = ("Dundee City", "Angus", "Perth and Kinross", "Tayside-wide")
SECTORS = (
    "NHS", "Local authority", "HSCP", "Third sector", "Independent", "Justice",
    "Lived experience/community",
)
_AREA_LOOKUP = {a.lower(): a for a in AREAS}
_SECTOR_LOOKUP = {s.lower(): s for s in SECTORS} | {
    "council": "Local authority", "third": "Third sector", "voluntary": "Third sector",
    "lived experience": "Lived experience/community", "community": "Lived experience/community",
}


def normalise_area(text: str) -> str | None:
    """Return the canonical spelling of an area name, or None if unknown."""
    return _AREA_LOOKUP.get((text or "").strip().lower())


def normalise_sector(text: str) -> str | None:
    """Return the canonical spelling of a sector name, or None if unknown."""
    return _SECTOR_LOOKUP.get((text or "").strip().lower())


__all__ = ["RowError"]  # defined with the file reading; imported from here by older callers
ORGANISATION_COLUMNS = ("name", "area", "sector")
PROGRESS_EVERY = 2_000  # rows checked between progress reports


def organisation_name_problem(name: str) -> str | None:
    """Refuse an empty or over-long organisation name."""
    name = (name or "").strip()
    if not name:
        return "organisation name is empty"
    if len(name) > 200:
        return "organisation name is longer than 200 characters"
    return None


def check_organisation(name: str, area: str, sector: str) -> tuple[dict | None, str | None]:
    """Validate one organisation's fields; return (record, error)."""
    name = (name or "").strip()
    problem = organisation_name_problem(name)
    if problem:
        return None, problem
    canonical_area = normalise_area(area)
    if not canonical_area:
        return None, f"unknown area '{area}' (use one of: {', '.join(AREAS)})"
    canonical_sector = normalise_sector(sector)
    if not canonical_sector:
        return None, f"unknown sector '{sector}' (use one of: {', '.join(SECTORS)})"
    return {"name": name, "area": canonical_area, "sector": canonical_sector}, None


def check_organisation_row(line: int, name: str, area: str, sector: str, problems: Problems,
                           mappings: Mappings, prefix: str = "") -> dict | None:
    """Check one row's organisation columns, recording each problem with its column; return the record."""
    ok = True
    clean_name = (name or "").strip()
    name_column = f"{prefix}name" if prefix else "name"
    if not clean_name:
        problems.add(line, "the organisation name is empty", name_column)
        ok = False
    elif len(clean_name) > 200:
        problems.add(line, "the organisation name is longer than 200 characters", name_column)
        ok = False
    elif control_character(clean_name) or "\n" in clean_name or "\t" in clean_name:
        problems.add(line, "the organisation name " + (control_character(clean_name)
                                                       or "must be on one line, without tabs"), name_column)
        ok = False
    canonical_area = normalise_area(area)
    if canonical_area is None:
        problems.add(line, f"unknown area '{(area or '').strip()}' (use one of: {', '.join(AREAS)})",
                     "area")
        ok = False
    canonical_sector = normalise_sector(sector)
    if canonical_sector is None:
        problems.add(line, f"unknown sector '{(sector or '').strip()}' "
                           f"(use one of: {', '.join(SECTORS)})", "sector")
        ok = False
    if not ok:
        return None
    mappings.note(line, "area", area, canonical_area)
    mappings.note(line, "sector", sector, canonical_sector)
    return {"name": clean_name, "area": canonical_area, "sector": canonical_sector}


def check_organisations_file(data: bytes | str, progress: Callable[[int], None] | None = None) -> CheckedFile:
    """Read and check a whole name,area,sector file; every problem is recorded, nothing is written."""
    checked = CheckedFile()
    try:
        text = decode_csv(data) if isinstance(data, bytes) else data
        first_line: dict[str, tuple[int, str, str]] = {}
        for line, row in csv_records(text, ORGANISATION_COLUMNS):
            checked.rows += 1
            if progress and checked.rows % PROGRESS_EVERY == 0:
                progress(checked.rows)
            record = check_organisation_row(line, row.get("name"), row.get("area"), row.get("sector"),
                                            checked.problems, checked.mappings)
            if record is None:
                continue
            seen = first_line.setdefault(record["name"], (line, record["area"], record["sector"]))
            if seen[1:] != (record["area"], record["sector"]):
                checked.problems.add(line, f"'{record['name']}' is also on line {seen[0]} with a "
                                           "different area or sector", "name")
                continue
            if seen[0] == line:
                checked.records.append(record)
    except FileProblem as exc:
        checked.problems.add(exc.line, exc.message)
    if not checked.rows and not checked.problems:
        checked.problems.add(2, "the file has no rows after the column names")
    return checked


def parse_organisations_csv(text: str) -> tuple[list[dict], list[RowError]]:
    """Parse name,area,sector rows; return records and the row errors (first MAX_LISTED)."""
    checked = check_organisations_file(text)
    return checked.records, list(checked.problems.listed)


def upsert_organisations(db, records: list[dict]) -> int:
    """Insert organisations, updating area and sector of existing names (the caller holds the transaction)."""
    for record in records:
        db.execute(
            "INSERT INTO organisations (name, area, sector) VALUES (:name, :area, :sector) "
            "ON CONFLICT(name) DO UPDATE SET area = excluded.area, sector = excluded.sector",
            record)
    return len(records)


def get_organisation(db, organisation_id: int) -> dict | None:
    """Return one organisation as a dict."""
    return first_row(db, "SELECT * FROM organisations WHERE id = ?", [organisation_id])


def organisation_id_by_name(db, name: str) -> int | None:
    """Return the id of the organisation with this exact name."""
    row = db.execute("SELECT id FROM organisations WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def vocabulary_lists() -> dict[str, tuple[tuple[str, str], ...]]:
    """Return the areas, sectors and accepted spellings as (name, label) lists for a workbook's lists sheet."""
    return {
        "area": tuple((a, a) for a in AREAS),
        "sector": tuple((s, s) for s in SECTORS),
        "sector_spelling": tuple((alias, s) for alias, s in _SECTOR_LOOKUP.items() if alias != s.lower()),
    }


def name_taken_problem(db, name: str, except_id: int | None = None) -> str | None:
    """Refuse a name another organisation already has."""
    found = organisation_id_by_name(db, (name or "").strip())
    if found is not None and found != except_id:
        return "There is already an organisation with this name"
    return None


def list_organisations(db, include_archived: bool = False) -> list[dict]:
    """Return organisations by area and name, with their people and submitted responses counted."""
    where = "" if include_archived else "WHERE organisations.archived_at IS NULL"
    return list(db.query(
        f"""
        SELECT organisations.id, organisations.name, organisations.area, organisations.sector,
               organisations.archived_at,
               (SELECT count(*) FROM memberships WHERE memberships.organisation_id = organisations.id) AS people,
               (SELECT count(*) FROM responses WHERE responses.organisation_id = organisations.id
                  AND responses.status = 'submitted') AS submitted
          FROM organisations {where} ORDER BY organisations.area, organisations.name
        """))


def rename_organisation(db, organisation_id: int, name: str) -> None:
    """Give an organisation a new name; its answers and people stay with it."""
    db.execute("UPDATE organisations SET name = ? WHERE id = ?", [name.strip(), organisation_id])


def archive_organisation(db, organisation_id: int, when: str) -> None:
    """Archive an organisation: kept with its results, no longer offered for new people or invitations."""
    db.execute("UPDATE organisations SET archived_at = ? WHERE id = ? AND archived_at IS NULL",
               [when, organisation_id])


def unarchive_organisation(db, organisation_id: int) -> None:
    """Bring an archived organisation back: offered again for new people and invitations."""
    db.execute("UPDATE organisations SET archived_at = NULL WHERE id = ?", [organisation_id])
