"""The public page shows the latest published version only; drafts stay with the review team; downloads."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from bondwell.accounts.models import User
from bondwell.evidence.models import Record
from bondwell.evidence.review import prisma

RIS = (b"TY  - JOUR\nAU  - Draftwell, D.\nTI  - A draft-only trial of infant massage for postnatal depression\n"
       b"PY  - 2026\nER  - \n")  # fmt: skip


@pytest.fixture
def researcher(shipped: Any) -> Client:
    user = User.objects.create_user("r@pages.test", "pw-long-enough-1", full_name="Rae Search", role="researcher")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_public_page_shows_version_one_without_a_pooled_estimate(shipped: Any, client: Client) -> None:
    page = client.get("/evidence/").content.decode()
    assert 'data-testid="version-number">1<' in page
    assert "Raisi Dehkordi 2019" in page
    assert "pooled-g" not in page  # one study with complete numbers: no pooled estimate
    visible = re.sub(r"<[^>]+>", " ", page).lower()
    uses = re.findall(r"(\w+)\s+pooled\b", visible)
    assert set(uses) <= {"not"}, uses  # only a source's own "not pooled"; never a pooled result
    assert "<polygon" not in page  # no diamond
    assert "prediction interval</text>" not in page
    assert "Mothers not selected for postnatal depression" in page  # considered and excluded, with the reason
    assert "Favours massage" in page
    assert "stated_in_issue" not in page
    assert "Taylor" not in page


def test_a_draft_import_is_not_public_until_published(researcher: Client, client: Client) -> None:
    before = client.get("/evidence/").content.decode()
    upload = {"source": "PubMed", "file_format": "", "file": _file("draft.ris", RIS)}
    response = researcher.post("/evidence/review/import/", upload)
    assert response.status_code == 302
    assert Record.objects.filter(title__startswith="A draft-only trial").exists()
    after = client.get("/evidence/").content.decode()
    assert "draft-only" not in after
    assert _without_csrf(after) == _without_csrf(before)
    researcher.post("/evidence/review/publish/", {"note": "imports only"})
    published = client.get("/evidence/").content.decode()
    assert 'data-testid="version-number">2<' in published
    assert "PubMed: 1" in published  # PRISMA counts the imported record under its source


def test_a_malformed_upload_adds_nothing_and_names_the_record(researcher: Client) -> None:
    before = Record.objects.count()
    bad = RIS + b"TY  - JOUR\nTI  - Second\nPY  - 2O26\nER  - \n"
    response = researcher.post("/evidence/review/import/", {"source": "PubMed", "file": _file("bad.ris", bad)})
    assert response.status_code == 200
    assert "Record 2, field PY" in response.content.decode()
    assert Record.objects.count() == before


@pytest.mark.parametrize("name", ["data.csv", "analysis.R", "report.pdf", "prisma.svg", "prisma.pdf"])
def test_downloads_of_a_published_version(shipped: Any, client: Client, name: str) -> None:
    response = client.get(f"/evidence/versions/1/{name}")
    assert response.status_code == 200
    body = response.content
    if name == "data.csv":
        text = body.decode()
        assert "Raisi Dehkordi 2019" in text
        assert "abstract (Results" in text  # every number with its source
        assert "excluded,midtsund2019" in text
    if name.endswith(".pdf"):
        assert body.startswith(b"%PDF")
    if name == "prisma.svg":
        included = Record.objects.filter(state=prisma.INCLUDED).count()
        assert "Studies included in the review:</text>" in body.decode()
        assert f">  {included}</text>" in body.decode()


def test_unpublished_versions_are_not_found(shipped: Any, client: Client) -> None:
    assert client.get("/evidence/versions/2/").status_code == 404
    assert client.get("/evidence/versions/2/data.csv").status_code == 404


def _without_csrf(html: str) -> str:
    return re.sub(r"(csrfToken|csrfmiddlewaretoken|X-CSRFToken)[^>]*>", "", html)


def _file(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_differences_between_two_extractions_are_shown(shipped: Any) -> None:
    from bondwell.evidence.models import Extraction

    users = [
        User.objects.create_user(f"x{i}@pages.test", "pw-long-enough-1", full_name=f"Rev {i}", role="researcher")
        for i in (1, 2)
    ]
    record = Record.objects.get(key="raisidehkordi2019")
    for user, sd in zip(users, ("2.04", "2.4"), strict=True):
        Extraction.objects.create(record=record, reviewer=user, data={"sd_control": sd, "label": "Raisi"})
    client = Client()
    client.force_login(users[0], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/evidence/review/records/{record.pk}/extract/").content.decode()
    assert 'data-testid="differences"' in page
    assert "<td>sd_control</td><td>2.04</td><td>2.4</td>" in page


def test_non_randomised_studies_are_judged_with_robins_i(researcher: Client) -> None:
    record = Record.objects.get(key="behnammoghadam2024")  # quasi-experimental
    page = researcher.get(f"/evidence/review/records/{record.pk}/rob/").content.decode()
    assert "ROBINS-I" in page
    assert 'name="q1.1"' in page
    rct = Record.objects.get(key="raisidehkordi2019")
    assert "RoB 2" in researcher.get(f"/evidence/review/records/{rct.pk}/rob/").content.decode()
