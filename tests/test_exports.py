"""CSV, XLSX and JSON exports: formulas neutralised, suppression marked, areas and roles respected."""
from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from surveyapp.render.tables import Sheet, csv_text, xlsx_bytes

from .report_world import ALPHA, client_as, web_world  # noqa: F401  (fixtures)

DANGEROUS = ["=SUM(A1:A9)", "+1+1", "-2+3", "@cmd", "\tindent", "\rreturn"]


def read_csv(response) -> list[dict]:
    """Parse a CSV reply."""
    assert response.status_code == 200, response.status_code
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_neutralises_formula_like_text_but_not_numbers():
    text = csv_text(("name", "value"), [(cell, -0.5) for cell in DANGEROUS])
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert [row[0] for row in rows] == ["'" + cell for cell in DANGEROUS]
    assert {row[1] for row in rows} == {"-0.5"}


def test_xlsx_holds_formula_like_text_as_plain_text():
    book = load_workbook(io.BytesIO(xlsx_bytes([Sheet("x", ("name", "n"), tuple((c, 1) for c in DANGEROUS))],
                                               notes=("=not a formula",))))
    cells = [row[0] for row in book["x"].iter_rows(min_row=2)]
    # XML turns a stored carriage return into a line feed when the file is read back
    assert [c.value for c in cells] == ["'" + c.replace("\r", "\n") for c in DANGEROUS]
    assert {c.data_type for c in cells} == {"s"}
    assert book["Notes"]["A1"].value == "'=not a formula"


def test_aggregates_mark_suppressed_groups_in_csv_xlsx_and_json(web_world, client_as):
    # Dundee City's commissioner: NHS is Dens Road (theirs) and two Perth organisations, too few
    # once groups of four are required; Third sector (two of theirs, two others) is shown
    web_world.app.config["MIN_GROUP"] = 4
    client = client_as("commissioner")
    base = f"/results/rounds/{web_world.round_id}/aggregates?by=sector&level=overall"
    rows = {r["sector"]: r for r in read_csv(client.get(base + "&format=csv"))}
    assert rows["NHS"]["suppressed"] == "true" and rows["NHS"]["mean"] == "c"
    assert rows["NHS"]["n_organisations"] == "c" and rows["NHS"]["reason"] == "too-few"
    assert rows["Third sector"]["suppressed"] == "false" and rows["Third sector"]["n_organisations"] == "4"
    book = load_workbook(io.BytesIO(client.get(base.replace("&level=overall", "") + "&format=xlsx").data))
    assert book.sheetnames == ["indicator", "domain", "overall", "Notes"]
    sheet = book["overall"]
    header = [c.value for c in sheet[1]]
    nhs = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "NHS")
    # the workbook is for people: its headings say "Average", as the reports do
    assert nhs[header.index("Average")] == "c" and nhs[header.index("Hidden")] == "true"
    assert not {"mean", "benchmark"} & {str(h).lower() for h in header}
    notes = " ".join(str(row[0].value) for row in book["Notes"].iter_rows())
    assert "too few organisations" in notes and "cannot be worked out" in notes
    records = json.loads(client.get(base + "&format=json").data)
    nhs = next(r for r in records if r["sector"] == "NHS")
    assert nhs["suppressed"] is True and nhs["mean"] is None and nhs["reason"] == "too-few"


def test_commissioners_export_only_their_areas(web_world, client_as, db):
    client = client_as("commissioner")
    base = f"/results/rounds/{web_world.round_id}/aggregates"
    organisations = read_csv(client.get(base + "?by=organisation&level=overall"))
    assert {r["area"] for r in organisations} == {"Dundee City"} and len(organisations) == 4
    assert {r["area"] for r in read_csv(client.get(base + "?by=area-sector&level=domain"))} == {"Dundee City"}
    assert client.get(f"/results/rounds/{web_world.round_id}/responses").status_code == 403
    assert client.get(base + "?by=everything").status_code == 400
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE action LIKE '%exported'")]
    assert actions == ["aggregates.exported", "aggregates.exported"]


def test_long_format_responses_for_facilitators_of_the_area_only(web_world, client_as, db):
    db.execute("UPDATE answers SET comment = '=HYPERLINK(\"http://example.org\")' WHERE comment LIKE '<b>%'")
    client = client_as("dundee_facilitator")
    rows = read_csv(client.get(f"/results/rounds/{web_world.round_id}/responses?format=csv"))
    assert {r["area"] for r in rows} == {"Dundee City"}
    assert "'=HYPERLINK(\"http://example.org\")" in {r["comment"] for r in rows}
    assert "DRAFT COMMENT NEVER SHOWN" not in {r["comment"] for r in rows}
    response = client.get(f"/results/rounds/{web_world.round_id}/responses?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["responses"]
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} <= {
        ALPHA, "Dee Street Support (fictional)", "Dens Road Clinic (fictional)", "Docks Council Team (fictional)"}
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'responses.exported'").fetchone()[0] == 2
    assert client_as("alpha_lead").get(f"/results/rounds/{web_world.round_id}/aggregates").status_code == 403
