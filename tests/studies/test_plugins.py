"""The studies capability as plugged into the shell: its worker job, home card and menu entry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from bondwell.studies.demo import record_epds
from bondwell.studies.models import StudyMember, Visit
from tests.studies.factory import enrol, new_mother, recruiting_study


def test_the_worker_job_fills_visits_from_new_assessments(world: Any) -> None:
    assert "bondwell.studies.jobs.run" in settings.BONDWELL_WORKER_JOBS
    study = recruiting_study(world)
    participant = enrol(world, study, new_mother(world.site_a, "Worker Mum", baby_age_days=80),
                        on=timezone.localdate() - timedelta(days=45))
    six = participant.visits.get(timepoint__week=6)
    record_epds(participant.mother, 10, six.due_on, world.users["clinician"])
    run = import_string("bondwell.studies.jobs.run")
    assert run(timezone.now()) == 1
    assert run(timezone.now()) == 0
    assert Visit.objects.get(pk=six.pk).epds_total == 10


def test_home_pages_show_the_studies_card_to_study_roles_only(world: Any, client_as: Any) -> None:
    study = recruiting_study(world)
    StudyMember.objects.create(study=study, user=world.users["researcher"], added_by=world.users["site_lead"])
    for role in ("clinician", "site_lead", "researcher"):
        page = client_as(world.users[role]).get(reverse("home")).content.decode()
        assert "Massage trial" in page, role
        assert 'href="/studies/"' in page, role
    for role in ("mother", "educator", "admin"):
        assert "Massage trial" not in client_as(world.users[role]).get(reverse("home")).content.decode()
