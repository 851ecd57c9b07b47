"""Screening log, consent and enrolment, withdrawal and loss to follow-up: one function per state change."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from bondwell.accounts.access import audit
from bondwell.accounts.models import Mother, User
from bondwell.studies import sources
from bondwell.studies.models import (
    NOT_ELIGIBLE,
    Anchor,
    ExclusionReason,
    Participant,
    ParticipantStatus,
    ScreeningEntry,
    Study,
    StudyStatus,
    Visit,
    WithdrawalScope,
)
from bondwell.studies.services import StudyError, withdrawal_choices

MAX_DATE_SHIFT_DAYS = 180


def youngest_baby_age(mother: Mother, on: date) -> int | None:
    baby = mother.babies.order_by("-birth_date").first()
    return None if baby is None else (on - baby.birth_date).days


def screen_mother(
    study: Study,
    mother: Mother,
    *,
    by: User,
    declined: bool = False,
    other_reason: str = "",
    now: datetime | None = None,
) -> ScreeningEntry:
    """Assess one mother for eligibility and log the result, eligible or not.

    The EPDS total is the mother's latest submitted screening assessment within the last four weeks (the
    study never scores questionnaires itself); the baby's age is that of her youngest baby.
    """
    now = now or timezone.now()
    if study.status != StudyStatus.RECRUITING:
        raise StudyError("This study is not recruiting.")
    if not study.sites.filter(pk=mother.site_id).exists():
        raise StudyError("This mother's site does not take part in the study.")
    day = timezone.localdate(now)
    score = sources.latest_score(mother.pk, study.primary_outcome, since=day - timedelta(days=28), until=day)
    baby_age = youngest_baby_age(mother, day)
    reason = ""
    if score is None:
        reason = ExclusionReason.NO_EPDS
    elif score.total < study.epds_min:
        reason = ExclusionReason.EPDS_BELOW
    elif baby_age is None:
        reason = ExclusionReason.NO_BABY
    elif not study.baby_age_min_days <= baby_age <= study.baby_age_max_days:
        reason = ExclusionReason.BABY_AGE
    elif declined:
        reason = ExclusionReason.DECLINED
    elif other_reason.strip():
        reason = ExclusionReason.OTHER
    with transaction.atomic():
        if ScreeningEntry.objects.filter(study=study, mother=mother).exists():
            raise StudyError("This mother has already been screened for this study.")
        try:
            with transaction.atomic():
                entry = _log_screening(study, mother, now, by, score, baby_age, reason, other_reason)
        except IntegrityError as error:  # a second screening racing in from another request
            raise StudyError("This mother has already been screened for this study.") from error
        audit(None, "study:screen", mother=mother, obj=entry, actor=by,
              detail=f"eligible={entry.eligible} reason={reason or '-'}")
    return entry


def _log_screening(study: Study, mother: Mother, now: datetime, by: User, score: sources.ScoreRecord | None,
                   baby_age: int | None, reason: str, other_reason: str) -> ScreeningEntry:
    return ScreeningEntry.objects.create(
        study=study, site=mother.site, mother=mother, screened_at=now, screened_by=by,
        epds_total=score.total if score else None, epds_source=score.reference if score else "",
        epds_answered_on=score.answered_on if score else None,
        baby_age_days=baby_age, eligible=reason not in NOT_ELIGIBLE, exclusion_reason=reason,
        note=other_reason.strip()[:200],
    )


def _next_code(study: Study) -> str:
    return f"{study.code}-{study.participants.count() + 1:04d}"


def enrol_participant(
    entry: ScreeningEntry,
    *,
    by: User,
    consent_version: str,
    consented_at: datetime,
    rng: random.Random | None = None,
    synthetic: bool = False,
    now: datetime | None = None,
) -> Participant:
    """Record consent (with its version and time) and enrol an eligible mother; schedule her visits."""
    study = entry.study
    if study.status != StudyStatus.RECRUITING:
        raise StudyError("This study is not recruiting.")
    if not entry.eligible or entry.exclusion_reason:
        raise StudyError("Only an eligible mother who has not declined can be enrolled.")
    if consent_version != study.consent_version:
        raise StudyError(f"Consent: the current consent version is {study.consent_version}.", "consent_version")
    if consented_at > timezone.now() + timedelta(minutes=5) or consented_at < entry.screened_at - timedelta(days=1):
        raise StudyError(
            "Consent time: give the time consent was given, after screening and not in the future.", "consented_at"
        )
    mother = entry.mother
    anchor = _anchor_date(study, mother, consented_at)
    shift_source = rng or secrets.SystemRandom()
    shift = shift_source.randint(-MAX_DATE_SHIFT_DAYS, MAX_DATE_SHIFT_DAYS) if study.shift_dates else 0
    with transaction.atomic():
        # Lock the study row: enrolments of one study take turns, so study IDs are numbered without gaps.
        list(Study.objects.select_for_update().filter(pk=study.pk).values_list("pk", flat=True))
        if Participant.objects.filter(study=study, mother=mother).exists():
            raise StudyError("This mother is already enrolled.")
        participant = Participant.objects.create(
            study=study, mother=mother, site=entry.site, screening=entry, code=_next_code(study),
            consent_version=consent_version, consented_at=consented_at, enrolled_by=by,
            baseline_epds=entry.epds_total, anchor_date=anchor, date_shift_days=shift, is_synthetic=synthetic,
            enrolled_at=now or timezone.now(),
        )
        _schedule_visits(participant, entry, by)
        audit(None, "study:enrol", mother=mother, obj=participant, actor=by,
              detail=f"consent={consent_version}")
    return participant


def _anchor_date(study: Study, mother: Mother, consented_at: datetime) -> date:
    if study.anchor == Anchor.BIRTH:
        baby = mother.babies.order_by("-birth_date").first()
        if baby is None:
            raise StudyError("The schedule starts at the baby's birth, and no baby is recorded.")
        return baby.birth_date
    return timezone.localdate(consented_at)


def _schedule_visits(participant: Participant, entry: ScreeningEntry, by: User) -> None:
    for timepoint in participant.study.timepoints.all():
        due = participant.anchor_date + timedelta(weeks=timepoint.week)
        window = timedelta(days=timepoint.window_days)
        visit = Visit(
            participant=participant, timepoint=timepoint, due_on=due, opens_on=due - window,
            closes_on=due + window,
        )
        if timepoint.week == 0:
            # The screening result is the baseline measurement.
            visit.epds_total = entry.epds_total
            visit.completed_at = entry.screened_at
            visit.assessed_on = entry.epds_answered_on
            visit.source = entry.epds_source
        visit.save()
        if timepoint.week > 0:
            visit.invited = sources.schedule_follow_up(
                participant.mother, participant.study.primary_outcome, due, by=by, visit=visit
            )
            if visit.invited:
                visit.save(update_fields=["invited"])
        # Secondary outcomes at every timepoint, the baseline included (screening had only the EPDS).
        for instrument in participant.study.secondary:
            sources.schedule_follow_up(participant.mother, instrument, due, by=by, visit=visit)


def withdraw_participant( participant: Participant, *, by: User, scope: str, reason: str
) -> Participant:
    """Withdraw a participant. Data already given is kept; the scope is the choice the consent allows."""
    if scope not in WithdrawalScope.values:
        raise StudyError("Withdrawal: choose what the mother withdraws from.", "scope")
    allowed = dict(withdrawal_choices(participant.study, participant.consent_version))
    if scope not in allowed:
        raise StudyError(f"Withdrawal: consent version {participant.consent_version} does not offer "
                         f"'{WithdrawalScope(scope).label.lower()}'.", "scope")
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.status != ParticipantStatus.ACTIVE:
            raise StudyError("This participant is no longer active.")
        participant.withdrawal_scope = scope
        participant.withdrawn_at = timezone.now()
        participant.status_reason = reason.strip()[:200]
        if scope == WithdrawalScope.FOLLOW_UP:
            participant.status = ParticipantStatus.WITHDRAWN
        participant.save(update_fields=["withdrawal_scope", "withdrawn_at", "status_reason", "status"])
        if scope == WithdrawalScope.FOLLOW_UP:
            _stop_contact(participant, by)
        audit(None, "study:withdraw", mother=participant.mother, obj=participant, actor=by,
              detail=f"scope={scope}")
    return participant


def _stop_contact(participant: Participant, by: User) -> None:
    # No more invitations or reminders for visits still to come; results already given stay.
    sources.cancel_follow_ups(participant.visits.filter(completed_at__isnull=True), by=by)


def mark_lost(participant: Participant, *, by: User, reason: str) -> Participant:
    if not reason.strip():
        raise StudyError("Reason: say why the participant is lost to follow-up.", "reason")
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.status != ParticipantStatus.ACTIVE:
            raise StudyError("This participant is no longer active.")
        participant.status = ParticipantStatus.LOST
        participant.status_reason = reason.strip()[:200]
        participant.save(update_fields=["status", "status_reason"])
        _stop_contact(participant, by)
        audit(None, "study:lost", mother=participant.mother, obj=participant, actor=by)
    return participant


def record_intervention_received( participant: Participant, received: bool, *, by: User
) -> Participant:
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        participant.received_intervention = received
        participant.save(update_fields=["received_intervention"])
        audit(None, "study:received", mother=participant.mother, obj=participant, actor=by,
              detail=f"received={received}")
    return participant
