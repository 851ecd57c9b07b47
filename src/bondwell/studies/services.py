"""Every state change of a study: one function each, atomic, validated and audited.

Views and the demo loader call these; nothing else writes study rows. Errors a user can fix are raised as
`StudyError` with a message that names what to change.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from bondwell.accounts.access import audit
from bondwell.accounts.models import Mother, Site, User
from bondwell.accounts.roles import Role
from bondwell.studies import randomisation as rnd
from bondwell.studies import sources
from bondwell.studies.models import (
    NOT_ELIGIBLE,
    Allocation,
    Anchor,
    Arm,
    Design,
    ExclusionReason,
    Method,
    Participant,
    ParticipantStatus,
    RandomisationKey,
    ScreeningEntry,
    Study,
    StudyMember,
    StudyStatus,
    Timepoint,
    Visit,
    WithdrawalScope,
)

MAX_DATE_SHIFT_DAYS = 180


class StudyError(ValueError):
    """A request the study cannot carry out; the message says why in words a user can act on.

    `field` names the form field the message belongs next to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


ARMS_BY_DESIGN: dict[str, list[tuple[str, str]]] = {
    Design.SINGLE_ARM: [("intervention", "Infant massage programme")],
    Design.TWO_ARM: [("intervention", "Infant massage programme"), ("control", "Standard postnatal care")],
    Design.WAIT_LIST: [("intervention", "Infant massage now"), ("control", "Wait-list (massage after follow-up)")],
}


def parse_numbers(text: str, what: str, *, allow_zero: bool = True, field: str | None = None) -> list[int]:
    """'0, 6,13' -> [0, 6, 13]; raises StudyError naming the bad entry."""
    numbers: list[int] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or (not allow_zero and int(part) == 0):
            raise StudyError(f"{what}: {part!r} is not a whole number{'' if allow_zero else ' above 0'}.", field)
        numbers.append(int(part))
    if not numbers:
        raise StudyError(f"{what}: give at least one number.", field)
    return sorted(set(numbers))


def timepoint_label(week: int) -> str:
    if week == 0:
        return "Baseline"
    if week % 52 == 0:
        return f"{week // 52 * 12} months"
    if week in {13, 26, 39}:
        return f"{week // 13 * 3} months"
    return f"{week} weeks"


@dataclass(frozen=True)
class StudyPlan:
    """The set-up of a study as entered (validated by `check_plan`)."""

    title: str
    code: str
    design: str
    sites: tuple[Site, ...]
    consent_text: str
    consent_version: str
    epds_min: int = 13
    baby_age_min_days: int = 0
    baby_age_max_days: int = 84
    method: str = Method.BLOCKS
    block_sizes: str = "4,6"
    stratify_by_site: bool = True
    stratify_by_severity: bool = True
    severity_cutoff: int = 20
    minimisation_probability: float = 0.8
    anchor: str = Anchor.ENROLMENT
    schedule_weeks: str = "0,6,13,26,52"
    window_days: int = 14
    secondary_outcomes: str = ""
    per_protocol_minutes: float | None = None
    shift_dates: bool = True


def check_plan(plan: StudyPlan) -> tuple[list[int], list[int]]:
    """Validate a plan; return (schedule weeks, block sizes)."""
    if not plan.sites:
        raise StudyError("Sites: a study belongs to at least one site.", "sites")
    if plan.baby_age_min_days > plan.baby_age_max_days:
        raise StudyError("Baby's age: the lowest age must not be above the highest.", "baby_age_max_days")
    weeks = parse_numbers(plan.schedule_weeks, "Schedule", field="schedule_weeks")
    if weeks[0] != 0:
        raise StudyError("Schedule: start with week 0, the baseline.", "schedule_weeks")
    if len(weeks) < 2:
        raise StudyError("Schedule: add at least one follow-up after the baseline.", "schedule_weeks")
    sizes = parse_numbers(plan.block_sizes, "Block sizes", allow_zero=False, field="block_sizes")
    if plan.design != Design.SINGLE_ARM and plan.method == Method.BLOCKS:
        arms = [rnd.ArmWeight(code) for code, _ in ARMS_BY_DESIGN[plan.design]]
        try:
            rnd.check_design(arms, sizes)
        except ValueError as error:
            raise StudyError(f"Block sizes: {error}.", "block_sizes") from error
        if len(sizes) < 2:
            raise StudyError("Block sizes: give at least two sizes, so the end of a block cannot be guessed.",
                             "block_sizes")
    if not 0.5 <= plan.minimisation_probability <= 1.0:
        raise StudyError("Minimisation probability: choose a value from 0.5 to 1.", "minimisation_probability")
    return weeks, sizes


def _apply_plan(study: Study, plan: StudyPlan, weeks: list[int]) -> None:
    for name in (
        "title", "code", "design", "consent_text", "consent_version", "epds_min", "baby_age_min_days",
        "baby_age_max_days", "method", "block_sizes", "stratify_by_site", "stratify_by_severity",
        "severity_cutoff", "minimisation_probability", "anchor", "schedule_weeks", "window_days",
        "secondary_outcomes", "per_protocol_minutes", "shift_dates",
    ):
        setattr(study, name, getattr(plan, name))
    study.code = plan.code.upper()
    study.schedule_weeks = ",".join(map(str, weeks))
    study.save()
    study.sites.set(plan.sites)
    study.arms.all().delete()
    for code, label in ARMS_BY_DESIGN[plan.design]:
        Arm.objects.create(study=study, code=code, label=label)
    study.timepoints.all().delete()
    for week in weeks:
        Timepoint.objects.create(study=study, week=week, label=timepoint_label(week), window_days=plan.window_days)


def _may_manage(study: Study | None, user: User, sites: tuple[Site, ...]) -> None:
    if user.role == Role.SITE_LEAD:
        if user.site_id not in {s.pk for s in sites}:
            raise StudyError("Sites: include your own site.", "sites")
        if study is not None and not study.sites.filter(pk=user.site_id).exists():
            raise StudyError("Only the site leads of a study's sites may change it.")
    elif user.role == Role.RESEARCHER:
        if study is not None and not study.members.filter(user=user).exists():
            raise StudyError("Only members of this study may change it.")
    else:
        raise StudyError("Only site leads and researchers set up studies.")


def do_create_study(request: HttpRequest | None, plan: StudyPlan, *, by: User, synthetic: bool = False) -> Study:
    weeks, _ = check_plan(plan)
    _may_manage(None, by, plan.sites)
    with transaction.atomic():
        if Study.objects.filter(code__iexact=plan.code).exists():
            raise StudyError("Code: another study already uses this code.", "code")
        study = Study(created_by=by, is_synthetic=synthetic)
        _apply_plan(study, plan, weeks)
        RandomisationKey.objects.create(study=study, seed=secrets.token_hex(32))
        if by.role == Role.RESEARCHER:
            StudyMember.objects.create(study=study, user=by, added_by=by)
        audit(request, "study:create", obj=study, actor=by, detail=f"code={study.code}")
    return study


def do_update_study(request: HttpRequest | None, study: Study, plan: StudyPlan, *, by: User) -> Study:
    weeks, _ = check_plan(plan)
    _may_manage(study, by, plan.sites)
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        if study.status != StudyStatus.SETUP:
            raise StudyError("The protocol is fixed once recruitment opens; it can no longer be changed.")
        if Study.objects.filter(code__iexact=plan.code).exclude(pk=study.pk).exists():
            raise StudyError("Code: another study already uses this code.", "code")
        _apply_plan(study, plan, weeks)
        audit(request, "study:update", obj=study, actor=by)
    return study


def do_set_status(request: HttpRequest | None, study: Study, status: str, *, by: User) -> Study:
    allowed = {StudyStatus.SETUP: StudyStatus.RECRUITING, StudyStatus.RECRUITING: StudyStatus.CLOSED}
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        if allowed.get(StudyStatus(study.status)) != status:
            raise StudyError(f"A study that is {study.get_status_display().lower()} cannot move to {status}.")
        study.status = status
        study.save(update_fields=["status"])
        audit(request, f"study:status:{status}", obj=study, actor=by)
    return study


def do_add_member(request: HttpRequest | None, study: Study, email: str, *, by: User) -> StudyMember:
    researcher = User.objects.filter(email__iexact=email.strip(), role=Role.RESEARCHER, is_active=True).first()
    if researcher is None:
        raise StudyError("Email: no active researcher has this email.", "email")
    with transaction.atomic():
        member, created = StudyMember.objects.get_or_create(
            study=study, user=researcher, defaults={"added_by": by}
        )
        if not created:
            raise StudyError("Email: this researcher is already a member.", "email")
        audit(request, "study:add-member", obj=member, actor=by, detail=f"user={researcher.pk}")
    return member


def youngest_baby_age(mother: Mother, on: date) -> int | None:
    baby = mother.babies.order_by("-birth_date").first()
    return None if baby is None else (on - baby.birth_date).days


def do_screen(
    request: HttpRequest | None,
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
        audit(request, "study:screen", mother=mother, obj=entry, actor=by,
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


def do_enrol(
    request: HttpRequest | None,
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
        audit(request, "study:enrol", mother=mother, obj=participant, actor=by,
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


def _stratum_factors(participant: Participant) -> dict[str, str]:
    study = participant.study
    factors: dict[str, str] = {}
    if study.stratify_by_site:
        factors["site"] = participant.site.slug
    if study.stratify_by_severity:
        factors["severity"] = rnd.severity_level(participant.baseline_epds, study.severity_cutoff)
    return factors


def do_randomise(
    request: HttpRequest | None, participant: Participant, *, by: User, now: datetime | None = None
) -> Allocation:
    """Allocate an enrolled, consented, eligible, active participant. Final: a second call is refused."""
    # Decide on the rows as they are now, not as the caller last saw them.
    participant = Participant.objects.select_related("study", "screening", "site", "mother").get(pk=participant.pk)
    study = participant.study
    if not study.is_randomised:
        raise StudyError("This is a single-arm study: there is nothing to randomise.")
    if study.status != StudyStatus.RECRUITING:
        raise StudyError("Randomisation happens only while the study is recruiting.")
    if participant.status != ParticipantStatus.ACTIVE:
        raise StudyError("Only an active participant can be randomised.")
    if not participant.consented_at or participant.consent_version != study.consent_version:
        raise StudyError("Consent to the current version must be recorded first.")
    if not participant.screening.eligible or participant.screening.exclusion_reason:
        raise StudyError("Only an eligible participant can be randomised.")
    with transaction.atomic():
        # Lock the study's key: allocations of one study are made one at a time.
        key = RandomisationKey.objects.select_for_update().get(study=study)
        if Allocation.objects.filter(participant=participant).exists():
            raise StudyError("This participant has already been randomised; the allocation is final.")
        arms = list(study.arms.all())
        weights = [rnd.ArmWeight(a.code, a.ratio) for a in arms]
        by_code = {a.code: a for a in arms}
        factors = _stratum_factors(participant)
        seed = bytes.fromhex(key.seed)
        if study.method == Method.MINIMISATION:
            sequence = Allocation.objects.filter(study=study).count() + 1
            choice = rnd.minimisation(seed, sequence, weights, factors, _factor_counts(study, factors),
                                      study.minimisation_probability)
            arm, stratum, block_number, block_size = by_code[choice.arm], "all", None, None
        else:
            stratum = rnd.stratum_key(factors)
            sequence = Allocation.objects.filter(study=study, stratum=stratum).count() + 1
            drawn = rnd.block_allocation(seed, stratum, sequence, weights,
                                         parse_numbers(study.block_sizes, "Block sizes", allow_zero=False))
            arm, block_number, block_size = by_code[drawn.arm], drawn.block_number, drawn.block_size
        try:
            with transaction.atomic():
                allocation = Allocation.objects.create(
                    study=study, participant=participant, arm=arm, method=study.method, stratum=stratum,
                    sequence=sequence, block_number=block_number, block_size=block_size, allocated_by=by,
                    allocated_at=now or timezone.now(),
                )
        except IntegrityError as error:
            raise StudyError("Another randomisation was made at the same moment; try again.") from error
        audit(request, "study:randomise", mother=participant.mother, obj=allocation, actor=by,
              detail=f"study={study.code} participant={participant.code}")
    return allocation


def _factor_counts(study: Study, factors: dict[str, str]) -> dict[str, dict[str, dict[str, int]]]:
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    allocations = Allocation.objects.filter(study=study).select_related("participant__site", "arm")
    for allocation in allocations:
        levels = _stratum_factors(allocation.participant)
        for factor in factors:
            level_counts = counts[factor][levels[factor]]
            level_counts[allocation.arm.code] = level_counts.get(allocation.arm.code, 0) + 1
    return counts


def do_withdraw(
    request: HttpRequest | None, participant: Participant, *, by: User, scope: str, reason: str
) -> Participant:
    """Withdraw a participant. Data already given is kept; the scope is the choice the consent allows."""
    if scope not in WithdrawalScope.values:
        raise StudyError("Withdrawal: choose what the mother withdraws from.", "scope")
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
        audit(request, "study:withdraw", mother=participant.mother, obj=participant, actor=by,
              detail=f"scope={scope}")
    return participant


def _stop_contact(participant: Participant, by: User) -> None:
    # No more invitations or reminders for visits still to come; results already given stay.
    sources.cancel_follow_ups(participant.visits.filter(completed_at__isnull=True), by=by)


def do_mark_lost(request: HttpRequest | None, participant: Participant, *, by: User, reason: str) -> Participant:
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
        audit(request, "study:lost", mother=participant.mother, obj=participant, actor=by)
    return participant


def do_record_received(
    request: HttpRequest | None, participant: Participant, received: bool, *, by: User
) -> Participant:
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        participant.received_intervention = received
        participant.save(update_fields=["received_intervention"])
        audit(request, "study:received", mother=participant.mother, obj=participant, actor=by,
              detail=f"received={received}")
    return participant


def link_outcomes(study: Study, now: datetime | None = None) -> int:
    """Fill open follow-up visits from submitted screening assessments inside their windows.

    An assessment answering the questionnaire scheduled for the visit wins; otherwise the one answered nearest
    the due date inside the window. Each assessment fills at most one visit. Returns the visits filled.
    """
    today = timezone.localdate(now or timezone.now())
    visits = list(
        Visit.objects.filter(participant__study=study, completed_at__isnull=True, timepoint__week__gt=0,
                             opens_on__lte=today)
        .select_related("participant").order_by("due_on", "id")
    )
    if not visits:
        return 0
    mother_ids = {v.participant.mother_id for v in visits}
    used = set(Visit.objects.filter(participant__study=study).exclude(source="").values_list("source", flat=True))
    records = sources.scores(mother_ids, study.primary_outcome, since=min(v.opens_on for v in visits))
    filled = 0
    with transaction.atomic():
        for visit in visits:
            own = f"studies.Visit:{visit.pk}"
            candidates = [
                r for r in records
                if r.mother_id == visit.participant.mother_id and r.reference not in used
                and (r.scheduled_for == own or visit.opens_on <= r.answered_on <= visit.closes_on)
            ]
            if not candidates:
                continue
            best = min(candidates, key=lambda r: (r.scheduled_for != own, abs((r.answered_on - visit.due_on).days)))
            visit.epds_total, visit.completed_at, visit.source = best.total, best.submitted_at, best.reference
            visit.assessed_on = best.answered_on
            visit.save(update_fields=["epds_total", "completed_at", "assessed_on", "source"])
            used.add(best.reference)
            filled += 1
    return filled
