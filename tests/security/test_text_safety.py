"""User text reaches PDFs, charts and spreadsheets as plain text: no markup, no mathematics, no formulas."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from bondwell.security.cells import cell, frame, row
from bondwell.security.pdf import plain

PAYLOADS = [
    '<img src="file:///etc/passwd" width="100" height="100"/>',
    '<img src="http://127.0.0.1:9/ssrf.png"/>',
    '<a href="http://127.0.0.1:9/">click</a> <link href="x">y</link>',
    "<b>unclosed <i>tags & < > stray",
    "Tues 10am $5 - 50% off $10",
    "$x^{$ \\frac{ $$",
    "ℵ 💜 مرحبا 你好 \u202e\x00\x07",
    "z" * 10_240,
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_the_study_report_pdf_never_reads_a_title_as_markup(payload: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportlab.lib.utils as rl_utils

    from bondwell.studies import report
    from bondwell.studies.models import Study

    fetched: list[str] = []
    original = rl_utils.open_for_read

    def spy(name: Any, mode: str = "b") -> Any:
        if isinstance(name, str):
            fetched.append(name)
        return original(name, mode)

    monkeypatch.setattr(rl_utils, "open_for_read", spy)
    monkeypatch.setattr(report, "trajectory_figure", lambda analysis, fmt: _png())
    monkeypatch.setattr(report, "report_tables", lambda analysis: [(payload, ("a", "b"), [(payload[:50], "1")])])
    study = Study(title=payload, code="T1", design="two_arm")
    analysis = SimpleNamespace(n_participants=3, per_protocol_rule="", problems=[payload])
    pdf = report.render_pdf(study, analysis)  # type: ignore[arg-type]
    assert pdf.startswith(b"%PDF")
    assert b"/URI" not in pdf, "a live link was made from user text"
    assert not [n for n in fetched if "passwd" in n or "127.0.0.1" in n], fetched


def _png() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(2, 1))
    axes.set_title("Tues 10am $5 - 50% off $10")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def test_plain_escapes_markup_and_bounds_length() -> None:
    assert plain('<img src="x"/>') == '&lt;img src="x"/&gt;'
    assert plain("a & b") == "a &amp; b"
    assert len(plain("x" * 100_000)) <= 20_000
    assert "\x00" not in plain("a\x00b")


@pytest.mark.parametrize("title", ["Tues 10am $5 - 50% off $10", "$x^{$", "ℵ 💜 你好 " * 300, "w" * 10_240])
def test_money_and_long_unicode_course_names_do_not_break_progress_pages(
    world: Any, client_as: Any, title: str
) -> None:
    from bondwell.programme.models import Course

    Course.objects.filter(site=world.site_a).update(title=title[:120], description=title)
    clinician = client_as(world.users["clinician"])
    assert clinician.get(reverse("progress-mother", args=[world.mother_a.pk])).status_code == 200
    mother = client_as(world.users["mother"])
    assert mother.get(reverse("progress-mine")).status_code == 200


def test_matplotlib_reads_no_mathematics_in_any_chart() -> None:
    import matplotlib

    assert matplotlib.rcParams["text.parse_math"] is False
    _png()


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                   "\t=1", "\r=1"])
def test_formula_cells_are_neutralised(value: str) -> None:
    assert cell(value) == "'" + value
    assert row([value, 1])[0].startswith("'")


@pytest.mark.parametrize("value", ["-3", "+1.5", "-1e3", "plain text", "", "50%", 7, None])
def test_numbers_and_ordinary_text_are_left_alone(value: Any) -> None:
    assert cell(value) == value


def test_a_frame_keeps_numeric_columns_and_neutralises_text() -> None:
    import pandas as pd

    table = frame(pd.DataFrame({"consent_version": ["=HYPERLINK(1)", "1.0"], "epds": [-3, 12]}))
    assert list(table["consent_version"]) == ["'=HYPERLINK(1)", "1.0"]
    assert list(table["epds"]) == [-3, 12]


def test_the_clinicians_progress_csv_neutralises_formula_cells(world: Any, client_as: Any) -> None:
    from django.utils import timezone

    from bondwell.programme.models import Attendance, ClassSession, Course

    course = Course.objects.get(site=world.site_a)
    Course.objects.filter(pk=course.pk).update(title='=HYPERLINK("http://evil.example","click")')
    session = ClassSession.objects.create(course=course, number=1, teaches="class", starts_at=timezone.now())
    Attendance.objects.create(session=session, mother=world.mother_a, status="present")
    response = client_as(world.users["clinician"]).get(reverse("progress-export", args=[world.mother_a.pk]))
    assert response.status_code == 200
    assert "HYPERLINK" in response.content.decode()  # the course title is in her timeline
    for line in csv.reader(io.StringIO(response.content.decode())):
        for value in line:
            assert not value.startswith(("=", "+", "@")), line
