"""Follow-up dashboard, analysis page and report, CONSORT diagram, exports and the sample-size page.

All of these show pseudonymised or aggregate data only. Individual-level exports are for the study's
researchers; every export and report download is audited.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bondwell.accounts.access import audit, mothers_in_scope, require_role
from bondwell.accounts.roles import Role
from bondwell.db_routers import reporting
from bondwell.errors import add_to_form
from bondwell.stats.trial import sample_size
from bondwell.studies import consort, dmc, exports
from bondwell.studies.access import (
    SITE_STAFF,
    UNBLINDED,
    access_study,
    is_locked,
    require_by_arm,
    sees_by_arm,
    signed_in,
)
from bondwell.studies.analysis import LIMITS, StudyAnalysis, analyse_study, trajectory_figure
from bondwell.studies.followup import attrition_by_arm, follow_up_table, open_visits
from bondwell.studies.forms import LockForm, SampleSizeForm
from bondwell.studies.locking import lock_database
from bondwell.studies.models import Study, StudyStatus
from bondwell.studies.outcomes import link_outcomes
from bondwell.studies.report import render_pdf, report_tables
from bondwell.studies.services import StudyError

RESEARCHERS = frozenset({Role.RESEARCHER, Role.STATISTICIAN})


def _reading(filled: int) -> AbstractContextManager[None]:
    """The reads of an analysis, report or export, on the read replica when one is configured
    (`bondwell.db_routers.reporting`): they only read. Not when this request has just filled follow-up visits
    (`filled`): a replica may not have them yet, and the page must show what it has just linked."""
    return reporting() if not filled else nullcontext()


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER, Role.STATISTICIAN)
def study_followup(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access_study(request, study_id, action="view:study-follow-up")
    user = signed_in(request)
    today = timezone.localdate()
    link_outcomes(study)
    pooled = not sees_by_arm(user, study)  # blinded: follow-up over all arms together
    own_site = open_visits(study, mothers_in_scope(user), today) if user.role in SITE_STAFF else []
    return render(request, "studies/followup.html", {
        "title": f"Follow-up of {study.code}", "study": study, "today": today, "pooled": pooled,
        "rows": follow_up_table(study, today, pooled=pooled), "attrition": attrition_by_arm(study, pooled=pooled),
        "open_visits": own_site,
        "by_arm": not pooled, "is_statistician": user.role == Role.STATISTICIAN, "locked": is_locked(study),
    })


def _analysed(request: HttpRequest, study_id: int, action: str) -> tuple[Study, StudyAnalysis]:
    """The study's analysis by arm, for those who may see it (`require_by_arm`); the reading is audited."""
    study = access_study(request, study_id)
    require_by_arm(request, study)
    audit(request, action, obj=study, detail=f"study={study.code}")
    with _reading(link_outcomes(study)):
        return study, analyse_study(study)


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER, Role.STATISTICIAN)
def study_analysis(request: HttpRequest, study_id: int) -> HttpResponse:
    study, analysis = _analysed(request, study_id, "view:study-analysis")
    figure = trajectory_figure(analysis, "svg").decode("utf-8") if analysis.trajectories else ""
    return render(request, "studies/analysis.html", {
        "title": f"Analysis of {study.code}", "study": study, "analysis": analysis,
        "tables": report_tables(analysis), "figure": figure, "limits": LIMITS,
        "is_researcher": signed_in(request).role == Role.RESEARCHER,
        "is_statistician": signed_in(request).role == Role.STATISTICIAN, "lock": getattr(study, "database_lock", None),
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER, Role.STATISTICIAN)
def study_report_pdf(request: HttpRequest, study_id: int) -> HttpResponse:
    study, analysis = _analysed(request, study_id, "export:study-report-pdf")
    pdf = render_pdf(study, analysis, consort.draw(consort.consort_flow(study), "png"))
    return _download(pdf, "application/pdf", f"{study.code.lower()}-analysis-report.pdf")


@require_role(Role.STATISTICIAN)
def study_dmc_report(request: HttpRequest, study_id: int) -> HttpResponse:
    """The unblinded data-monitoring committee report (PDF): the study's statistician only, audited."""
    study = access_study(request, study_id, roles=UNBLINDED, action="export:study-dmc-report")
    with _reading(link_outcomes(study)):
        report = dmc.build(study)
    pdf = dmc.render_pdf(report)
    return _download(pdf, "application/pdf", f"{study.code.lower()}-dmc-report.pdf")


@require_role(Role.STATISTICIAN)
def study_lock(request: HttpRequest, study_id: int) -> HttpResponse:
    """Lock the database: confirm, give the reason, then the data are frozen for the final analysis."""
    study = access_study(request, study_id, roles=UNBLINDED)
    if is_locked(study):
        return redirect("study-analysis", study_id=study.pk)
    form = LockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lock = lock_database(study, by=signed_in(request), reason=form.cleaned_data["reason"])
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"The database of {study.code} is locked ({lock.n_participants} participants, "
                                      f"{lock.n_rows} rows). The final analysis uses this snapshot.")
            return redirect("study-analysis", study_id=study.pk)
    return render(request, "studies/lock.html", {
        "title": f"Lock the database of {study.code}", "study": study, "form": form,
        "recruiting": study.status != StudyStatus.CLOSED,
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER, Role.STATISTICIAN)
def study_consort(request: HttpRequest, study_id: int, fmt: str) -> HttpResponse:
    if fmt not in {"svg", "pdf"}:
        raise Http404("Unknown format.")
    study = access_study(request, study_id, action=f"export:study-consort-{fmt}")
    with _reading(link_outcomes(study)):
        flow = consort.consort_flow(study)
    content = consort.draw(flow, fmt)
    content_type = "image/svg+xml" if fmt == "svg" else "application/pdf"
    return _download(content, content_type, f"{study.code.lower()}-consort.{fmt}")


@require_role(Role.RESEARCHER, Role.STATISTICIAN)
def study_export(request: HttpRequest, study_id: int, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("Unknown format.")
    study = access_study(request, study_id, roles=RESEARCHERS, action=f"export:study-{fmt}")
    filled = link_outcomes(study)
    # Blinded researchers get the arm masked until the database is locked.
    blinded = not sees_by_arm(signed_in(request), study)
    with _reading(filled):
        content, content_type, filename = exports.render(study, fmt, mask_arm=blinded)
    return _download(content, content_type, filename)


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER, Role.STATISTICIAN)
def study_sample_size(request: HttpRequest) -> HttpResponse:
    form = SampleSizeForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        try:
            result = sample_size(**form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
    return render(request, "studies/sample_size.html", {"title": "Sample size", "form": form, "result": result})
