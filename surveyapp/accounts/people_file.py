"""Check a file of people to invite (email,name,role,organisation,area) before anything is written.

The rules are `users create`'s and the admin page's (accounts.users): a valid email with no account yet,
a name, a known role, a service lead needs an organisation and a facilitator or commissioner an area.
Every problem is recorded with its line and column; a spelling read as another (a role's name, an area in
other case) is listed, never silently rewritten. The file carries no passwords: each person gets an
invitation link.
"""
from __future__ import annotations

from surveyapp.accounts.organisations import AREAS, normalise_area
from surveyapp.accounts.users import (
    ALL_AREAS,
    ROLE_NAMES,
    ROLES,
    account_id_by_email,
    looks_like_email,
    name_problem,
)
from surveyapp.storage.plain_text import control_character
from surveyapp.storage.text_files import CheckedFile, FileProblem, csv_records, decode_csv

PEOPLE_COLUMNS = ("email", "name", "role", "organisation", "area")
SEPARATOR = ";"  # several organisations or areas in one cell
_ROLE_LOOKUP = {r: r for r in ROLES} | {n.lower(): r for r, n in ROLE_NAMES.items()} | {
    r.replace("_", " "): r for r in ROLES} | {"admin": "admin"}


def _cells(value: str | None) -> list[str]:
    """Split a cell holding one or more values separated by semicolons."""
    return [part.strip() for part in (value or "").split(SEPARATOR) if part.strip()]


def _organisations(db) -> tuple[dict[str, dict], dict[int, dict]]:
    """Return the organisations by lower-case name and by id."""
    rows = [dict(r) for r in db.query("SELECT id, name, archived_at FROM organisations")]
    return {r["name"].lower(): r for r in rows}, {r["id"]: r for r in rows}


def check_person_row(db, line: int, row: dict, checked: CheckedFile, organisations, first_line: dict) -> None:
    """Check one row, recording each problem under its column; keep the person when it has none."""
    problems, mappings = checked.problems, checked.mappings
    before = problems.count
    email = (row.get("email") or "").strip()
    if not looks_like_email(email):
        problems.add(line, f"'{email}' is not an email address (write it like name@example.org)", "email")
    elif email.lower() in first_line:
        problems.add(line, f"{email} is also on line {first_line[email.lower()]}", "email")
    elif account_id_by_email(db, email):
        problems.add(line, f"there is already an account with the email {email}", "email")
    else:
        first_line[email.lower()] = line
    name = (row.get("name") or "").strip()
    problem = name_problem(name) or control_character(name)
    if problem:
        problems.add(line, problem, "name")
    raw_role = (row.get("role") or "").strip()
    role = _ROLE_LOOKUP.get(raw_role.lower())
    if role is None:
        problems.add(line, f"unknown role '{raw_role}' (use one of: {', '.join(ROLES)})", "role")
    else:
        mappings.note(line, "role", raw_role, role)
    organisation_ids = _check_organisations(line, role, _cells(row.get("organisation")), checked, organisations)
    areas = _check_areas(line, role, _cells(row.get("area")), checked)
    if problems.count == before:
        checked.records.append({"email": email, "name": name, "role": role,
                                "organisations": organisation_ids, "areas": areas})


def _check_organisations(line, role, cells, checked: CheckedFile, organisations) -> tuple[int, ...]:
    """Return the ids of a service lead's organisations, recording any problem in the organisation column."""
    by_name, by_id = organisations
    if role != "service_lead":
        if cells and role is not None:
            checked.problems.add(line, "only a service lead belongs to organisations: leave it empty",
                                 "organisation")
        return ()
    if not cells:
        checked.problems.add(line, "a service lead needs an organisation (its name, or its id from "
                                   "`surveyapp orgs list`)", "organisation")
    ids = []
    for cell in cells:
        found = by_id.get(int(cell)) if cell.isdigit() and len(cell) < 19 else by_name.get(cell.lower())
        if found is None:
            checked.problems.add(line, f"there is no organisation '{cell}'", "organisation")
        elif found["archived_at"]:
            checked.problems.add(line, f"{found['name']} is archived", "organisation")
        else:
            if not cell.isdigit():
                checked.mappings.note(line, "organisation", cell, found["name"])
            ids.append(found["id"])
    return tuple(ids)


def _check_areas(line, role, cells, checked: CheckedFile) -> tuple[str, ...]:
    """Return a facilitator's or commissioner's areas, recording any problem in the area column."""
    if role not in ("facilitator", "commissioner"):
        if cells and role is not None:
            checked.problems.add(line, "only a facilitator or commissioner covers areas: leave it empty", "area")
        return ()
    if not cells:
        checked.problems.add(line, f"a {role} needs an area (one of: {', '.join(AREAS)}, or * for all of "
                                   "Tayside)", "area")
    areas = []
    for cell in cells:
        area = ALL_AREAS if cell == ALL_AREAS else normalise_area(cell)
        if area is None:
            checked.problems.add(line, f"unknown area '{cell}' (use one of: {', '.join(AREAS)}, or * for all "
                                       "of Tayside)", "area")
        else:
            checked.mappings.note(line, "area", cell, area)
            areas.append(area)
    return tuple(dict.fromkeys(areas))


def check_people_file(db, data: bytes | str) -> CheckedFile:
    """Read and check a whole people file; every problem is recorded, nothing is written."""
    checked = CheckedFile()
    try:
        text = decode_csv(data) if isinstance(data, bytes) else data
        organisations, first_line = _organisations(db), {}
        for line, row in csv_records(text, PEOPLE_COLUMNS):
            checked.rows += 1
            check_person_row(db, line, row, checked, organisations, first_line)
    except FileProblem as exc:
        checked.problems.add(exc.line, exc.message)
    if not checked.rows and not checked.problems:
        checked.problems.add(2, "the file has no rows after the column names")
    return checked
