"""Follow-up dashboard, analysis page and report, CONSORT diagram, exports and the sample-size page.

All of these show pseudonymised or aggregate data only. Individual-level exports are for the study's
researchers; every export and report download is audited.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bondwell.accounts.access import mothers_in_scope, require_role
from bondwell.accounts.roles import Role
from bondwell.stats.trial import sample_size
from bondwell.studies import consort, exports, sources
from bondwell.studies.access import SITE_STAFF, access_study, signed_in
from bondwell.studies.analysis import LIMITS, analyse_study, trajectory_figure
from bondwell.studies.followup import attrition_by_arm, follow_up_table, open_visits
from bondwell.studies.forms import SampleSizeForm
from bondwell.studies.outcomes import link_outcomes
from bondwell.studies.report import render_pdf, report_tables

RESEARCHERS = frozenset({Role.RESEARCHER})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER)
def study_followup(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access_study(request, study_id, action="view:study-follow-up")
    user = signed_in(request)
    today = timezone.localdate()
    link_outcomes(study)
    own_site = open_visits(study, mothers_in_scope(user), today) if user.role in SITE_STAFF else []
    return render(request, "studies/followup.html", {
        "title": f"Follow-up of {study.code}", "study": study, "rows": follow_up_table(study, today), "today": today,
        "attrition": attrition_by_arm(study), "open_visits": own_site,
        "screening_ready": sources.screening_installed(),
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER)
def study_analysis(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access_study(request, study_id, action="view:study-analysis")
    link_outcomes(study)
    analysis = analyse_study(study)
    figure = trajectory_figure(analysis, "svg").decode("utf-8") if analysis.trajectories else ""
    return render(request, "studies/analysis.html", {
        "title": f"Analysis of {study.code}", "study": study, "analysis": analysis,
        "tables": report_tables(analysis), "figure": figure, "limits": LIMITS,
        "is_researcher": signed_in(request).role == Role.RESEARCHER,
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER)
def study_report_pdf(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access_study(request, study_id, action="export:study-report-pdf")
    link_outcomes(study)
    analysis = analyse_study(study)
    pdf = render_pdf(study, analysis, consort.draw(consort.consort_flow(study), "png"))
    return _download(pdf, "application/pdf", f"{study.code.lower()}-analysis-report.pdf")


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER)
def study_consort(request: HttpRequest, study_id: int, fmt: str) -> HttpResponse:
    if fmt not in {"svg", "pdf"}:
        raise Http404("Unknown format.")
    study = access_study(request, study_id, action=f"export:study-consort-{fmt}")
    link_outcomes(study)
    content = consort.draw(consort.consort_flow(study), fmt)
    content_type = "image/svg+xml" if fmt == "svg" else "application/pdf"
    return _download(content, content_type, f"{study.code.lower()}-consort.{fmt}")


@require_role(Role.RESEARCHER)
def study_export(request: HttpRequest, study_id: int, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("Unknown format.")
    study = access_study(request, study_id, roles=RESEARCHERS, action=f"export:study-{fmt}")
    link_outcomes(study)
    content, content_type, filename = exports.render(study, fmt)
    return _download(content, content_type, filename)


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER)
def study_sample_size(request: HttpRequest) -> HttpResponse:
    form = SampleSizeForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        try:
            result = sample_size(**form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
    return render(request, "studies/sample_size.html", {"title": "Sample size", "form": form, "result": result})
