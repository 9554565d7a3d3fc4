"""The content of every shipped framework: cited sources, guidance, descriptors, plain English in v2."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from surveyapp.demo.data import load_demo
from surveyapp.frameworks.loader import load_framework_file
from surveyapp.frameworks.readability import MAX_WORDS, MIN_READING_EASE, summarise, word_count

from .conftest import PROJECT, sign_in

FILES = sorted((PROJECT / "frameworks").glob("*.yaml"))
# Plain-English rules bind the second editions and frameworks first written to them.
PLAIN = [f for f in FILES if load_framework_file(f).version >= 2 or f.name == "adp-recovery-system-v1.yaml"]
IDS = ("strategic-planning", "trauma-informed-leadership", "culture-change-mhsu", "enabling-system",
       "mat-standards")


def test_every_shipped_framework_has_a_version_2_and_keeps_version_1():
    names = {f.name for f in FILES}
    for fid in IDS:
        assert {f"{fid}-v1.yaml", f"{fid}-v2.yaml"} <= names, fid
    assert "adp-recovery-system-v1.yaml" in names


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_sources_are_cited_by_title_and_publisher(path: Path):
    fw = load_framework_file(path)
    assert fw.sources
    for source in fw.sources:
        assert source.title and source.note, source
    if fw.version >= 2 or fw.id == "adp-recovery-system":
        assert all(s.publisher for s in fw.sources), [s.title for s in fw.sources if not s.publisher]
        assert fw.instrument == "adaptation" and "This is an adaptation" in fw.adaptation
        assert "not the publisher's own instrument" in fw.adaptation


@pytest.mark.parametrize("path", PLAIN, ids=[f.name for f in PLAIN])
def test_every_indicator_has_guidance_and_every_level_a_descriptor(path: Path):
    fw = load_framework_file(path)
    assert [i.id for i in fw.indicators if not i.guidance] == []
    for scale in fw.scales:
        assert all(level.descriptor for level in scale.levels), scale.id
    assert all(d.source for d in fw.domains), "a source note per domain lets a reviewer trace each statement"


@pytest.mark.parametrize("path", PLAIN, ids=[f.name for f in PLAIN])
def test_v2_statements_are_plain_english(path: Path):
    fw = load_framework_file(path)
    assert [i.id for i in fw.indicators if word_count(i.text) > MAX_WORDS] == []
    summary = summarise(fw)
    assert summary.mean_score >= MIN_READING_EASE, summary.mean_score
    # one idea per rating item: no "and"/"or" joining two things to rate
    assert [s.indicator_id for s in summary.statements if "two-things" in s.flags] == []
    text = " ".join([fw.summary, fw.adaptation] + [i.text + " " + i.guidance for i in fw.indicators]).lower()
    assert "lived experience" not in text.replace("lived and living experience", "")
    assert "lived/living" not in text and "lived / living" not in text
    assert any(i.allow_not_applicable for i in fw.indicators), "items that may not apply offer N/A"


def test_corrected_facts():
    til = load_framework_file(PROJECT / "frameworks" / "trauma-informed-leadership-v2.yaml")
    assert "Dumfries and Galloway" in til.adaptation and "not in Tayside" in til.adaptation
    assert til.indicator("til-3-2") is None  # v1's item claimed more than the source found
    culture = load_framework_file(PROJECT / "frameworks" / "culture-change-mhsu-v2.yaml")
    assert all("National Mental Health and Substance Use Protocol" in s.title for s in culture.sources[:2])
    assert all(s.publisher == "Healthcare Improvement Scotland" for s in culture.sources[:2])
    mat = load_framework_file(PROJECT / "frameworks" / "mat-standards-v2.yaml")
    assert "for as long as they ask" in mat.indicator("mat-5-4").text
    assert "2022/23" in mat.scales[0].label
    assert len(mat.domains) == 10 and all(d.title.startswith("Standard ") for d in mat.domains)
    planning = load_framework_file(PROJECT / "frameworks" / "strategic-planning-v2.yaml")
    assert "Health and social care - strategic plans: statutory guidance" in [s.title for s in planning.sources]
    texts = " ".join(i.text for i in planning.indicators)
    assert "locality" in texts and "nine national outcomes" in texts


def test_adp_framework_has_a_domain_per_strategic_outcome_with_mat_links_and_actions():
    fw = load_framework_file(PROJECT / "frameworks" / "adp-recovery-system-v1.yaml")
    assert [d.title.split(":")[0] for d in fw.domains] == [f"Outcome {n}" for n in range(1, 6)]
    scored = [i for i in fw.indicators if i.scored]
    assert all("Suggested action:" in i.guidance and "lead:" in i.guidance and "target:" in i.guidance
               for i in scored)
    assert sum("MAT Standard" in i.guidance for i in scored) >= 6
    places = " ".join([fw.summary, fw.adaptation])
    assert all(area in places for area in ("Dundee City", "Angus", "Perth and Kinross"))


def test_demo_runs_the_adp_framework_in_every_area_and_its_reports_render(client, db):
    load_demo(db)
    round_id, = db.execute("SELECT id FROM rounds WHERE framework_key LIKE 'adp-recovery-system@%'").fetchone()
    areas = {r[0] for r in db.execute(
        "SELECT DISTINCT o.area FROM responses r JOIN organisations o ON o.id = r.organisation_id "
        "WHERE r.round_id = ? AND r.status = 'submitted'", [round_id])}
    assert {"Dundee City", "Angus", "Perth and Kinross"} <= areas
    sign_in(client, "facilitator@example.org", "tayside demo passphrase")
    for url in (f"/results/rounds/{round_id}/areas/angus/report.pdf",
                f"/results/rounds/{round_id}/sectors/third-sector/report.pdf"):
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf", url
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
        assert "recovery-oriented system of care" in text.lower(), url
