"""Every state change of screening, one function each, validated, inside a transaction, audited.

Scoring happens only in `bondwell.instruments`. Safety never waits for completeness: a self-harm answer raises
its alert the moment it is saved in a draft, and a paper form with missing items still raises its flags.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from bondwell import instruments
from bondwell.accounts.access import audit
from bondwell.accounts.models import Mother, Site, User
from bondwell.accounts.roles import Role
from bondwell.errors import BondwellError
from bondwell.pathway import services as pathway
from bondwell.screening import alerts
from bondwell.screening.alerts import raise_alert
from bondwell.screening.models import (
    AlertAction,
    AlertEvent,
    AlertKind,
    Assessment,
    Draft,
    RiskAlert,
    ScheduledQuestionnaire,
    SiteCrisisContact,
    SiteSafetySettings,
    Source,
    new_key,
)
from bondwell.screening.questionnaires import (
    MOTHER_INSTRUMENTS,
    PAPER_INSTRUMENTS,
    answered_together,
    load_instrument,
    profile_for,
)
from bondwell.screening.safety import FLAG_ALERTS


class ScreeningError(BondwellError):
    """A request the rules refuse (the message is fit to show to the person who made it)."""


# ---- scheduling --------------------------------------------------------------------------------------------


def schedule_questionnaire(
    mother: Mother,
    instrument: str,
    due: date,
    *,
    by: User | None = None,
    study_timepoint: Model | str | None = None,
) -> ScheduledQuestionnaire:
    """Ask a mother to answer `instrument` by `due`. The worker invites and reminders her by email."""
    if instrument not in instruments.available():
        raise ScreeningError(f"Unknown questionnaire {instrument!r}.")
    ref = ""
    if isinstance(study_timepoint, Model):
        ref = f"{study_timepoint._meta.label}:{study_timepoint.pk}"
    elif study_timepoint is not None:
        ref = str(study_timepoint)[:80]
    with transaction.atomic():
        scheduled = ScheduledQuestionnaire.objects.create(
            mother=mother, instrument=instrument, due_on=due, created_by=by, study_timepoint_ref=ref,
            is_synthetic=mother.is_synthetic,
        )
        detail = f"{instrument} due {due}"
        audit(None, "schedule:questionnaire", mother=mother, obj=scheduled, actor=by, detail=detail)
    return scheduled


PBQ = "pbq"


def schedule_pbq(mother: Mother, due: date, *, by: User) -> ScheduledQuestionnaire:
    """Ask the mother to answer the Postpartum Bonding Questionnaire (one waiting at a time, not in the past)."""
    if due < timezone.localdate() - timedelta(days=1):
        raise ScreeningError("The due date cannot be in the past.", field="due_on")
    if pending_pbq(mother) is not None:
        raise ScreeningError("A bonding questionnaire is already waiting for her answers.")
    return schedule_questionnaire(mother, PBQ, due, by=by)


def pending_pbq(mother: Mother) -> ScheduledQuestionnaire | None:
    """The bonding questionnaire waiting for her answers, if any."""
    return ScheduledQuestionnaire.objects.filter(
        mother=mother, instrument=PBQ, status=ScheduledQuestionnaire.Status.SCHEDULED
    ).first()


def cancel_scheduled(
    scheduled: ScheduledQuestionnaire, *, by: User, reason: str = ""
) -> None:
    """Cancel a questionnaire still waiting for answers; the reason (when given) is kept in the audit."""
    with transaction.atomic():
        updated = ScheduledQuestionnaire.objects.filter(
            pk=scheduled.pk, status=ScheduledQuestionnaire.Status.SCHEDULED
        ).update(status=ScheduledQuestionnaire.Status.CANCELLED)
        if not updated:
            raise ScreeningError("Only a questionnaire still waiting for answers can be cancelled.")
        audit(None, "cancel:questionnaire", mother=scheduled.mother, obj=scheduled, actor=by,
              detail=reason.strip())


def matching_schedule(mother: Mother, instrument: str) -> ScheduledQuestionnaire | None:
    """The questionnaire of hers a paper form of `instrument` answers: the earliest still waiting."""
    return ScheduledQuestionnaire.objects.filter(
        mother=mother, instrument=instrument, status=ScheduledQuestionnaire.Status.SCHEDULED
    ).order_by("due_on", "id").first()


# ---- the mother's draft ------------------------------------------------------------------------------------


def _check_answerer(mother: Mother, by: User) -> None:
    """Online answers are hers alone: staff never answer for her here (they enter a paper form instead,
    `record_assessment` with source paper), so `by` must be her own sign-in."""
    if mother.user_id is None:
        raise ScreeningError(gettext("Only a mother with a sign-in can answer online."))
    if by.pk != mother.user_id:
        raise ScreeningError(gettext("Only she answers her questionnaire online; staff enter a paper form."))


def start_draft(
    mother: Mother, instrument: str, *, by: User, scheduled: ScheduledQuestionnaire | None = None
) -> Draft:
    """Her unfinished draft of this questionnaire, or a new one; `by` is her own sign-in.

    Not audited: a draft is her unsent work (nobody else sees it). What she sends is audited when submitted
    (`submit_draft`), and an alert raised while she answers has its own time-stamped events.
    """
    _check_answerer(mother, by)
    if instrument not in MOTHER_INSTRUMENTS:
        raise ScreeningError(f"{instrument!r} is not offered to mothers.")
    if scheduled is not None and (scheduled.mother_id != mother.pk or scheduled.instrument != instrument):
        raise ScreeningError("This questionnaire was not scheduled for you.")
    with transaction.atomic():
        existing = Draft.objects.filter(
            mother=mother, instrument=instrument, scheduled=scheduled, submitted_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        return Draft.objects.create(
            mother=mother, instrument=instrument, profile=profile_for(mother.site), scheduled=scheduled
        )


@dataclass(frozen=True)
class DraftState:
    answers: dict[str, int]
    flags: frozenset[str]
    new_flags: frozenset[str]  # raised by this save (show the support screen now)
    alert: RiskAlert | None


def save_answers(draft: Draft, given: Mapping[str, object], *, by: User) -> DraftState:
    """Merge answers into her draft (`by`: her own sign-in). A self-harm answer raises its alert now, before she
    submits. Not audited, as `start_draft`: the submission is."""
    _check_answerer(draft.mother, by)
    instrument = _checked_instrument(draft, given)
    # Inside submit_answers' transaction no savepoint of its own: a refusal rolls the whole submission back.
    with transaction.atomic(savepoint=False):
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        state = _save_locked(draft, locked, instrument, given)
        Draft.objects.filter(pk=draft.pk).update(answers=locked.answers, updated_at=locked.updated_at)
        return state


def _checked_instrument(draft: Draft, given: Mapping[str, object]) -> instruments.Instrument:
    instrument = load_instrument(draft.instrument, draft.mother.site)
    _scores, problems = instruments.check_answers(instrument, given)
    invalid = [p for p in problems if p.reason != "missing"]
    if invalid:
        raise ScreeningError("; ".join(p.describe() for p in invalid))
    return instrument


def _save_locked(
    draft: Draft, locked: Draft, instrument: instruments.Instrument, given: Mapping[str, object]
) -> DraftState:
    """save_answers on the draft's row already locked by the caller's transaction (`locked`): the merged answers
    are set on both objects, and the caller writes them (with the submission's own change, in one statement)."""
    now = timezone.now()
    if locked.submitted_at is not None:
        raise ScreeningError(gettext("These answers were already sent."))
    before = instruments.risk_flags(instrument, locked.answers)
    answers = {**locked.answers, **{k: int(v) for k, v in given.items() if isinstance(v, int)}}
    draft.answers = locked.answers = answers
    locked.updated_at = now
    flags = instruments.risk_flags(instrument, answers)
    alert = None
    if "self_harm" in flags:
        alert = raise_alert(
            mother=draft.mother, kind=AlertKind.SELF_HARM, instrument=draft.instrument,
            reason=_reason(instrument, "self_harm"), source_key=draft.key, now=now, draft=draft,
        )
    return DraftState(answers=answers, flags=flags, new_flags=flags - before, alert=alert)


def submit_answers(draft: Draft, given: Mapping[str, object], *, by: User) -> Assessment:
    """Save her last answers and submit, in one transaction; a repeated submit returns the same Assessment."""
    _check_answerer(draft.mother, by)
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.submitted_at is not None:
            return resubmit_answers(draft, given, by=by)
        # The row stays locked to the end of this transaction: saved and submitted without reading it again.
        if given:
            _save_locked(draft, locked, _checked_instrument(draft, given), given)
        return _submit_locked(draft, locked, by=by)


def resubmit_answers(draft: Draft, given: Mapping[str, object], *, by: User) -> Assessment:
    """Answers sent again after her questionnaire was submitted (she went Back and sent again).

    The same answers return her result as stored. Different answers are recorded as a correction of the newest
    version (audited, the earlier version kept) and their own risk rules run, so a risk answer always alerts.
    """
    _check_answerer(draft.mother, by)
    original = Assessment.objects.get(idempotency_key=draft.key)
    head = latest_version(original)
    instrument = load_instrument(draft.instrument, draft.mother.site)
    _scores, problems = instruments.check_answers(instrument, given)
    invalid = [p for p in problems if p.reason != "missing"]
    if invalid:
        raise ScreeningError("; ".join(p.describe() for p in invalid))
    answers = {**head.answers, **{k: int(v) for k, v in given.items() if isinstance(v, int)}}
    if _same_answers(head.answers, answers):
        return head
    return record_assessment(
        draft.mother, draft.instrument, answers, source=Source.MOTHER, by=by,
        answered_on=timezone.localdate(), idempotency_key=draft.key,
        correction_reason="She changed her answers after sending them; the earlier version is kept.",
    )


def submit_draft(draft: Draft, *, by: User) -> Assessment:
    """Submit her draft once (`by`: her own sign-in, the actor of its audit event): a second submit (double tap,
    reload, retry) returns the same Assessment."""
    _check_answerer(draft.mother, by)
    with transaction.atomic(savepoint=False):  # as save_answers: all or nothing with the caller's transaction
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        return _submit_locked(draft, locked, by=by)


def _submit_locked(draft: Draft, locked: Draft, *, by: User) -> Assessment:
    """submit_draft on the draft's row already locked by the caller's transaction (`locked`)."""
    with transaction.atomic(savepoint=False):
        if locked.submitted_at is not None:
            return Assessment.objects.get(idempotency_key=locked.key)
        if locked.mother_id == draft.mother_id:
            locked.mother = draft.mother  # already loaded with her site and sign-in by the caller
        instrument = load_instrument(locked.instrument, locked.mother.site)
        _scores, problems = instruments.check_answers(instrument, locked.answers)
        if problems:
            missing = ", ".join(p.item.removeprefix("q") for p in problems)
            message = gettext("Please answer every question before sending (still to do: %(missing)s).")
            raise ScreeningError(message % {"missing": missing})
        assessment = record_assessment(
            locked.mother, locked.instrument, locked.answers, source=Source.MOTHER, by=by,
            answered_on=timezone.localdate(), idempotency_key=locked.key, scheduled=locked.scheduled, draft=locked,
        )
        # Her last answers and the submission, in one statement.
        Draft.objects.filter(pk=locked.pk).update(
            answers=locked.answers, updated_at=locked.updated_at, submitted_at=assessment.submitted_at
        )
        # An alert raised while she answered stays tied to what she sent, even if she then changed that answer.
        for alert in RiskAlert.objects.filter(source_key=locked.key, assessment__isnull=True).order_by():
            RiskAlert.objects.filter(pk=alert.pk).update(assessment=assessment)
            AlertEvent.objects.create(alert=alert, step="linked", detail="answers submitted")
    return assessment


# ---- assessments ------------------------------------------------------------------------------------------


def _complete_requests_answered(
    assessment: Assessment, chosen: ScheduledQuestionnaire | None, *, now: datetime
) -> None:
    """Complete every request her answer fulfils (`questionnaires.answered_together`) and close the repeat
    screens among them, so she is not asked again for what she has just answered."""
    pending = ScheduledQuestionnaire.objects.filter(
        mother_id=assessment.mother_id, instrument=assessment.instrument,
        status=ScheduledQuestionnaire.Status.SCHEDULED, due_on__lte=assessment.answered_on,
    )
    answered = [s.pk for s in answered_together(list(pending), assessment.instrument, assessment.answered_on, chosen)]
    if not answered:
        return
    ScheduledQuestionnaire.objects.filter(pk__in=answered).exclude(
        status=ScheduledQuestionnaire.Status.COMPLETED
    ).update(status=ScheduledQuestionnaire.Status.COMPLETED, completed_at=now)
    pathway.close_repeats_answered(assessment, answered, now=now)


def record_assessment(
    mother: Mother,
    instrument_name: str,
    answers: Mapping[str, object],
    *,
    source: str,
    by: User,
    answered_on: date,
    idempotency_key: str,
    scheduled: ScheduledQuestionnaire | None = None,
    supersedes: Assessment | None = None,
    correction_reason: str = "",
    draft: Draft | None = None,
    now: datetime | None = None,
    acknowledge_own_alerts: bool = False,
) -> Assessment:
    """Store one response with its score and raise its alerts, all in one transaction; idempotent on the key.

    Missing items are allowed only on a paper form (the mother left them blank): the response is then stored
    as incomplete, without a total, and its risk flags still raise alerts. Invalid values are refused.
    `acknowledge_own_alerts`: a clinician is typing the paper form in herself (the paper-entry page): the alerts
    it raises are acknowledged by her entry and no message asks anyone to acknowledge them.
    """
    if instrument_name not in PAPER_INSTRUMENTS:
        raise ScreeningError(f"Unknown questionnaire {instrument_name!r}.")
    if answered_on > timezone.localdate():
        raise ScreeningError("The date answered cannot be in the future.", field="answered_on")
    instrument = load_instrument(instrument_name, mother.site)
    clean = {k: v for k, v in answers.items() if v is not None}
    try:
        result: instruments.Score | None = instruments.score(instrument, clean)
        flags = set(result.flags) if result else set()
    except instruments.ScoringError as error:
        if any(p.reason != "missing" for p in error.problems) or source != Source.PAPER:
            raise ScreeningError("; ".join(p.describe() for p in error.problems), field="answers") from error
        result, flags = None, set(error.flags)
    now = now or timezone.now()
    # A draft's submission runs inside submit's own transaction, all or nothing: no savepoint of its own (two
    # statements fewer while SQLite's one writer waits). Called on its own inside a caller's transaction, a refusal
    # rolls back to its savepoint and leaves the caller's transaction usable.
    with transaction.atomic(savepoint=draft is None):
        # A draft not yet submitted has no assessment under its key (its submission marks it submitted in the same
        # transaction), so its submission skips the look-up; the unique key still refuses a second one.
        unsent = draft is not None and draft.submitted_at is None and draft.key == idempotency_key
        existing = None if unsent else Assessment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            # The same key again: a retry returns what was stored; changed answers are never dropped in silence
            # but recorded as a correction of the newest version, with their own risk rules run.
            head = latest_version(_same_request(existing, mother))
            if _same_answers(head.answers, clean):
                return head
            return record_assessment(
                mother, instrument_name, clean, source=source, by=by, answered_on=answered_on,
                idempotency_key=_changed_key(idempotency_key, head, clean), supersedes=head,
                correction_reason=correction_reason or RESENT_REASON, now=now,
                acknowledge_own_alerts=acknowledge_own_alerts,
            )
        if supersedes is not None:
            locked_head = Assessment.objects.select_for_update().get(pk=supersedes.pk)
            if Assessment.objects.filter(supersedes=locked_head).exists():
                raise ScreeningError("These answers were already corrected; open the newest version and try again.")
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    mother=mother, instrument=instrument.name, profile=instrument.profile,
                    definition_version=instrument.version, answers=dict(clean), complete=result is not None,
                    total=result.total if result else None,
                    subscales=dict(result.subscales) if result else {},
                    band_key=result.band.key if result else "",
                    band_urgent=bool(result and result.band.urgent),
                    flags=sorted(flags), source=source, answered_on=answered_on, submitted_at=now,
                    entered_by=by, scheduled=scheduled, supersedes=supersedes,
                    correction_reason=correction_reason[:300], idempotency_key=idempotency_key,
                    is_synthetic=mother.is_synthetic,
                )
        except IntegrityError:
            # The same submission, racing in from a second request: the first one stands.
            return _same_request(Assessment.objects.get(idempotency_key=idempotency_key), mother)
        _raise_alerts(assessment, instrument, result, flags, draft=draft, now=now,
                      acknowledge_own=acknowledge_own_alerts)
        if supersedes is None:
            _complete_requests_answered(assessment, scheduled, now=now)
        # Every positive screen reaches a person: its pathway steps become follow-ups someone owns.
        pathway.start_follow_ups(assessment, instrument, result, flags, now=now)
        pathway.keep_released_after_correction(assessment)
        action = "correct:assessment" if supersedes else f"submit:assessment:{source}"
        audit(None, action, mother=mother, obj=assessment, actor=by, detail=correction_reason)
    return assessment


RESENT_REASON = "Sent again with different answers; the earlier version is kept."


def _same_request(existing: Assessment, mother: Mother) -> Assessment:
    if existing.mother_id != mother.pk:
        raise ScreeningError("This submission key belongs to another record.", field="idempotency_key")
    return existing


def latest_version(assessment: Assessment) -> Assessment:
    """The newest correction of `assessment` (itself when never corrected)."""
    current = assessment
    for _ in range(1000):  # a chain of corrections is short; the bound only guards against a cycle
        newer = Assessment.objects.filter(supersedes=current).first()
        if newer is None:
            return current
        current = newer
    raise ScreeningError("This assessment's corrections could not be followed.")


def _same_answers(stored: Mapping[str, object], given: Mapping[str, object]) -> bool:
    def plain(answers: Mapping[str, object]) -> dict[str, int]:
        return {key: int(str(value)) for key, value in answers.items() if value is not None}

    return plain(stored) == plain(given)


def _changed_key(key: str, head: Assessment, answers: Mapping[str, object]) -> str:
    """The key of a changed resubmission: the same change sent twice is stored once."""
    canonical = json.dumps({k: int(str(v)) for k, v in answers.items()}, sort_keys=True)
    return hashlib.sha256(f"{key}:{head.pk}:{canonical}".encode()).hexdigest()[:64]


def _raise_alerts(
    assessment: Assessment,
    instrument: instruments.Instrument,
    result: instruments.Score | None,
    flags: set[str],
    *,
    draft: Draft | None,
    now: datetime,
    acknowledge_own: bool = False,
) -> None:
    synthetic = assessment.is_synthetic
    # A clinician typing a paper form in herself sees the risk answer as she enters it: her entry acknowledges
    # the alert and nobody is messaged to acknowledge it (issue 16).
    entered_by = assessment.entered_by
    own = entered_by if (acknowledge_own and assessment.source == Source.PAPER
                         and entered_by.role == Role.CLINICIAN) else None
    # Every flag the offered instruments (PAPER_INSTRUMENTS) can raise has its alert; a test holds that.
    for flag in sorted(flags):
        raise_alert(
            mother=assessment.mother, kind=FLAG_ALERTS[flag],
            instrument=assessment.instrument, reason=_reason(instrument, flag),
            source_key=assessment.idempotency_key, now=now, assessment=assessment,
            draft=draft if flag == "self_harm" else None, synthetic=synthetic, acknowledged_by=own,
        )
    if result is not None and result.band.urgent:
        raise_alert(
            mother=assessment.mother, kind=AlertKind.URGENT_BAND, instrument=assessment.instrument,
            reason=f"{result.band.label}. {result.band.clinician_action}",
            source_key=assessment.idempotency_key, now=now, assessment=assessment, synthetic=synthetic,
            acknowledged_by=own,
        )


def _reason(instrument: instruments.Instrument, flag: str) -> str:
    rule = next((r for r in instrument.rules if r.flag == flag), None)
    return rule.reason if rule else flag


def correct_assessment(
    original: Assessment,
    answers: Mapping[str, object],
    *,
    by: User,
    reason: str,
    idempotency_key: str,
    answered_on: date | None = None,
) -> Assessment:
    """A clinician's correction: a new version pointing to the one it replaces; the original is kept."""
    if not reason.strip():
        raise ScreeningError("Say why the answers are being corrected.", field="reason")
    with transaction.atomic():
        current = Assessment.objects.select_for_update().get(pk=original.pk)
        if Assessment.objects.filter(supersedes=current).exists():
            replacement = Assessment.objects.get(supersedes=current)
            if replacement.idempotency_key == idempotency_key:
                return replacement
            raise ScreeningError("This version was already corrected; correct the newest version instead.")
        return record_assessment(
            current.mother, current.instrument, answers, source=Source.PAPER, by=by,
            answered_on=answered_on or current.answered_on, idempotency_key=idempotency_key,
            supersedes=current, correction_reason=reason.strip(),
        )


# ---- acting on alerts -------------------------------------------------------------------------------------


def _when(at: datetime | None, alert: RiskAlert, now: datetime, *, after: datetime | None = None) -> datetime:
    """`at`: when it was done, for a step recorded afterwards (she phoned the mother, then wrote it up); never in
    the future, never before the alert was raised (or before `after`, the step it follows)."""
    if at is None:
        return now
    if at > now:
        raise ScreeningError("That time is in the future.", field="at")
    if at < max(alert.raised_at, after or alert.raised_at):
        raise ScreeningError("That time is before the step it follows.", field="at")
    return at


def acknowledge_alert(alert: RiskAlert, *, by: User, at: datetime | None = None) -> RiskAlert:
    """Acknowledge an open alert (`at`: when, if recorded afterwards); messages still waiting are not sent."""
    now = timezone.now()
    with transaction.atomic():
        locked = RiskAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != RiskAlert.Status.OPEN:
            return locked  # acknowledged already (by her or a colleague): nothing to do twice
        when = _when(at, locked, now)
        RiskAlert.objects.filter(pk=alert.pk).update(
            status=RiskAlert.Status.ACKNOWLEDGED, acknowledged_at=when, acknowledged_by=by
        )
        AlertEvent.objects.create(alert=locked, at=when, step="acknowledged", actor=by)
        audit(None, "acknowledge:alert", mother=locked.mother, obj=locked, actor=by)
        alerts.acknowledged(locked, now)
    return RiskAlert.objects.get(pk=alert.pk)


def record_alert_action(
    alert: RiskAlert, action: str, note: str, *, by: User, at: datetime | None = None
) -> RiskAlert:
    """Record what was done about an alert (acknowledging it first if still open); `at`: when it was done."""
    if action not in AlertAction.values:
        raise ScreeningError("Choose what was done.", field="action")
    if action == AlertAction.OTHER and not note.strip():
        raise ScreeningError("Describe what was done.", field="note")
    now = timezone.now()
    with transaction.atomic():
        locked = RiskAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.status == RiskAlert.Status.CLOSED:
            raise ScreeningError("This alert is closed.")
        when = _when(at, locked, now, after=locked.acknowledged_at)
        if locked.status == RiskAlert.Status.OPEN:
            acknowledge_alert(locked, by=by, at=at)
        RiskAlert.objects.filter(pk=alert.pk).update(
            action=action, action_note=note.strip()[:500], action_at=when
        )
        AlertEvent.objects.create(
            alert=locked, at=when, step="action", actor=by,
            detail=f"{AlertAction(action).label}{': ' + note.strip() if note.strip() else ''}"[:300],
        )
        audit(None, "act:alert", mother=locked.mother, obj=locked, actor=by, detail=action)
    return RiskAlert.objects.get(pk=alert.pk)


def close_alert(alert: RiskAlert, *, by: User, at: datetime | None = None) -> RiskAlert:
    """Close an alert once what was done is recorded; `at`: when, if recorded afterwards."""
    now = timezone.now()
    with transaction.atomic():
        locked = RiskAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.status == RiskAlert.Status.CLOSED:
            return locked
        if not locked.action:
            raise ScreeningError("Record what was done before closing the alert.")
        when = _when(at, locked, now, after=locked.action_at)
        RiskAlert.objects.filter(pk=alert.pk).update(
            status=RiskAlert.Status.CLOSED, closed_at=when, closed_by=by
        )
        AlertEvent.objects.create(alert=locked, at=when, step="closed", actor=by)
        audit(None, "close:alert", mother=locked.mother, obj=locked, actor=by)
    return RiskAlert.objects.get(pk=alert.pk)


def new_submission_key() -> str:
    return new_key()


# ---- site rules ----------------------------------------------------------------------------------------------


def update_safety_settings(
    site: Site, values: Mapping[str, object], *, by: User
) -> SiteSafetySettings:
    with transaction.atomic():
        rules, _ = SiteSafetySettings.objects.select_for_update().get_or_create(site=site)
        for field in ("self_harm_ack_minutes", "urgent_band_ack_working_days", "fallback_contact_name",
                      "fallback_contact_email", "fallback_phone"):
            setattr(rules, field, values[field])
        rules.full_clean()
        rules.save()
        detail = f"self_harm {rules.self_harm_ack_minutes} min, urgent {rules.urgent_band_ack_working_days} d"
        audit(None, "update:safety-settings", obj=rules, actor=by, detail=detail)
    return rules


def add_crisis_contact(
    site: Site, values: Mapping[str, object], *, by: User
) -> SiteCrisisContact:
    with transaction.atomic():
        contact = SiteCrisisContact(site=site, **values)
        contact.full_clean()
        contact.save()
        audit(None, "add:crisis-contact", obj=contact, actor=by, detail=f"{contact.name} {contact.phone}")
    return contact


def remove_crisis_contact(contact: SiteCrisisContact, *, by: User) -> None:
    with transaction.atomic():
        audit(None, "remove:crisis-contact", obj=contact, actor=by, detail=f"{contact.name} {contact.phone}")
        contact.delete()
