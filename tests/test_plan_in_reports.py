"""The improvement plan appears in the real organisation and area reports, HTML and PDF."""
from __future__ import annotations

import io

from pypdf import PdfReader

from surveyapp.demo.data import load_demo

from .conftest import sign_in


def test_demo_plan_is_in_the_organisation_and_area_pdfs(client, db):
    load_demo(db)
    # an action answering last year's round, for an organisation with results this year
    action = db.execute(
        """
        SELECT a.title, a.organisation_id, o.area, r2.id
          FROM plan_actions a JOIN organisations o ON o.id = a.organisation_id
          JOIN rounds r1 ON r1.id = a.round_id
          JOIN rounds r2 ON r2.framework_key = r1.framework_key AND r2.id > r1.id
         WHERE EXISTS (SELECT 1 FROM responses s WHERE s.round_id = r2.id
                        AND s.organisation_id = a.organisation_id AND s.status = 'submitted')
         ORDER BY a.id LIMIT 1
        """).fetchone()
    assert action, "the demo data has a plan that can be followed into the next round"
    title, org_id, area, round_id = action
    sign_in(client, "facilitator@example.org", "tayside demo passphrase")

    html = client.get(f"/results/rounds/{round_id}/organisations/{org_id}").get_data(as_text=True)
    assert "Improvement plan" in html and title in html

    pdf = client.get(f"/results/rounds/{round_id}/organisations/{org_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Improvement plan" in text
    assert " ".join(title.split()[:4]) in " ".join(text.split())

    slug = area.lower().replace(" ", "-")
    area_pdf = client.get(f"/results/rounds/{round_id}/areas/{slug}/report.pdf")
    assert area_pdf.status_code == 200
    area_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(area_pdf.data)).pages).split())
    assert "Improvement plan" in area_text and " ".join(title.split()[:4]) in area_text
