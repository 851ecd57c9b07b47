"""Set-up of a study: one function per state change, atomic, validated and audited.

Views and the demo loader call these (and those of enrolment.py, allocation.py and outcomes.py); nothing else
writes study rows. Errors a user can fix are raised as `StudyError` with a message that names what to change.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from bondwell.accounts.access import audit
from bondwell.accounts.models import Site, User
from bondwell.accounts.roles import Role
from bondwell.errors import BondwellError
from bondwell.studies import randomisation as rnd
from bondwell.studies.models import (
    Anchor,
    Arm,
    ConsentVersion,
    Design,
    Method,
    RandomisationKey,
    Study,
    StudyMember,
    StudyStatus,
    Timepoint,
)


class StudyError(BondwellError):
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
    withdrawal_scopes: tuple[str, ...] = ("intervention", "follow_up")  # what this consent version offers


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
    if not plan.withdrawal_scopes or not set(plan.withdrawal_scopes) <= {"intervention", "follow_up"}:
        raise StudyError("Withdrawal choices: the consent form must offer at least one of 'stop the "
                         "intervention' and 'no further contact'.", "withdrawal_scopes")
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
    ConsentVersion.objects.update_or_create(
        study=study, version=plan.consent_version, defaults={"withdrawal_scopes": ",".join(plan.withdrawal_scopes)}
    )
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


def create_study(plan: StudyPlan, *, by: User, synthetic: bool = False) -> Study:
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
        audit(None, "study:create", obj=study, actor=by, detail=f"code={study.code}")
    return study


def update_study(study: Study, plan: StudyPlan, *, by: User) -> Study:
    weeks, _ = check_plan(plan)
    _may_manage(study, by, plan.sites)
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        if study.status != StudyStatus.SETUP:
            raise StudyError("The protocol is fixed once recruitment opens; it can no longer be changed.")
        if Study.objects.filter(code__iexact=plan.code).exclude(pk=study.pk).exists():
            raise StudyError("Code: another study already uses this code.", "code")
        _apply_plan(study, plan, weeks)
        audit(None, "study:update", obj=study, actor=by)
    return study


def may_set_status(user: User, study: Study) -> bool:
    """Recruitment opens and closes by the study's own site leads (a site lead of a site taking part)."""
    return (user.role == Role.SITE_LEAD and user.site_id is not None
            and study.sites.filter(pk=user.site_id).exists())


def set_study_status(study: Study, status: str, *, by: User) -> Study:
    allowed = {StudyStatus.SETUP: StudyStatus.RECRUITING, StudyStatus.RECRUITING: StudyStatus.CLOSED}
    if not may_set_status(by, study):
        raise StudyError("Only a site lead of a site taking part opens or closes recruitment.")
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        if allowed.get(StudyStatus(study.status)) != status:
            raise StudyError(f"A study that is {study.get_status_display().lower()} cannot move to {status}.")
        study.status = status
        study.save(update_fields=["status"])
        audit(None, f"study:status:{status}", obj=study, actor=by)
    return study


def add_study_member(study: Study, email: str, *, by: User) -> StudyMember:
    researcher = User.objects.filter(email__iexact=email.strip(), role__in=(Role.RESEARCHER, Role.STATISTICIAN),
                                     is_active=True).first()
    if researcher is None:
        raise StudyError("Email: no active researcher or trial statistician has this email.", "email")
    if (by.role == Role.SITE_LEAD and study.created_by_id != by.pk
            and study.sites.exclude(pk=by.site_id or 0).exists()):
        # Export access covers every site's mothers: another site's lead may not grant it.
        raise StudyError("Email: this study includes other sites' mothers, so only the person who set it up "
                         "can add members.", "email")
    with transaction.atomic():
        member, created = StudyMember.objects.get_or_create(
            study=study, user=researcher, defaults={"added_by": by}
        )
        if not created:
            raise StudyError("Email: this researcher is already a member.", "email")
        audit(None, "study:add-member", obj=member, actor=by, detail=f"user={researcher.pk}")
    return member


def withdrawal_choices(study: Study, consent_version: str) -> list[tuple[str, str]]:
    """The withdrawal choices the consent version she signed offers (all of them for versions not on file)."""
    from bondwell.studies.models import WithdrawalScope

    record = ConsentVersion.objects.filter(study=study, version=consent_version).first()
    allowed = set(record.scopes) if record is not None else set(WithdrawalScope.values)
    return [(value, label) for value, label in WithdrawalScope.choices if value in allowed]
