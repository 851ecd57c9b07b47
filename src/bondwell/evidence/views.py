"""The public evidence page and the researcher's ways to add studies (form and CSV)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bondwell.accounts.access import require_role
from bondwell.accounts.roles import Role
from bondwell.evidence.data import load_evidence
from bondwell.evidence.forms import CsvUploadForm, StudyForm, csv_template, parse_csv
from bondwell.evidence.models import EvidenceOutcome, EvidenceStudy
from bondwell.evidence.pool import Pool, fmt, forest_svg, pool
from bondwell.evidence.services import (
    do_add_study,
    do_import_studies,
    do_remove_study,
    pool_rows,
    primary_outcomes,
)

EDITORS = (Role.RESEARCHER, Role.SITE_LEAD)


@dataclass(frozen=True)
class StudyLine:
    """One line of the studies table: the study, its primary outcome, and why it is not pooled (if not)."""

    outcome: EvidenceOutcome
    g: str
    weight: str
    reason: str


def _lines(outcomes: list[EvidenceOutcome], current: Pool) -> list[StudyLine]:
    effects = {row.key: (g, w) for row, g, _, _, w in current.study_effects()}
    lines = []
    for outcome in outcomes:
        reason = ""
        if not outcome.poolable:
            if outcome.measure != "EPDS":
                reason = f"Outcome is {outcome.measure}, not the EPDS."
            else:
                reason = outcome.not_poolable_reason or "Some of the six numbers are missing."
        g, w = effects.get(outcome.study.key, (None, None)) if outcome.poolable else (None, None)
        lines.append(
            StudyLine(outcome, fmt(g) if g is not None else "", f"{w:.0f}%" if w is not None else "", reason)
        )
    return lines


def current_pool() -> tuple[list[EvidenceOutcome], Pool]:
    outcomes = primary_outcomes()
    return outcomes, pool(pool_rows(outcomes))


def evidence_page(request: HttpRequest) -> HttpResponse:
    outcomes, current = current_pool()
    evidence = load_evidence()
    context = {
        "title": "Evidence: infant massage and postnatal depression",
        "pool": current,
        "result": current.result,
        "estimate": fmt(current.result.estimate) if current.result else "",
        "forest": forest_svg(current.rows),
        "lines": _lines(outcomes, current),
        "review": evidence.review,
        "limits": evidence.limits,
        "may_add": getattr(request.user, "role", None) in EDITORS,
    }
    return render(request, "evidence/page.html", context)


def _after_change(request: HttpRequest, what: str) -> HttpResponse:
    _, current = current_pool()
    now = ""
    if current.result is not None:
        now = f"Hedges' g is now {fmt(current.result.estimate)} from {current.k} studies."
    messages.success(request, f"{what} {now}".strip())
    return redirect(reverse("evidence") + "#pool")


@require_role(*EDITORS)
def study_add(request: HttpRequest) -> HttpResponse:
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        study = do_add_study(request, form.cleaned_data)
        return _after_change(request, f"{study.short_label} was added.")
    return render(request, "evidence/add.html", {"title": "Add a study", "form": form})


@require_role(*EDITORS)
def study_upload(request: HttpRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        parsed = parse_csv(form.cleaned_data["file"].read())
        problems = [str(p) for p in parsed.problems]
        if not problems:
            studies = do_import_studies(request, parsed.rows)
            return _after_change(request, f"{len(studies)} studies were added.")
    return render(
        request, "evidence/upload.html", {"title": "Upload studies (CSV)", "form": form, "problems": problems}
    )


@require_role(*EDITORS)
@require_POST
def study_remove(request: HttpRequest, key: str) -> HttpResponse:
    # Only studies added on the page can be removed here; a shipped key answers 404 like a missing one.
    study = get_object_or_404(EvidenceStudy, key=key, added_by_user=True)
    label = study.short_label
    do_remove_study(request, study)
    return _after_change(request, f"{label} was removed.")


def study_csv_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bondwell-evidence-template.csv"'
    return response
