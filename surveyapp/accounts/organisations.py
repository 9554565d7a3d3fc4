"""Organisations: who they are, where they work, which sector they belong to."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from surveyapp.storage.db import first_row

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


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


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


def parse_organisations_csv(text: str) -> tuple[list[dict], list[RowError]]:
    """Parse name,area,sector rows; return records and every row error."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name", "area", "sector"} - set(reader.fieldnames or ())
    if missing:
        return [], [RowError(1, f"missing column(s): {', '.join(sorted(missing))}")]
    records, errors = [], []
    for line, row in enumerate(reader, start=2):
        record, error = check_organisation(row.get("name"), row.get("area"), row.get("sector"))
        if error:
            errors.append(RowError(line, error))
        else:
            records.append(record)
    return records, errors


def spelling_notes(text: str) -> list[RowError]:
    """Say, per row, which area or sector was written in an accepted alias and what it was recorded as.

    Import maps an alias ('council') to its accepted spelling ('Local authority'); saying so keeps the
    mapping visible rather than silent. Differences of capital letters alone are not reported.
    """
    notes = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        for column, normalise in (("area", normalise_area), ("sector", normalise_sector)):
            written = (row.get(column) or "").strip()
            canonical = normalise(written)
            if canonical and canonical.lower() != written.lower():
                notes.append(RowError(line, f"{column} '{written}' recorded as '{canonical}' (an accepted spelling)"))
    return notes


def upsert_organisations(db, records: list[dict]) -> int:
    """Insert organisations, updating area and sector of existing names."""
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
