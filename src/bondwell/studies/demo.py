"""Demo: a running two-arm randomised study at both demo sites, with screening, enrolment and follow-ups.

Every questionnaire goes through the screening module (`record_assessment`), so scores come from
`bondwell.instruments` and the demo exercises the same path as real data. Everything is marked synthetic.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bondwell import instruments
from bondwell.accounts import services as people
from bondwell.accounts.models import Mother, User
from bondwell.accounts.roles import Role
from bondwell.demo import DemoContext
from bondwell.demo.accounts import BABY_NAMES, FIRST_NAMES, SURNAMES, with_demo_password
from bondwell.demo.answers import answers_adding_up_to
from bondwell.studies.allocation import randomise_participant
from bondwell.studies.enrolment import (
    enrol_participant,
    mark_lost,
    record_intervention_received,
    screen_mother,
    withdraw_participant,
)
from bondwell.studies.models import Participant, Study, StudyStatus
from bondwell.studies.outcomes import link_outcomes
from bondwell.studies.services import StudyError, StudyPlan, add_study_member, create_study, set_study_status

DEMO_CONSENT = (
    "I agree to take part in the Harbourside–Northgate infant massage study. I understand that I will answer "
    "a short mood questionnaire (EPDS) at the start and at 6 weeks, 3, 6 and 12 months, that I may be "
    "offered an infant massage course now or standard postnatal care, decided by chance, and that I can "
    "withdraw at any time without it affecting my care. Data I have already given will be kept and used in "
    "pseudonymised form."
)


def epds_answers(total: int) -> dict[str, int]:
    """EPDS answer positions (as printed) that score `total`, never endorsing self-harm (item 10 = 0)."""
    if not 0 <= total <= 27:
        raise ValueError("demo totals run from 0 to 27 (item 10 stays at 0)")
    return answers_adding_up_to(instruments.load("epds"), total)


def _record_paper(mother: Mother, instrument: str, answers: dict[str, int], answered_on: date, by: User,
                  at: time) -> None:
    """One paper questionnaire through the screening module (scored by bondwell.instruments, alerts and all)."""
    from bondwell.screening.models import Source
    from bondwell.screening.services import new_submission_key, record_assessment

    record_assessment(
        mother, instrument, answers, source=Source.PAPER, by=by, answered_on=answered_on,
        idempotency_key=new_submission_key(), now=timezone.make_aware(datetime.combine(answered_on, at)),
    )


def record_epds(mother: Mother, total: int, answered_on: date, by: User) -> None:
    """One paper EPDS scoring `total` (0–27: item 10 stays at 0)."""
    _record_paper(mother, "epds", epds_answers(total), answered_on, by, time(10, 0))


def record_gad7(mother: Mother, total: int, answered_on: date, by: User) -> None:
    """One paper GAD-7 (the demo trial's secondary outcome), its total kept within 0–21."""
    _record_paper(mother, "gad7", answers_adding_up_to(instruments.load("gad7"), total), answered_on, by,
                  time(10, 30))


def _plan(context: DemoContext) -> StudyPlan:
    return StudyPlan(
        title="Infant massage for postnatal depression (synthetic demo trial)", code="HAPPI",
        design="two_arm", sites=(context.sites["harbourside"], context.sites["northgate"]),
        consent_text=DEMO_CONSENT, consent_version="1.0", epds_min=13, baby_age_min_days=0,
        baby_age_max_days=400, block_sizes="2,4", schedule_weeks="0,6,13,26,52", window_days=14,
        secondary_outcomes="gad7",
    )


TRIAL_MOTHERS_PER_SITE = 26


def _trial_mother(context: DemoContext, rng: random.Random, site_key: str) -> tuple[Mother, date]:
    """A synthetic mother recruited into the demo trial, and the day she was screened."""
    site = context.sites[site_key]
    lead = context.users["site_lead" if site_key == "harbourside" else "site_lead2"]
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    mother = people.register_mother(site, by=lead, full_name=name, synthetic=True,
                                    at=context.now - timedelta(days=rng.randint(250, 380)))
    screened = context.today - timedelta(days=rng.randint(7, 300))
    people.add_baby(mother, by=lead, name=rng.choice(BABY_NAMES),
                    birth_date=screened - timedelta(days=rng.randint(14, 70)),
                    gestation_weeks=rng.choice([36, 38, 39, 40, 40, 41]))
    context.mothers.append(mother)
    return mother, screened


def load(context: DemoContext) -> None:
    rng = context.rng
    lead = context.users["site_lead"]
    study = create_study(_plan(context), by=lead, synthetic=True)
    add_study_member(study, context.users["researcher"].email, by=lead)
    # The trial's unblinded statistician: by-arm results for the data-monitoring committee, the database lock.
    statistician = with_demo_password(people.create_user(
        "statistician@demo.bondwell.test", by=context.users.get("admin"), full_name="Sam Statistician",
        role=Role.STATISTICIAN, site=None, password=None, synthetic=True,
    ))
    context.users["statistician"] = statistician
    add_study_member(study, statistician.email, by=lead)
    study = set_study_status(study, StudyStatus.RECRUITING, by=lead)
    staff = {
        "harbourside": (lead, context.users["clinician"]),
        "northgate": (context.users["site_lead2"], context.users["clinician2"]),
    }
    # The demo's other mothers are left unscreened, so the demo site lead can screen and randomise some herself.
    recruits = [_trial_mother(context, rng, key) for key in staff for _ in range(TRIAL_MOTHERS_PER_SITE)]
    for index, (mother, screened) in enumerate(sorted(recruits, key=lambda pair: pair[1])):
        site_lead, clinician = staff[mother.site.slug]
        _enrol_one(context, rng, study, mother, screened, site_lead, clinician, index)
    link_outcomes(study, context.now)


def _enrol_one(context: DemoContext, rng: random.Random, study: Study, mother: Mother, screened: date,
               lead: User, clinician: User, index: int) -> None:
    baseline = rng.choice([9, 11, 13, 14, 15, 15, 16, 17, 17, 18, 19, 20, 21, 23, 25])
    record_epds(mother, baseline, screened, clinician)
    when = timezone.make_aware(datetime.combine(screened, time(11, 0)))
    entry = screen_mother(study, mother, by=clinician, declined=index % 11 == 5, now=when)
    if not entry.eligible or entry.exclusion_reason:
        return
    consented = when + timedelta(minutes=20)
    participant = enrol_participant(entry, by=lead, consent_version=study.consent_version, consented_at=consented,
                           rng=rng, synthetic=True, now=consented)
    allocation = randomise_participant(participant, by=lead, now=consented + timedelta(minutes=5))
    massage = allocation.arm.code == "intervention"
    if massage:
        record_intervention_received(participant, rng.random() < 0.85, by=lead)
    record_gad7(mother, rng.randint(6, 16), screened, clinician)
    _follow_up(context, rng, participant, baseline, massage, clinician, lead)


def _follow_up(context: DemoContext, rng: random.Random, participant: Participant, baseline: int, massage: bool,
               clinician: User, lead: User) -> None:
    score = float(baseline)
    for visit in participant.visits.select_related("timepoint").filter(timepoint__week__gt=0):
        if visit.due_on > context.today:
            break
        if rng.random() < 0.15:  # a missed questionnaire
            continue
        # Scores fall over time in both arms; a little further with massage (synthetic, not evidence).
        score = max(0.0, score - rng.uniform(1.0, 3.5) - (1.2 if massage else 0.0))
        answered = visit.due_on + timedelta(days=rng.randint(-5, 5))
        if answered > context.today:
            continue
        record_epds(participant.mother, max(0, min(27, round(score + rng.uniform(-1.5, 1.5)))), answered, clinician)
        record_gad7(participant.mother, round(score * 0.6 + rng.uniform(-2, 2)), answered, clinician)
    roll = rng.random()
    try:
        if roll < 0.06:
            mark_lost(participant, by=lead, reason="Moved away, no forwarding contact")
        elif roll < 0.1:
            withdraw_participant(participant, by=lead, scope="follow_up", reason="Too busy with the baby")
    except StudyError:
        pass
