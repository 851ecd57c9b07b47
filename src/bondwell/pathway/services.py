"""Every state change of the follow-up pathway, one function each, inside a transaction, audited.

The steps come from `bondwell.instruments` (pure data per instrument and profile); this module turns the steps a
stored result triggers into follow-ups someone owns, with due dates counted in the site's working days.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from bondwell import instruments
from bondwell.accounts import service_hours
from bondwell.accounts.access import audit
from bondwell.accounts.models import Mother, Site, User
from bondwell.accounts.roles import Role
from bondwell.errors import BondwellError
from bondwell.instruments.pathway import PathwayStep, steps_for
from bondwell.pathway.models import UNABLE_TO_CONTACT_AFTER, FollowUp, FollowUpAttempt, FollowUpEvent, ResultRelease
from bondwell.screening.models import PATHWAY_REF_PREFIX, Assessment, RiskAlert, ScheduledQuestionnaire, Source
from bondwell.screening.questionnaires import short_name
from bondwell.worker import claim


class PathwayError(BondwellError):
    """A request the pathway refuses (the message names the field and the problem, fit to show)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def open_follow_ups(mother: Mother) -> QuerySet[FollowUp]:
    """Her follow-ups still waiting for an outcome, the soonest due first."""
    return FollowUp.objects.filter(mother=mother, status=FollowUp.Status.OPEN).order_by("due_at", "id")


# ---- due dates ----------------------------------------------------------------------------------------------


def end_of_working_day(site: Site, moment: datetime) -> datetime:
    """The close of the site's working hours on the local day of `moment`."""
    here = service_hours.local(site, moment)
    return datetime.combine(here.date(), site.closes_at, tzinfo=service_hours.zone(site))


def due_for(step: PathwayStep, site: Site, now: datetime) -> datetime:
    """When a follow-up of this step, raised at `now`, is due."""
    if step.due_hours is not None:
        return now + timedelta(hours=step.due_hours)
    if step.repeat_days is not None:
        return end_of_working_day(site, now + timedelta(days=step.repeat_days[1]))
    days = step.due_working_days or 1
    return end_of_working_day(site, service_hours.add_working_days(site, now, days))


def _next_escalation(follow_up: FollowUp, site: Site, now: datetime) -> datetime:
    if follow_up.action == FollowUp.Action.IMMEDIATE:
        return now + timedelta(hours=1)
    return end_of_working_day(site, service_hours.add_working_days(site, now, 1))


# ---- from a stored result to follow-ups ---------------------------------------------------------------------


def start_follow_ups(
    assessment: Assessment,
    instrument: instruments.Instrument,
    result: instruments.Score | None,
    flags: set[str] | frozenset[str],
    *,
    now: datetime,
) -> list[FollowUp]:
    """The follow-ups a stored result needs: one per action (repeat, further assessment, immediate).

    Call inside the transaction that stores the result. Steps of the same action are merged into one record (one
    call covers them); a repeat screen is scheduled here as well. Idempotent on the assessment's key.
    """
    band = result.band.key if result is not None else None
    scale_bands = {key: b.key for key, b in result.subscale_bands.items()} if result is not None else {}
    fired = [step for step in steps_for(instrument.pathway, band, scale_bands, flags) if step.creates_follow_up]
    if result is None and not fired:
        return []
    mother = assessment.mother
    site = mother.site
    created: list[FollowUp] = []
    by_action: dict[str, list[PathwayStep]] = {}
    for step in fired:
        by_action.setdefault(step.action, []).append(step)
    for action, steps in by_action.items():
        dedupe = f"{assessment.idempotency_key}:{action}"
        existing = FollowUp.objects.filter(dedupe_key=dedupe).first()
        if existing is not None:
            created.append(existing)
            continue
        due = min(due_for(step, site, now) for step in steps)
        scheduled = None
        if action == FollowUp.Action.REPEAT_SCREEN:
            scheduled = _schedule_repeat(assessment, steps[0], site, now)
        alert = None
        if action == FollowUp.Action.IMMEDIATE:
            alert = RiskAlert.objects.filter(source_key=assessment.idempotency_key).order_by("priority").first()
        follow_up = FollowUp.objects.create(
            mother=mother, assessment=assessment, alert=alert, scheduled=scheduled, instrument=assessment.instrument,
            profile=assessment.profile, trigger=", ".join(step.trigger for step in steps)[:300], action=action,
            what=" ".join(step.what for step in steps), owner_role=steps[0].owner,
            source="; ".join(dict.fromkeys(step.source for step in steps)), created_at=now, due_at=due,
            next_escalation_at=due, dedupe_key=dedupe, is_synthetic=mother.is_synthetic,
        )
        FollowUpEvent.objects.create(follow_up=follow_up, at=now, step="created", detail=follow_up.what[:300])
        audit(None, "start:follow-up", mother=mother, obj=follow_up, actor=assessment.entered_by,
              detail=f"{action} due {due:%Y-%m-%d %H:%M}")
        created.append(follow_up)
    return created


def _schedule_repeat(assessment: Assessment, step: PathwayStep, site: Site, now: datetime) -> ScheduledQuestionnaire:
    assert step.repeat_days is not None
    due_on = service_hours.local(site, now).date() + timedelta(days=step.repeat_days[0])
    scheduled = ScheduledQuestionnaire.objects.create(
        mother=assessment.mother, instrument=assessment.instrument, due_on=due_on, created_by=None,
        study_timepoint_ref=f"{PATHWAY_REF_PREFIX}repeat:{assessment.pk}", is_synthetic=assessment.mother.is_synthetic,
    )
    audit(None, "schedule:questionnaire", mother=assessment.mother, obj=scheduled,
          detail=f"{assessment.instrument} repeat due {due_on} (pathway)")
    return scheduled


def close_repeats_answered(assessment: Assessment, answered: Collection[int], *, now: datetime) -> int:
    """A repeat questionnaire she has now answered (among the requests `answered`, by id) closes the follow-up
    that asked for it (its own result then starts its own steps). Call inside the transaction that stores the
    result."""
    if not answered:
        return 0
    waiting = FollowUp.objects.filter(
        scheduled_id__in=answered, status=FollowUp.Status.OPEN, action=FollowUp.Action.REPEAT_SCREEN
    )
    closed = 0
    for follow_up in waiting:
        FollowUp.objects.filter(pk=follow_up.pk).update(
            status=FollowUp.Status.CLOSED, outcome=FollowUp.Outcome.RESCREENED, closed_at=now,
            outcome_detail=f"{short_name(assessment.instrument)} answered on {assessment.answered_on:%d %B %Y}",
        )
        FollowUpEvent.objects.create(follow_up=follow_up, at=now, step="closed", detail="repeat answered")
        audit(None, "close:follow-up", mother=follow_up.mother, obj=follow_up, detail="rescreened")
        closed += 1
    return closed


# ---- a clinician working through her list -------------------------------------------------------------------


def _locked(follow_up: FollowUp) -> FollowUp:
    locked = FollowUp.objects.select_for_update().select_related("mother__site").get(pk=follow_up.pk)
    if locked.status == FollowUp.Status.CLOSED:
        raise PathwayError("This follow-up is already closed.")
    return locked


def take_follow_up(follow_up: FollowUp, *, by: User) -> FollowUp:
    """She becomes its owner."""
    with transaction.atomic():
        locked = _locked(follow_up)
        FollowUp.objects.filter(pk=locked.pk).update(owner=by)
        FollowUpEvent.objects.create(follow_up=locked, step="assigned", actor=by, detail=by.full_name[:300])
        audit(None, "assign:follow-up", mother=locked.mother, obj=locked, actor=by)
    return FollowUp.objects.get(pk=follow_up.pk)


def record_attempt(
    follow_up: FollowUp, result: str, note: str = "", *, by: User,
    now: datetime | None = None,
) -> FollowUpAttempt:
    """One try at reaching her: phoned and spoke, no answer, or message left."""
    if result not in FollowUpAttempt.Result.values:
        raise PathwayError("Choose what happened when you phoned.", field="result")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(follow_up)
        attempt = FollowUpAttempt.objects.create(
            follow_up=locked, at=now, by=by, result=result, note=note.strip()[:500]
        )
        if locked.owner_id is None:
            FollowUp.objects.filter(pk=locked.pk).update(owner=by)
        label = FollowUpAttempt.Result(result).label
        FollowUpEvent.objects.create(follow_up=locked, at=now, step="attempt", actor=by, detail=label)
        audit(None, "attempt:follow-up", mother=locked.mother, obj=locked, actor=by, detail=result)
    return attempt


def close_follow_up(
    follow_up: FollowUp, outcome: str, detail: str = "", *, by: User,
    now: datetime | None = None,
) -> FollowUp:
    """Close with an outcome: assessed, referred to (whom), declined, or unable to contact after N tries."""
    if outcome not in FollowUp.Outcome.values or outcome == FollowUp.Outcome.RESCREENED:
        raise PathwayError("Choose the outcome of this follow-up.", field="outcome")
    detail = detail.strip()
    if outcome == FollowUp.Outcome.REFERRED and not detail:
        raise PathwayError("Say whom she was referred to.", field="detail")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(follow_up)
        if outcome == FollowUp.Outcome.UNABLE_TO_CONTACT:
            tries = locked.attempts.exclude(result=FollowUpAttempt.Result.SPOKE).count()
            if tries < UNABLE_TO_CONTACT_AFTER:
                raise PathwayError(
                    f"'Unable to contact' needs at least {UNABLE_TO_CONTACT_AFTER} recorded tries without reaching "
                    f"her; {tries} so far.", field="outcome",
                )
        FollowUp.objects.filter(pk=locked.pk).update(
            status=FollowUp.Status.CLOSED, outcome=outcome, outcome_detail=detail[:300], closed_at=now, closed_by=by,
            owner=locked.owner or by,
        )
        label = FollowUp.Outcome(outcome).label
        FollowUpEvent.objects.create(
            follow_up=locked, at=now, step="closed", actor=by, detail=f"{label} {detail}".strip()[:300]
        )
        audit(None, "close:follow-up", mother=locked.mother, obj=locked, actor=by, detail=outcome)
    return FollowUp.objects.get(pk=follow_up.pk)


# ---- overdue follow-ups (worker job) ------------------------------------------------------------------------

ESCALATION_BATCH = 50


def escalate_overdue(now: datetime) -> int:
    """Every open follow-up past its due time (or its last escalation) goes one level up: level 1 tells the site
    leads, level 2 and above the site's fallback contact too. Returns how many were escalated."""
    from bondwell.pathway.notify import queue_escalation

    with transaction.atomic():
        overdue = claim(
            FollowUp.objects.filter(status=FollowUp.Status.OPEN, next_escalation_at__lte=now)
            .select_related("mother__site"),
            "next_escalation_at", "id", batch=ESCALATION_BATCH,
        )
        for follow_up in overdue:
            level = follow_up.escalation_level + 1
            follow_up.escalation_level = level
            FollowUp.objects.filter(pk=follow_up.pk).update(
                escalation_level=level, escalated_at=now,
                next_escalation_at=_next_escalation(follow_up, follow_up.mother.site, now),
            )
            told = queue_escalation(follow_up, level=level, now=now)
            FollowUpEvent.objects.create(
                follow_up=follow_up, at=now, step="escalated", detail=f"level {level}: {told} recipient(s)"
            )
            audit(None, "escalate:follow-up", mother=follow_up.mother, obj=follow_up, detail=f"level {level}")
    return len(overdue)


# ---- results entered from paper -----------------------------------------------------------------------------


def visible_to_mother(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Her own answers, and results a clinician entered from paper only once the clinician released them."""
    return queryset.exclude(source=Source.PAPER, release__isnull=True)


def keep_released_after_correction(assessment: Assessment) -> None:
    """A correction of a result she could already see stays visible to her (the clinician who corrects it is the
    one who releases it); a correction of one she could not see waits for its own release. Call inside the
    transaction that stores the correction."""
    old = assessment.supersedes
    if old is None or assessment.source != Source.PAPER:
        return
    if old.source == Source.PAPER and not ResultRelease.objects.filter(assessment=old).exists():
        return
    ResultRelease.objects.get_or_create(assessment=assessment, defaults={"released_by": assessment.entered_by})
    audit(None, "release:result", mother=assessment.mother, obj=assessment, actor=assessment.entered_by,
          detail="a correction of a result she had seen")


def release_result(assessment: Assessment, *, by: User) -> ResultRelease:
    """Let her see a result entered from paper (after the clinician has gone through it with her)."""
    if by.role != Role.CLINICIAN:
        raise PathwayError("Only a clinician can release a result.")
    with transaction.atomic():
        release, made = ResultRelease.objects.get_or_create(assessment=assessment, defaults={"released_by": by})
        if made:
            audit(None, "release:result", mother=assessment.mother, obj=assessment, actor=by)
    return release
