"""Progress pages, read only: the mother's own, her clinician's timeline and the programme lead's dashboard.
Every record is opened through `bondwell.accounts.access`; changes are made by the owning apps' pages."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from bondwell.accounts.access import access_mother, audit, mothers_in_scope, own_mother_record, require_role
from bondwell.accounts.models import Mother, User
from bondwell.accounts.roles import Purpose, Role
from bondwell.pathway.services import visible_to_mother
from bondwell.programme import checklist
from bondwell.programme.models import Booking, Course, Observation
from bondwell.progress import charts, dashboard, presented, series, small_numbers
from bondwell.progress.forms import DashboardFilterForm
from bondwell.progress.series import MAX_ROWS
from bondwell.screening.forms import SchedulePbqForm
from bondwell.screening.models import Assessment
from bondwell.screening.presenters import risk_open
from bondwell.screening.questionnaires import load_instrument
from bondwell.screening.services import pending_pbq
from bondwell.security import cells
from bondwell.stats.dose_response import OBSERVATIONAL_NOTE
from bondwell.stats.trial import EPDS_CUTOFF

PBQ_CUTOFF = 26


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _weekly_target(mother: Mother) -> int | None:
    """The weekly practice her latest course suggests (minutes × sessions a week)."""
    booking = (
        Booking.objects.filter(mother=mother, status=Booking.Status.BOOKED).select_related("course")
        .order_by("-course__starts_on").first()
    )
    return booking.course.minutes_per_session * booking.course.sessions_per_week if booking else None


def _progress_context(mother: Mother) -> dict[str, Any]:
    """Her scores, courses and practice; the same numbers feed the tables and the charts, which her browser (or
    her clinician's) draws from them (`_phone_charts`, progress/phone-charts.js): no chart is rendered here."""
    epds_definition = load_instrument("epds", mother.site)
    pbq_definition = load_instrument("pbq", mother.site)
    return {
        "mother": mother, "epds": series.scores(mother, "epds"), "pbq": series.scores(mother, "pbq"),
        "courses": series.courses(mother), "weeks": series.practice_weeks(mother), "target": _weekly_target(mother),
        "epds_bands": epds_definition.bands, "pbq_bands": pbq_definition.bands,
        "pbq_wording_installed": pbq_definition.wording_installed,
    }


def _encouragement(
    epds: list[series.ScorePoint], weeks: list[series.PracticeWeek], *, praise: bool = True
) -> list[str]:
    """Kind words from her own data: notice what went well, never warn (her clinician handles concerns).

    A fall is praised only when `praise` holds: her latest answers are this EPDS and nothing is open about her.
    """
    words = []
    if praise and len(epds) >= 2 and epds[-1].total < epds[0].total:
        words.append(_("Your score has come down from %(first)s to %(last)s since %(day)s. That is worth noticing.")
                     % {"first": epds[0].total, "last": epds[-1].total, "day": date_format(epds[0].answered_on)})
    elif len(epds) >= 2:
        words.append(_("Scores go up and down, and every week is different. Whatever your score, you can talk to "
                       "your midwife, nurse or GP about how you feel at any time."))
    if weeks:
        total = sum(w.minutes for w in weeks)
        words.append(_("You have spent %(total)s minutes massaging your baby. Every session counts, short ones too.")
                     % {"total": number_format(total)})
    if not words:
        words.append(_("When you answer questionnaires and log your practice, your progress will show here."))
    return words


# ---- the mother ------------------------------------------------------------------------------------------

MY_RESULTS = 50


def _mother_context(mother: Mother) -> dict[str, Any]:
    """Her page: only results she may see (paper ones once released), every questionnaire she answered, most
    recent first, and kind words that never praise a fall across questionnaires or while a risk is open."""
    context = _progress_context(mother)
    visible = visible_to_mother(Assessment.objects.current().filter(mother=mother))
    visible_ids = set(visible.values_list("id", flat=True)[:MAX_ROWS])
    # Results entered from paper reach her only once her clinician has released them.
    context["epds"] = [p for p in context["epds"] if p.assessment_id in visible_ids]
    context["pbq"] = [p for p in context["pbq"] if p.assessment_id in visible_ids]
    context.update(_phone_charts(context))
    results = list(visible.order_by("-answered_on", "-submitted_at", "-id")[:MY_RESULTS])
    definitions: dict[str, Any] = {}  # her site's wording, loaded once per questionnaire (no query per row)
    for assessment in results:
        if assessment.instrument not in definitions:
            definitions[assessment.instrument] = load_instrument(assessment.instrument, mother.site)
    context["results"] = [_result_row(a, definitions[a.instrument]) for a in results]
    latest = results[0] if results else None
    held_back = risk_open(mother) or bool(latest and latest.flags)
    praise_ok = (
        not held_back and latest is not None and latest.instrument == "epds"
        and bool(context["epds"]) and context["epds"][-1].assessment_id == latest.pk
    )
    context["encouragement"] = _encouragement(context["epds"], context["weeks"], praise=praise_ok)
    if held_back:
        context["encouragement"].insert(
            0, _("Your care team is following up on your recent answers. If you feel unsafe at any time, use the "
                 "numbers on your questionnaire result page, or call your local emergency number."),
        )
    return context


def _phone_charts(context: dict[str, Any], *, staff: bool = False) -> dict[str, Any]:
    """The numbers her browser draws (progress/phone-charts.js); the tables on the page carry the same ones.
    `staff`: the same charts on her clinician's page, worded about her (no chart is drawn on the server)."""
    if staff:
        name = context["mother"].full_name
        return {
            "epds_data": charts.score_chart_data(
                context["epds"], context["epds_bands"], courses=context["courses"], y_max=30,
                title=f"{name}'s EPDS scores over time",
                description="Each dot is one EPDS result; the shaded bands are the guideline's bands, striped spans "
                            "her courses.",
            ) if context["epds"] else None,
            "pbq_data": charts.score_chart_data(
                context["pbq"], context["pbq_bands"], y_max=60, cutoff=PBQ_CUTOFF,
                title=f"{name}'s bonding questionnaire (PBQ) over time",
                description="Each dot is one PBQ result; the dashed line is the cut-off (26).",
            ) if context["pbq"] else None,
            "practice_data": charts.practice_chart_data(
                context["weeks"], target=context["target"], title=f"{name}'s practice per week",
                description="Minutes of massage she logged each week; the dashed line is her course's suggestion.",
            ) if context["weeks"] else None,
        }
    return {
        "epds_data": charts.score_chart_data(
            context["epds"], context["epds_bands"], courses=context["courses"], y_max=30,
            title=_("Your EPDS scores over time"),
            description=_("Each dot is one of your EPDS scores; lower scores mean fewer low feelings. The shaded "
                          "bands show what a score usually means; striped spans are your courses."),
        ) if context["epds"] else None,
        "pbq_data": charts.score_chart_data(
            context["pbq"], context["pbq_bands"], y_max=60, cutoff=PBQ_CUTOFF,
            title=_("Your bonding questionnaire (PBQ) over time"),
            description=_("Each dot is one of your PBQ scores; lower scores mean fewer difficulties."),
        ) if context["pbq"] else None,
        "practice_data": charts.practice_chart_data(
            context["weeks"], target=context["target"], title=_("Your practice per week"),
            description=_("Minutes of massage you logged each week."),
        ) if context["weeks"] else None,
    }


def _result_row(assessment: Assessment, definition: Any) -> dict[str, Any]:
    label = next((b.label for b in definition.bands if b.key == assessment.band_key), _("No overall score"))
    return {"assessment": assessment, "title": definition.title, "label": label}


@require_role(Role.MOTHER)
def my_progress(request: HttpRequest) -> HttpResponse:
    mother = own_mother_record(request)
    audit(request, "view:own-progress", mother=mother)
    context = _mother_context(mother)
    context.update(title=_("My progress"))
    return render(request, "progress/mine.html", context)


@require_role(Role.MOTHER)
def my_summary(request: HttpRequest) -> HttpResponse:
    mother = own_mother_record(request)
    audit(request, "view:own-progress-summary", mother=mother)
    context = _mother_context(mother)
    context.update(title=_("My progress summary"), today=timezone.localdate())
    return render(request, "progress/summary.html", context)


# ---- her clinician --------------------------------------------------------------------------------------


@require_role(Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD)
def mother_progress(request: HttpRequest, mother_id: int) -> HttpResponse:
    """Every result, flag and alert with practice and attendance on one timeline (questionnaire results:
    clinicians only; the scoping layer answers 403 to the other staff roles)."""
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="view:progress")
    # Her charts are drawn in the browser from the numbers (as on her own page): no chart rendering here.
    context = _progress_context(mother)
    context.update(_phone_charts(context, staff=True))
    user = _user(request)
    change = series.change_since_baseline(context["epds"], mothers_in_scope(user),
                                          cache_key=f"progress-sd:{user.role}:{user.site_id}")
    context.update(
        title=f"Progress: {mother.full_name}", change=change, timeline=series.timeline(mother),
        observations=Observation.objects.filter(mother=mother).select_related("session__course")[:50],
        checklist_items=checklist.ITEMS, non_validated=checklist.NON_VALIDATED_LABEL, cutoff=EPDS_CUTOFF,
        pbq_form=SchedulePbqForm(), pbq_pending=pending_pbq(mother),
    )
    return render(request, "progress/mother.html", context)


@require_role(Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD)
def mother_export(request: HttpRequest, mother_id: int) -> HttpResponse:
    """Her timeline as CSV; the class observations carry their non-validated label in every row."""
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="export:progress")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="progress-{mother.pseudonym}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "kind", "what", "detail", "needs attention"])
    for entry in series.timeline(mother):
        writer.writerow(cells.row([entry.when.isoformat(), entry.kind, entry.title, entry.detail,
                                   "yes" if entry.urgent else ""]))
    writer.writerow([])
    writer.writerow([f"# Class observations: {checklist.NON_VALIDATED_LABEL}. Not a study outcome."])
    return response


# ---- the programme lead -----------------------------------------------------------------------------------


def _lead_dashboard(request: HttpRequest) -> tuple[Any, DashboardFilterForm, dashboard.Dashboard]:
    """Her own site's aggregates (the scoping layer gives a site lead her site's mothers only)."""
    user = _user(request)
    site = user.site
    assert site is not None
    courses = list(
        Course.objects.filter(site=site).order_by("-starts_on").values_list("id", "title", "starts_on")[:60]
    )
    form = DashboardFilterForm(request.GET or None,
                               courses=[(cid, f"{title} ({start:%d %b %Y})") for cid, title, start in courses])
    board = dashboard.build_cached(mothers_in_scope(user), {site.pk: site.name}, form.filters(),
                                   scope=f"site_lead:{site.pk}")
    return site, form, board


@require_role(Role.SITE_LEAD)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    site, form, board = _lead_dashboard(request)
    audit(request, "view:progress-dashboard", detail=f"site={site.pk}")
    fit = board.overall.dose_response
    slope10 = None
    if fit is not None:
        low, high = fit.conf_int()
        slope10 = (10 * fit.slope, 10 * low, 10 * high)
    return render(request, "progress/dashboard.html", {
        "title": "Programme dashboard", "site": site, "form": form, "board": board, "f": board.overall,
        "col": presented.present(board.overall), "reason": small_numbers.REASON,
        "site_cols": [(name, presented.present(figures)) for name, figures in board.by_site],
        "slope10": slope10, "no_control": dashboard.NO_CONTROL_NOTE, "observational": OBSERVATIONAL_NOTE,
        "min_cell": dashboard.MIN_CELL, "cutoff": EPDS_CUTOFF,
        "severity": dashboard.SEVERITY_LABELS[board.filters.severity], "query": request.GET.urlencode(),
    })


@require_role(Role.SITE_LEAD)
def dashboard_chart(request: HttpRequest) -> HttpResponse:
    """The dose–response chart of the same filters, as SVG; the page loads it after its numbers."""
    _site, _form, board = _lead_dashboard(request)
    svg = charts.dose_response_chart(board.overall.dose_response, board.overall.dose_bins,
                                     title="Practice minutes per week against EPDS change (observational)")
    response = HttpResponse('<?xml version="1.0" encoding="utf-8"?>\n' + svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=120"
    return response
