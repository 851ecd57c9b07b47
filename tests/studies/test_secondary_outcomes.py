"""Secondary outcomes: scheduled with every visit, filled from the mothers' answers inside the visit windows,
analysed with the primary outcome's models and exported."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from django.utils import timezone

from bondwell import instruments
from bondwell.accounts.models import Mother, User
from bondwell.screening.models import ScheduledQuestionnaire, Source
from bondwell.screening.services import new_submission_key, record_assessment
from bondwell.studies import exports
from bondwell.studies.allocation import randomise_participant
from bondwell.studies.analysis import analyse_study
from bondwell.studies.demo import record_epds
from bondwell.studies.models import Study, VisitOutcome
from bondwell.studies.outcomes import link_outcomes
from bondwell.studies.report import report_tables
from tests.studies.factory import enrol, new_mother, recruiting_study


def _gad7(mother: Mother, total: int, on: date, by: User) -> None:
    gad7 = instruments.load("gad7")
    answers: dict[str, int] = {}
    remaining = total
    for item in gad7.items:
        target = min(3, remaining)
        remaining -= target
        answers[item.key] = next(o.position for o in item.options if o.score == target)
    record_assessment(mother, "gad7", answers, source=Source.PAPER, by=by, answered_on=on,
                      idempotency_key=new_submission_key(), now=timezone.make_aware(datetime.combine(on, time(11))))


def test_secondary_outcomes_are_scheduled_linked_analysed_and_exported(world: Any) -> None:
    study: Study = recruiting_study(world, secondary_outcomes="gad7", schedule_weeks="0,6", block_sizes="2,4")
    clinician = world.users["clinician"]
    start = timezone.localdate() - timedelta(days=50)
    participants = []
    for index in range(12):
        mother = new_mother(world.site_a, f"Secondary {index}", baby_age_days=80)
        participant = enrol(world, study, mother, baseline=14 + index % 6, on=start)
        randomise_participant(participant, by=world.users["site_lead"])
        participants.append(participant)
    # Every visit asks for the GAD-7 too, the baseline included.
    refs = {f"studies.Visit:{v.pk}" for p in participants for v in p.visits.all()}
    scheduled = ScheduledQuestionnaire.objects.filter(instrument="gad7", study_timepoint_ref__in=refs)
    assert scheduled.count() == 2 * len(participants)

    for index, participant in enumerate(participants):
        treated = participant.allocation.arm.code == "intervention"
        _gad7(participant.mother, 10 + index % 5, start, clinician)
        week6 = start + timedelta(weeks=6)
        if index != 0:  # one missed GAD-7 at week 6
            noise = (index * 7) % 3 - 1  # so baseline and arm never fit the outcome exactly
            _gad7(participant.mother, max(0, 9 + index % 5 - (4 if treated else 1) + noise), week6, clinician)
        record_epds(participant.mother, 10 + index % 4, week6, clinician)
    link_outcomes(study)
    assert VisitOutcome.objects.filter(instrument="gad7").count() == 2 * len(participants) - 1

    analysis = analyse_study(study)
    assert [name for name, _, _ in analysis.secondary] == ["gad7"]
    _, secondary, problems = analysis.secondary[0]
    assert secondary is not None, problems
    itt = secondary.intention_to_treat
    assert [(e.week, e.n) for e in itt.ancova.effects] == [(6, 11)]
    assert itt.ancova.effects[0].estimate < 0
    titles = [title for title, _, _ in report_tables(analysis)]
    assert "ANCOVA, GAD-7 (secondary outcome) adjusted for baseline (intention-to-treat): intervention minus control" \
        in titles

    content, _, _ = exports.render(study, "csv")
    frame = pd.read_csv(io.BytesIO(content))
    assert "gad7_total" in frame.columns
    assert frame["gad7_total"].notna().sum() == 2 * len(participants) - 1
    dictionary = exports.data_dictionary(study).decode()
    assert "GAD-7 total (secondary outcome)" in dictionary
