"""Clinicians and site leads: the alert queue, each alert's steps, reports, paper entry, scheduling, overdue
questionnaires and time-to-acknowledge. Site leads see alerts but never answers or scores."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import timezone

from bondwell.accounts import service_hours
from bondwell.accounts.access import (
    access_mother,
    access_row,
    audit,
    mothers_in_scope,
    own_site,
    posted_row,
    require_role,
)
from bondwell.accounts.forms import SiteHoursForm
from bondwell.accounts.list_audit import audit_list
from bondwell.accounts.models import User
from bondwell.accounts.roles import Purpose, Role
from bondwell.accounts.services import AccountError, update_site_hours
from bondwell.errors import add_to_form
from bondwell.screening import services
from bondwell.screening.alerts import has_alert_recipient
from bondwell.screening.crisis import crisis_contacts
from bondwell.screening.forms import (
    BLANK,
    ActionForm,
    CancelForm,
    CrisisContactForm,
    PaperForm,
    SafetySettingsForm,
    ScheduleForm,
    SchedulePbqForm,
)
from bondwell.screening.models import Assessment, RiskAlert, ScheduledQuestionnaire, SiteCrisisContact, new_key
from bondwell.screening.presenters import history, read
from bondwell.screening.questionnaires import PAPER_INSTRUMENTS, answerable_by_mother, load_instrument, short_name
from bondwell.screening.queue_rows import (
    queue_rows,
    row_columns,
    row_digests,
    rows_etag,
    rows_html,
    time_left,
    trigger_words,
)
from bondwell.screening.report_pdf import AlertHandling, ReportContext, local, render_pdf
from bondwell.screening.response_times import alerts_raised, response_times
from bondwell.screening.safety import safety_settings

PAGE_SIZE = 50
ACTIVE = (RiskAlert.Status.OPEN, RiskAlert.Status.ACKNOWLEDGED)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def queue(request: HttpRequest) -> HttpResponse:
    """Alerts past their deadline first, then open ones by deadline, then acknowledged ones; educators' concerns
    beside them. HTMX refreshes the table every 15 seconds."""
    from bondwell.workspace.views import concerns_in_scope

    user = _user(request)
    show_closed = request.GET.get("show") == "closed"
    live = bool(request.headers.get("HX-Request"))
    now = timezone.now()
    alerts = RiskAlert.objects.filter(mother__in=mothers_in_scope(user)).select_related(
        "mother", "assessment", "draft", "acknowledged_by").only(*row_columns())
    if show_closed:
        alerts = alerts.filter(status=RiskAlert.Status.CLOSED).order_by("-closed_at", "-id")
    else:
        alerts = alerts.filter(status__in=ACTIVE).annotate(
            urgency=Case(
                When(status=RiskAlert.Status.OPEN, ack_due_at__lte=now, then=Value(0)),
                When(status=RiskAlert.Status.OPEN, then=Value(1)), default=Value(2), output_field=IntegerField(),
            )
        ).order_by("urgency", "ack_due_at", "priority", "-raised_at", "-id")
    reads_answers = user.role == Role.CLINICIAN
    if live:
        # The live partial (every 15 s): its rows only. No count for a pager it does not draw, no concerns, no
        # navigation or banner (the page around it has them): one query for the rows.
        number = request.GET.get("page", "")
        shown = list(alerts[:PAGE_SIZE] if number in ("", "1") else Paginator(alerts, PAGE_SIZE).get_page(number))
        rows = queue_rows(shown, reads_answers=reads_answers, now=now)
        digests = row_digests(rows)
        # A poll showing the alerts this session was last shown is not audited again (docs/security.md); a poll
        # answered 304 showed them too, so it is audited by the same rule.
        audit_list(request, "view:alert-queue", (a.pk for a in shown))
        etag = rows_etag(request, digests, show_closed=show_closed, page=number or "1")
        response: HttpResponse
        # Weak comparison, as HTTP has it for If-None-Match: a proxy that compresses may mark the tag weak (W/).
        if etag in {tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")}:
            response = HttpResponseNotModified()  # the browser keeps the rows it has (screening/queue-etag.js)
        else:
            response = HttpResponse(rows_html(rows, digests, show_closed=show_closed))
        response["ETag"] = etag
        return response
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queue_rows(page, reads_answers=reads_answers, now=now)
    context = {"title": "Alerts and concerns", "page": page, "rows": rows, "show_closed": show_closed, "now": now,
               "concerns": list(concerns_in_scope(user)[:PAGE_SIZE]) if not show_closed else [],
               "rows_etag": rows_etag(request, row_digests(rows), show_closed=show_closed, page=str(page.number))}
    audit_list(request, "view:alert-queue", (row.alert.pk for row in rows), always=True)
    return render(request, "screening/queue.html", context)


def _alert(request: HttpRequest, alert_id: int) -> RiskAlert:
    rows = RiskAlert.objects.filter(pk=alert_id).select_related("mother__site", "assessment", "draft")
    return access_row(request, rows, Purpose.ALERTS, action="view:alert", missing="No such alert.")


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = _alert(request, alert_id)
    user = _user(request)
    form = ActionForm(request.POST if request.POST.get("step") == "action" else None)
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "acknowledge":
                services.acknowledge_alert(alert, by=user)
                messages.success(request, "Acknowledged. Record what you do next.")
                return redirect("screening-alert", alert_id=alert.pk)
            if step == "action" and form.is_valid():
                services.record_alert_action(
                    alert, form.cleaned_data["action"], form.cleaned_data["note"], by=user
                )
                messages.success(request, "Action recorded.")
                return redirect("screening-alert", alert_id=alert.pk)
            if step == "close":
                services.close_alert(alert, by=user)
                messages.success(request, "Alert closed.")
                return redirect("screening-queue")
        except services.ScreeningError as problem:
            messages.error(request, str(problem))
            return redirect("screening-alert", alert_id=alert.pk)
    alert.refresh_from_db()
    reading = read(alert.assessment) if alert.assessment and user.role == Role.CLINICIAN else None
    return render(
        request,
        "screening/alert.html",
        {
            "title": "Alert", "alert": alert, "form": form,
            "events": alert.events.select_related("actor")[:100],
            "reading": reading, "may_read_answers": user.role == Role.CLINICIAN,
            "contacts": crisis_contacts(alert.mother.site),
            "trigger": trigger_words(alert) if user.role == Role.CLINICIAN else "",
            "time_left": time_left(alert.ack_due_at, timezone.now()),
        },
    )


def _assessment(request: HttpRequest, assessment_id: int, action: str) -> Assessment:
    rows = Assessment.objects.filter(pk=assessment_id)
    return access_row(request, rows, Purpose.CLINICAL, action=action, missing="No such assessment.")


@require_role(Role.CLINICIAN)
def report(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, "view:assessment")
    reading = read(assessment)
    return render(
        request,
        "screening/report.html",
        {
            "title": f"{reading.instrument.title}: report", "reading": reading, "assessment": assessment,
            "trend": history(assessment), "alerts": assessment.risk_alerts.all(),
            "replaced_by": Assessment.objects.filter(supersedes=assessment).first(),
            "contacts": crisis_contacts(assessment.mother.site),
        },
    )


@require_role(Role.CLINICIAN)
def report_pdf(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, "download:assessment-pdf")
    pdf = render_pdf(read(assessment), history(assessment), _report_context(assessment, _user(request)))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{assessment.mother.pseudonym}-{assessment.instrument}-{assessment.answered_on}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _report_context(assessment: Assessment, user: User) -> ReportContext:
    """What the printed report says beyond the result: the service, her identifiers, the times in the site's
    zone, who entered and who printed it, and each alert's handling step by step."""
    mother = assessment.mother
    zone = mother.site.zone_name
    alerts = [
        AlertHandling(
            kind=alert.get_kind_display(), raised=local(alert.raised_at, zone), status=alert.get_status_display(),
            steps=[f"{local(e.at, zone)}: {e.step}" + (f" by {e.actor.full_name}" if e.actor else "")
                   + (f": {e.detail}" if e.detail else "") for e in alert.events.select_related("actor")[:40]],
        )
        for alert in assessment.risk_alerts.order_by("raised_at", "id")
    ]
    return ReportContext(
        service=mother.site.name, date_of_birth=mother.date_of_birth, submitted=local(assessment.submitted_at, zone),
        entered_by=assessment.entered_by.full_name, printed_by=f"{user.full_name} ({user.get_role_display()})",
        printed_at=local(timezone.now(), zone), alerts=alerts,
    )


@require_role(Role.CLINICIAN)
def mother_screening(request: HttpRequest, mother_id: int) -> HttpResponse:
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="view:screening")
    form = ScheduleForm(request.POST or None, site=mother.site)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["instrument"]
        services.schedule_questionnaire(mother, chosen, form.cleaned_data["due_on"], by=_user(request))
        messages.success(request, "Scheduled. She will be invited by email when it comes due.")
        return redirect("screening-mother", mother_id=mother.pk)
    return render(
        request,
        "screening/mother.html",
        {
            "title": f"Screening: {mother.full_name}", "mother": mother, "form": form,
            "assessments": Assessment.objects.filter(mother=mother).order_by("-answered_on", "-id")[:50],
            "scheduled": mother.scheduled_questionnaires.order_by("-due_on")[:20],
            "alerts": mother.risk_alerts.order_by("-raised_at")[:20],
            "paper_instruments": PAPER_INSTRUMENTS, "today": timezone.localdate(),
            "forms": [form] if form.errors else [],
            "paper_only": [n for n in PAPER_INSTRUMENTS if n not in form.offered],
        },
    )


@require_role(Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD)
def schedule_pbq(request: HttpRequest, mother_id: int) -> HttpResponse:
    """Schedule the bonding questionnaire from her progress page (clinicians: the scoping layer answers 403 to
    the other staff roles), then go back to that page."""
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="open:schedule-pbq")
    if request.method != "POST":
        return redirect("progress-mother", mother_id=mother.pk)
    form = SchedulePbqForm(request.POST)
    if form.is_valid():
        try:
            services.schedule_pbq(mother, form.cleaned_data["due_on"], by=_user(request))
            messages.success(request, "The bonding questionnaire (PBQ) is scheduled.")
        except services.ScreeningError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, "Choose a valid due date.")
    return redirect("progress-mother", mother_id=mother.pk)


def _requests_answered(assessment: Assessment) -> str:
    """" It answers the PHQ-9 due 1 Nov 2026 and 30 Nov 2026, now completed.": the requests her form completed
    (`questionnaires.answered_together`), read back as stored."""
    days = [f"{due:%-d %b %Y}" for due in ScheduledQuestionnaire.objects.filter(
        mother_id=assessment.mother_id, instrument=assessment.instrument,
        status=ScheduledQuestionnaire.Status.COMPLETED, completed_at=assessment.submitted_at,
    ).order_by("due_on").values_list("due_on", flat=True)]
    if not days:
        return ""
    listed = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
    return f" It answers the {short_name(assessment.instrument)} due {listed}, now completed."


@require_role(Role.CLINICIAN)
def paper(request: HttpRequest, mother_id: int, instrument: str) -> HttpResponse:
    """A clinician types in a paper form; missing items are allowed and risk flags still raise alerts."""
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="open:paper-entry")
    if instrument not in PAPER_INSTRUMENTS:
        raise Http404("Unknown questionnaire.")
    definition = load_instrument(instrument, mother.site)
    form = PaperForm(definition, request.POST or None, initial={"key": new_key()})
    scheduled = services.matching_schedule(mother, instrument)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.record_assessment(
                mother, instrument, form.answers(), source="paper", by=_user(request),
                answered_on=form.cleaned_data["answered_on"], idempotency_key=form.cleaned_data["key"],
                scheduled=scheduled, acknowledge_own_alerts=True,
            )
        except services.ScreeningError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, ("Paper form entered." + _requests_answered(assessment))
                             if assessment.supersedes_id is None else (
                "This form had already been saved with other answers: the new answers are saved as a correction "
                "and the earlier version is kept."
            ))
            return redirect("screening-report", assessment_id=assessment.pk)
    return render(
        request,
        "screening/paper.html",
        {
            "title": f"Enter a paper {definition.title}", "form": form, "mother": mother,
            "instrument": definition, "scheduled": scheduled, "forms": [form] if form.errors else [],
        },
    )


@require_role(Role.CLINICIAN)
def correct(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, "open:correction")
    definition = load_instrument(assessment.instrument, assessment.mother.site)
    initial = {"key": new_key(), "answered_on": assessment.answered_on,
               **{item.key: BLANK for item in definition.items},
               **{key: str(value) for key, value in assessment.answers.items()}}
    form = PaperForm(definition, request.POST or None, initial=initial, correcting=True)
    if request.method == "POST" and form.is_valid():
        try:
            new_version = services.correct_assessment(
                assessment, form.answers(), by=_user(request), reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["key"], answered_on=form.cleaned_data["answered_on"],
            )
        except services.ScreeningError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, "Correction saved as a new version; the original is kept.")
            return redirect("screening-report", assessment_id=new_version.pk)
    return render(
        request,
        "screening/paper.html",
        {
            "title": f"Correct the {definition.title}", "form": form, "mother": assessment.mother,
            "instrument": definition, "correcting": assessment, "forms": [form] if form.errors else [],
        },
    )


@require_role(Role.CLINICIAN)
def overdue(request: HttpRequest) -> HttpResponse:
    """Questionnaires past their date, oldest first, each with whether she could answer it online and a cancel
    with a reason (a questionnaire answered on paper closes itself)."""
    user = _user(request)
    cancel = CancelForm(request.POST or None)
    if request.method == "POST" and cancel.is_valid():
        chosen = ScheduledQuestionnaire.objects.filter(pk=cancel.cleaned_data["scheduled"]).first()
        if chosen is None:
            raise Http404("No such questionnaire.")
        access_mother(request, chosen.mother_id, Purpose.CLINICAL, action="open:cancel-questionnaire")
        try:
            services.cancel_scheduled(chosen, by=user, reason=cancel.cleaned_data["reason"])
        except services.ScreeningError as problem:
            messages.error(request, str(problem))
        else:
            messages.success(
                request, f"The {short_name(chosen.instrument)} for {chosen.mother.full_name} is cancelled."
            )
        return redirect("screening-overdue")
    waiting = ScheduledQuestionnaire.objects.filter(
        mother__in=mothers_in_scope(user),
        status=ScheduledQuestionnaire.Status.SCHEDULED,
        due_on__lt=timezone.localdate(),
    ).select_related("mother__site").order_by("due_on", "id")
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(s, answerable_by_mother(s.instrument, s.mother.site)) for s in page]
    audit(request, "view:overdue-questionnaires")
    return render(request, "screening/overdue.html", {
        "title": "Overdue questionnaires", "page": page, "rows": rows, "cancel_error": cancel.errors.get("reason"),
        "cancel_for": request.POST.get("scheduled", "") if cancel.errors else "",
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def dashboard(request: HttpRequest) -> HttpResponse:
    """How quickly alerts are acknowledged at this site (the last 90 days)."""
    times = response_times(alerts_raised(mothers_in_scope(_user(request)), timezone.now() - timedelta(days=90)))
    audit(request, "view:alert-dashboard")
    return render(
        request,
        "screening/dashboard.html",
        {
            "title": "Alert response", "count": times.acknowledged, "median": times.median_minutes,
            "p90": times.p90_minutes, "open": times.open, "escalated": times.escalated, "total": times.raised,
        },
    )


@require_role(Role.SITE_LEAD)
def site_settings(request: HttpRequest) -> HttpResponse:
    """The site lead sets the site's working hours, the acknowledgement windows, the fallback contact and the site's
    crisis contacts."""
    user = _user(request)
    site = own_site(user)
    form = SafetySettingsForm(request.POST if request.POST.get("part") == "rules" else None,
                              instance=safety_settings(site))
    contact_form = CrisisContactForm(request.POST if request.POST.get("part") == "contact" else None, site=site)
    hours_form = SiteHoursForm(request.POST if request.POST.get("part") == "hours" else None, site=site)
    now = timezone.now()
    if request.method == "POST":
        part = request.POST.get("part")
        if part == "hours" and hours_form.is_valid():
            try:
                update_site_hours(site, by=user, **hours_form.cleaned_data)
            except AccountError as error:
                add_to_form(hours_form, error)
            else:
                messages.success(request, "Working hours saved. Alerts are routed, and mothers told when someone "
                                          "will call, by these hours from now on.")
                if not has_alert_recipient(site):
                    messages.warning(request, "Nobody would receive a risk alert raised now: add a clinician, "
                                              "someone on call or a fallback contact.")
                return redirect("screening-settings")
        if part == "rules" and form.is_valid():
            services.update_safety_settings(site, form.cleaned_data, by=user)
            messages.success(request, "Alert settings saved.")
            return redirect("screening-settings")
        if part == "contact" and contact_form.is_valid():
            services.add_crisis_contact(site, contact_form.cleaned_data, by=user)
            messages.success(request, "Contact added after the national crisis lines, which mothers always see.")
            return redirect("screening-settings")
        if part == "remove":
            contact = posted_row(request, SiteCrisisContact.objects.filter(site=site), "contact")
            if contact is not None:
                services.remove_crisis_contact(contact, by=user)
                messages.success(request, "Crisis contact removed.")
            return redirect("screening-settings")
    return render(
        request,
        "screening/settings.html",
        {
            "title": "Alert and crisis settings", "form": form, "contact_form": contact_form,
            "own_contacts": site.crisis_contacts.all(), "shown": crisis_contacts(site), "hours_form": hours_form,
            "site_now": service_hours.local(site, now), "open_now": service_hours.is_open(site, now),
            "zone": site.zone_name,
        },
    )
