"""Helpers that build studies through the services, as the pages do."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from bondwell.accounts.models import Baby, Mother
from bondwell.studies.demo import record_epds
from bondwell.studies.enrolment import enrol_participant, screen_mother
from bondwell.studies.models import Participant, Study
from bondwell.studies.services import StudyPlan, create_study, set_study_status

CONSENT = "I agree to take part. I may withdraw at any time; data already given is kept."


def plan(world: Any, **changes: Any) -> StudyPlan:
    base = StudyPlan(
        title="Massage trial", code="MT", design="two_arm", sites=(world.site_a, world.site_b),
        consent_text=CONSENT, consent_version="2.1", baby_age_max_days=200,
    )
    return replace(base, **changes)


def recruiting_study(world: Any, **changes: Any) -> Study:
    lead = world.users["site_lead"]
    study = create_study(plan(world, **changes), by=lead)
    return set_study_status(study, "recruiting", by=lead)


def new_mother(site: Any, name: str, baby_age_days: int = 40) -> Mother:
    mother = Mother.objects.create(site=site, full_name=name, email=f"{name.replace(' ', '.')}@mail.test",
                                   phone="+61 400 000 000")
    Baby.objects.create(mother=mother, name="Baby", birth_date=timezone.localdate() - timedelta(days=baby_age_days))
    return mother


def staff(world: Any, site: Any, role: str) -> Any:
    return world.users[role] if site == world.site_a else world.users_b[role]


def enrol(world: Any, study: Study, mother: Mother, baseline: int = 16, on: date | None = None) -> Participant:
    """Screen (with a fresh EPDS) and enrol, on `on` (default today)."""
    clinician = staff(world, mother.site, "clinician")
    day = on or timezone.localdate()
    record_epds(mother, baseline, day, clinician)
    when = timezone.make_aware(datetime.combine(day, time(9, 0))) if on else timezone.now()
    entry = screen_mother(study, mother, by=clinician, now=when)
    assert entry.eligible, entry.exclusion_reason
    assert not entry.exclusion_reason
    return enrol_participant(entry, by=staff(world, mother.site, "site_lead"), consent_version=study.consent_version,
                    consented_at=when, now=when)
