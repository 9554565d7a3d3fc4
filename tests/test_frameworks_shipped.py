"""Every framework we ship validates, has substance, and renders every page."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from surveyapp.assessments.rounds import create_round
from surveyapp.frameworks.loader import load_framework_file

from .conftest import PROJECT, sign_in

FILES = sorted((PROJECT / "frameworks").glob("*.yaml"))
SCHEMA = json.loads((PROJECT / "surveyapp" / "frameworks" / "schema" / "framework.schema.json").read_text())


def test_the_five_frameworks_are_shipped():
    ids = {load_framework_file(f).id for f in FILES}
    assert {"strategic-planning", "trauma-informed-leadership", "culture-change-mhsu",
            "enabling-system", "mat-standards"} <= ids


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_shipped_framework_is_valid_and_substantial(path: Path):
    fw = load_framework_file(path)
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), SCHEMA)
    assert path.name == f"{fw.id}-v{fw.version}.yaml"
    assert fw.instrument == "adaptation" and "own words" in fw.adaptation
    assert fw.sources and all(s.title for s in fw.sources)
    minimum_domains = 10 if fw.id == "mat-standards" else 4
    assert len(fw.domains) >= minimum_domains
    for domain in fw.domains:
        assert len(domain.indicators) >= 3, domain.id
    for scale in fw.scales:
        assert all(level.descriptor for level in scale.levels), scale.id


def test_mat_standards_use_the_rag_scale_and_three_evidence_streams():
    fw = load_framework_file(PROJECT / "frameworks" / "mat-standards-v1.yaml")
    assert len(fw.domains) == 10
    labels = [lv.label for lv in fw.scales[0].levels]
    assert labels == ["Red", "Amber", "Provisional Green", "Green", "Blue"]
    prompts = " ".join(p for i in fw.indicators for p in i.prompts).lower()
    assert all(stream in prompts for stream in ("process", "numerical", "experiential"))


def test_every_domain_page_of_every_framework_renders(app, client, db, make_org, make_user, make_round):
    org = make_org()
    make_user("lead@example.org", organisations=[org])
    sign_in(client, "lead@example.org")
    for path in FILES:
        fw = load_framework_file(path)
        # each file's own version: an id with two versions would otherwise render only the latest
        round_id = create_round(db, fw.key, "Test round")
        page = client.get(f"/rounds/{round_id}/organisations/{org}/").get_data(as_text=True)
        from .conftest import csrf_token

        client.post(f"/rounds/{round_id}/organisations/{org}/start", data={"csrf_token": csrf_token(page)})
        for domain in fw.domains:
            response = client.get(f"/rounds/{round_id}/organisations/{org}/domains/{domain.id}")
            assert response.status_code == 200, (fw.id, domain.id)
            soup = BeautifulSoup(response.data, "html.parser")
            assert soup.h1.get_text(strip=True).endswith(domain.title)
            for ind in domain.indicators:
                # every question is labelled: a legend for radios, a label for text boxes
                assert soup.find(id=ind.id) is not None, ind.id
                if ind.type == "rating":
                    radios = soup.find_all("input", attrs={"name": ind.id})
                    assert len(radios) == len(ind.scale.levels) + len(ind.scale.options)
                    for radio in radios:
                        assert soup.find("label", attrs={"for": radio["id"]}) is not None
