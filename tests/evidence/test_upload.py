"""CSV upload: valid files add every row at once; a bad file adds nothing and names each row and column."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bondwell.evidence.forms import CSV_COLUMNS, parse_csv
from bondwell.evidence.models import EvidenceStudy
from tests.evidence.conftest import valid_study


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = CSV_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def upload(client: Any, content: bytes) -> Any:
    return client.post(reverse("evidence-upload"), {"file": SimpleUploadedFile("studies.csv", content)})


def test_a_valid_file_adds_every_study_and_updates_the_pool(
    client_as: Any, world: Any, shipped: None
) -> None:
    researcher = client_as(world.users["researcher"])
    rows = [valid_study(), valid_study(short_label="Second 2026", mean_massage="9.5", year="2026")]
    response = upload(researcher, csv_bytes(rows))
    assert response.status_code == 302
    assert EvidenceStudy.objects.filter(added_by_user=True, added_by=world.users["researcher"]).count() == 2
    assert 'data-testid="pooled-k">3<' in researcher.get(reverse("evidence")).content.decode()


def test_a_bad_row_adds_nothing_and_is_reported_by_row_and_column(
    client_as: Any, world: Any, shipped: None
) -> None:
    researcher = client_as(world.users["researcher"])
    rows = [valid_study(), valid_study(sd_control="0", n_massage="x")]
    response = upload(researcher, csv_bytes(rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Row 3, column sd_control: A standard deviation must be greater than 0." in html
    assert "Row 3, column n_massage: Enter a whole number." in html
    assert "Row 2" not in html
    assert not EvidenceStudy.objects.filter(added_by_user=True).exists()


def test_unknown_and_missing_columns_are_named() -> None:
    columns = (*(c for c in CSV_COLUMNS if c != "comparator"), "colour")
    parsed = parse_csv(csv_bytes([valid_study()], columns))
    assert [str(p) for p in parsed.problems] == [
        "Row 1, column colour: unknown column",
        "Row 1, column comparator: required column is missing",
    ]
    assert parsed.rows == ()


def test_a_file_that_is_not_utf8_text_is_refused() -> None:
    parsed = parse_csv("short_label\nSchöne 2020\n".encode("latin-1"))
    assert "not UTF-8" in str(parsed.problems[0])


def test_the_downloadable_template_is_itself_a_valid_upload(client: Any, db: None) -> None:
    response = client.get(reverse("evidence-template"))
    assert response["Content-Type"].startswith("text/csv")
    parsed = parse_csv(response.content)
    assert parsed.problems == ()
    assert parsed.rows[0]["not_poolable_reason"].startswith("example row")


def test_only_researchers_and_programme_leads_may_upload(client_as: Any, world: Any, shipped: None) -> None:
    response = upload(client_as(world.users["clinician"]), csv_bytes([valid_study()]))
    assert response.status_code == 403
    assert not EvidenceStudy.objects.filter(added_by_user=True).exists()
