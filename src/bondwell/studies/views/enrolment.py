"""Screening log, consent and enrolment, randomisation, withdrawal: site staff, on their own site's mothers.

Every mother is opened through `access_mother` (her site's staff only, audited). The EPDS total behind an
eligibility decision is shown only to roles that may read clinical results.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bondwell.accounts.access import access_mother, may, mothers_in_scope, require_role
from bondwell.accounts.roles import Purpose, Role
from bondwell.errors import add_to_form
from bondwell.studies.access import SITE_STAFF, access_participant, access_study, signed_in
from bondwell.studies.allocation import defer_randomisation, randomise_participant
from bondwell.studies.enrolment import (
    enrol_participant,
    mark_lost,
    record_intervention_received,
    screen_mother,
    withdraw_participant,
    youngest_baby_age,
)
from bondwell.studies.forms import ConsentForm, LostForm, RandomiseForm, ScreenForm, WithdrawForm
from bondwell.studies.models import Participant, ScreeningEntry, StudyStatus
from bondwell.studies.safety_check import OpenRisks, open_risks
from bondwell.studies.services import StudyError, withdrawal_choices

PAGE_SIZE = 50
SITE_LEAD_ONLY = frozenset({Role.SITE_LEAD})


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def study_enrol(request: HttpRequest, study_id: int) -> HttpResponse:
    """Mothers of the user's site not yet screened for this study."""
    study = access_study(request, study_id, roles=SITE_STAFF)
    user = signed_in(request)
    query = request.GET.get("q", "").strip()[:80]
    mothers = mothers_in_scope(user).filter(site__in=study.sites.all()).exclude(study_screenings__study=study)
    if query:
        mothers = mothers.filter(full_name__icontains=query)
    page = Paginator(mothers.order_by("full_name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "studies/enrol.html", {
        "title": f"Screen mothers for {study.code}", "study": study, "page": page, "q": query,
        "recruiting": study.status == StudyStatus.RECRUITING,
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def study_screen(request: HttpRequest, study_id: int, mother_id: int) -> HttpResponse:
    study = access_study(request, study_id, roles=SITE_STAFF)
    mother = access_mother(request, mother_id, Purpose.RECORD, action="view:study-screen")
    existing = ScreeningEntry.objects.filter(study=study, mother=mother).first()
    if existing is not None:
        return redirect("study-screening-log", study_id=study.pk)
    # An empty POST (nothing ticked) is still a submission.
    form = ScreenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = screen_mother(study, mother, by=signed_in(request),
                              declined=form.cleaned_data["declined"], other_reason=form.cleaned_data["other_reason"])
        except StudyError as error:
            add_to_form(form, error)
        else:
            if entry.eligible and not entry.exclusion_reason:
                messages.success(request, f"{mother.full_name} is eligible. Record her consent to enrol her.")
                return redirect("study-consent", study_id=study.pk, entry_id=entry.pk)
            messages.info(request, f"{mother.full_name} was logged as not enrolled: "
                                   f"{entry.get_exclusion_reason_display()}.")
            return redirect("study-screening-log", study_id=study.pk)
    baby_age = youngest_baby_age(mother, timezone.localdate())
    return render(request, "studies/screen.html", {
        "title": f"Screen {mother.full_name}", "study": study, "mother": mother, "form": form,
        "baby_age": baby_age,
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def study_consent(request: HttpRequest, study_id: int, entry_id: int) -> HttpResponse:
    study = access_study(request, study_id, roles=SITE_STAFF)
    entry = ScreeningEntry.objects.filter(study=study, pk=entry_id).first()
    if entry is None:
        raise Http404("No such screening entry.")
    mother = access_mother(request, entry.mother_id, Purpose.RECORD, action="view:study-consent")
    if hasattr(entry, "participant"):
        return redirect("study-participant", study_id=study.pk, participant_id=entry.participant.pk)
    form = ConsentForm(request.POST or None, version=study.consent_version)
    if request.method == "POST" and form.is_valid():
        try:
            participant = enrol_participant(entry, by=signed_in(request),
                                   consent_version=form.cleaned_data["consent_version"].strip(),
                                   consented_at=form.cleaned_data["consented_at"])
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{mother.full_name} is enrolled as {participant.code}.")
            return redirect("study-participant", study_id=study.pk, participant_id=participant.pk)
    return render(request, "studies/consent.html", {
        "title": f"Consent: {mother.full_name}", "study": study, "mother": mother, "entry": entry, "form": form,
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def study_screening_log(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access_study(request, study_id, roles=SITE_STAFF, action="view:study-screening-log")
    user = signed_in(request)
    entries = (
        ScreeningEntry.objects.filter(study=study, mother__in=mothers_in_scope(user))
        .select_related("mother", "participant").order_by("-screened_at", "-id")
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "studies/screening_log.html", {
        "title": f"Screening log of {study.code}", "study": study, "page": page,
        "show_scores": may(user, Purpose.CLINICAL),
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def study_participants(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access_study(request, study_id, roles=SITE_STAFF, action="view:study-participants")
    user = signed_in(request)
    participants = (
        Participant.objects.filter(study=study, mother__in=mothers_in_scope(user))
        .select_related("mother", "allocation__arm").order_by("code")
    )
    page = Paginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "studies/participants.html", {
        "title": f"Participants of {study.code}", "study": study, "page": page,
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def study_participant(request: HttpRequest, study_id: int, participant_id: int) -> HttpResponse:
    study = access_study(request, study_id, roles=SITE_STAFF)
    participant = access_participant(request, study, participant_id, Purpose.RECORD)
    user = signed_in(request)
    allocation = getattr(participant, "allocation", None)
    return render(request, "studies/participant.html", {
        "title": f"{participant.code}: {participant.mother.full_name}", "study": study,
        "participant": participant, "allocation": allocation,
        "visits": participant.visits.select_related("timepoint").order_by("timepoint__week"),
        "show_scores": may(user, Purpose.CLINICAL),
        "may_randomise": user.role == Role.SITE_LEAD and study.is_randomised and allocation is None,
        "lost_form": LostForm(), "today": timezone.localdate(),
    })


def _count(raw: str | None) -> int:
    """How many items the confirmation page showed (0 when missing or not a number: she is asked again)."""
    return int(raw) if raw is not None and raw.isdigit() else 0


@require_role(Role.SITE_LEAD)
def study_randomise(request: HttpRequest, study_id: int, participant_id: int) -> HttpResponse:
    """Confirm before randomising: her open risk alerts and follow-ups are shown, the decision is recorded."""
    study = access_study(request, study_id, roles=SITE_LEAD_ONLY)
    participant = access_participant(request, study, participant_id, Purpose.RECORD, action="view:study-randomise")
    user = signed_in(request)
    if hasattr(participant, "allocation"):
        return redirect("study-participant", study_id=study.pk, participant_id=participant.pk)
    shown = open_risks(participant.mother)
    form = RandomiseForm(request.POST or None)
    if request.method == "POST" and request.POST.get("decision") == "defer":
        try:
            defer_randomisation(participant, by=user, seen=shown, note=request.POST.get("note", ""))
        except StudyError as error:
            messages.error(request, str(error))
        else:
            messages.info(request, f"{participant.code} was not randomised now; the decision was recorded.")
        return redirect("study-participant", study_id=study.pk, participant_id=participant.pk)
    if request.method == "POST" and form.is_valid():
        seen = OpenRisks(alerts=shown.alerts[: _count(request.POST.get("alerts_shown"))],
                         follow_ups=shown.follow_ups[: _count(request.POST.get("follow_ups_shown"))],
                         checked=shown.checked)
        try:
            allocation = randomise_participant(participant, by=user, seen=seen, note=form.cleaned_data["note"])
        except StudyError as error:
            add_to_form(form, error)
            shown = open_risks(participant.mother)
        else:
            messages.success(request, f"{participant.code} was allocated to: {allocation.arm.label}.")
            return redirect("study-participant", study_id=study.pk, participant_id=participant.pk)
    return render(request, "studies/randomise.html", {
        "title": f"Randomise {participant.code}", "study": study, "participant": participant, "form": form,
        "risks": shown,
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def study_withdraw(request: HttpRequest, study_id: int, participant_id: int) -> HttpResponse:
    study = access_study(request, study_id, roles=SITE_STAFF)
    participant = access_participant(request, study, participant_id, Purpose.RECORD, action="view:study-withdraw")
    form = WithdrawForm(request.POST or None, choices=withdrawal_choices(study, participant.consent_version))
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_participant(participant, by=signed_in(request), scope=form.cleaned_data["scope"],
                        reason=form.cleaned_data["reason"])
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"The withdrawal of {participant.code} was recorded; her data is kept.")
            return redirect("study-participant", study_id=study.pk, participant_id=participant.pk)
    return render(request, "studies/withdraw.html", {
        "title": f"Withdraw {participant.code}", "study": study, "participant": participant, "form": form,
    })


@require_POST
@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def study_participant_update(request: HttpRequest, study_id: int, participant_id: int) -> HttpResponse:
    """Record receipt of the intervention, or that the participant is lost to follow-up."""
    study = access_study(request, study_id, roles=SITE_STAFF)
    participant = access_participant(request, study, participant_id, Purpose.RECORD, action="view:study-update")
    user = signed_in(request)
    change = request.POST.get("change", "")
    try:
        if change in {"received", "not_received"}:
            record_intervention_received(participant, change == "received", by=user)
        elif change == "lost":
            form = LostForm(request.POST)
            mark_lost(participant, by=user,
                         reason=form.cleaned_data["reason"] if form.is_valid() else "")
        else:
            raise StudyError("Choose what to record.")
    except StudyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Saved.")
    return redirect("study-participant", study_id=study.pk, participant_id=participant.pk)
