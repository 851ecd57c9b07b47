"""Screening log, consent and enrolment, randomisation, withdrawal: site staff, on their own site's mothers.

Every mother is opened through `access_mother` (her site's staff only, audited). The EPDS total behind an
eligibility decision is shown only to roles that may read clinical results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
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
Saved = TypeVar("Saved")


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Page[Any]:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _saved(form: forms.BaseForm, save: Callable[[], Saved]) -> Saved | None:
    """What `save` returned, or None when the study's rules refused it: the refusal is then shown on `form`."""
    try:
        return save()
    except StudyError as error:
        add_to_form(form, error)
        return None


def _to_participant(participant: Participant) -> HttpResponseRedirect:
    """Her page in the study: every step of her participation returns there."""
    return redirect("study-participant", study_id=participant.study_id, participant_id=participant.pk)


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def study_enrol(request: HttpRequest, study_id: int) -> HttpResponse:
    """Mothers of the user's site not yet screened for this study."""
    study = access_study(request, study_id, roles=SITE_STAFF)
    user = signed_in(request)
    query = request.GET.get("q", "").strip()[:80]
    mothers = mothers_in_scope(user).filter(site__in=study.sites.all()).exclude(study_screenings__study=study)
    if query:
        mothers = mothers.filter(full_name__icontains=query)
    page = _page(request, mothers.order_by("full_name", "id"))
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
        entry = _saved(form, lambda: screen_mother(study, mother, by=signed_in(request),
                                                   declined=form.cleaned_data["declined"],
                                                   other_reason=form.cleaned_data["other_reason"]))
        if entry is not None:
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
        return _to_participant(entry.participant)
    form = ConsentForm(request.POST or None, version=study.consent_version)
    if request.method == "POST" and form.is_valid():
        participant = _saved(form, lambda: enrol_participant(
            entry, by=signed_in(request), consent_version=form.cleaned_data["consent_version"].strip(),
            consented_at=form.cleaned_data["consented_at"]))
        if participant is not None:
            messages.success(request, f"{mother.full_name} is enrolled as {participant.code}.")
            return _to_participant(participant)
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
    page = _page(request, entries)
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
    page = _page(request, participants)
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
        return _to_participant(participant)
    shown = open_risks(participant.mother)
    form = RandomiseForm(request.POST or None)
    if request.method == "POST" and request.POST.get("decision") == "defer":
        try:
            defer_randomisation(participant, by=user, seen=shown, note=request.POST.get("note", ""))
        except StudyError as error:
            messages.error(request, str(error))
        else:
            messages.info(request, f"{participant.code} was not randomised now; the decision was recorded.")
        return _to_participant(participant)
    if request.method == "POST" and form.is_valid():
        seen = OpenRisks(alerts=shown.alerts[: _count(request.POST.get("alerts_shown"))],
                         follow_ups=shown.follow_ups[: _count(request.POST.get("follow_ups_shown"))],
                         checked=shown.checked)
        allocation = _saved(form, lambda: randomise_participant(participant, by=user, seen=seen,
                                                                note=form.cleaned_data["note"]))
        if allocation is not None:
            messages.success(request, f"{participant.code} was allocated to: {allocation.arm.label}.")
            return _to_participant(participant)
        shown = open_risks(participant.mother)  # refused: show her risks as they stand now
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
        withdrawn = _saved(form, lambda: withdraw_participant(participant, by=signed_in(request),
                                                              scope=form.cleaned_data["scope"],
                                                              reason=form.cleaned_data["reason"]))
        if withdrawn is not None:
            messages.success(request, f"The withdrawal of {participant.code} was recorded; her data is kept.")
            return _to_participant(participant)
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
    return _to_participant(participant)
