"""Where the analysis inputs come from: home practice for adherence, and the single-arm (pre/post) path."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bondwell.programme.services import PracticeEntry, log_practice
from bondwell.studies.allocation import randomise_participant
from bondwell.studies.analysis import analyse_study
from bondwell.studies.demo import record_epds
from bondwell.studies.frame import long_frame
from bondwell.studies.outcomes import link_outcomes
from tests.studies.factory import enrol, new_mother, recruiting_study


def test_adherence_is_home_practice_minutes_a_week_since_enrolment(world: Any) -> None:
    study = recruiting_study(world, baby_age_max_days=3650, per_protocol_minutes=5.0)
    today = timezone.localdate()
    participant = enrol(world, study, world.mother_a, baseline=18, on=today - timedelta(days=40))
    randomise_participant(participant, by=world.users["site_lead"])
    for days_ago in (10, 20, 30):
        started = timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(19, 0)))
        log_practice(PracticeEntry(started_at=started, duration_seconds=20 * 60,
                                                                guided=True, completed=True), by=world.users["mother"])
    frame = long_frame(study).set_index("week")
    assert frame.loc[6, "adherence"] == pytest.approx(60 / (40 / 7))
    assert frame.loc[0, "adherence"] != frame.loc[0, "adherence"]  # NaN at the baseline


def test_a_single_arm_cohort_gets_its_change_from_baseline(world: Any, client_as: Any) -> None:
    study = recruiting_study(world, code="SC", design="single_arm")
    day = timezone.localdate() - timedelta(days=60)
    for index in range(4):
        participant = enrol(world, study, new_mother(world.site_a, f"Cohort {index}", baby_age_days=90),
                            baseline=18 + index, on=day)
        six = participant.visits.get(timepoint__week=6)
        record_epds(participant.mother, 12 + index - index % 2, six.due_on, world.users["clinician"])
    link_outcomes(study)
    analysis = analyse_study(study)
    assert analysis.trial is None
    [(week, change)] = analysis.single_arm
    assert (week, change.n) == (6, 4)
    assert change.mean_change == pytest.approx(-6.5)
    page = client_as(world.users["site_lead"]).get(reverse("study-analysis", kwargs={"study_id": study.pk}))
    assert "Week 6: change from baseline (paired)" in page.content.decode()
