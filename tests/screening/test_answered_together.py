"""One answer, one request fulfilled per time it is asked: a mother with two requests for the same questionnaire
already due sees one button, and her answer completes both, closing the repeat screen the pathway asked for.
A request not yet due, another questionnaire, and a second study visit keep their own."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bondwell.pathway.models import FollowUp
from bondwell.screening import services
from bondwell.screening.models import ScheduledQuestionnaire
from bondwell.screening.questionnaires import answered_together, due_for_mother
from tests.screening.helpers import PHQ9_CALM, paper

PHQ9_MILD = {**PHQ9_CALM, "q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 1}  # 5: watchful waiting, repeat in 2-4 weeks
DAY = date(2026, 12, 1)
REFS = ("", "pathway:repeat:7", "studies.Visit:3", "studies.Visit:4")


def _request(pk: int, instrument: str, due_in_days: int, ref: str = "", status: str = "scheduled") -> Any:
    return ScheduledQuestionnaire(pk=pk, instrument=instrument, due_on=DAY + timedelta(days=due_in_days),
                                  study_timepoint_ref=ref, status=status)


def _schedule(world: Any, instrument: str, due: date, ref: str = "") -> ScheduledQuestionnaire:
    return services.schedule_questionnaire(world.mother_a, instrument, due, by=world.users["clinician"],
                                           study_timepoint=ref or None)


def _answer_from_button(client: Any, button: ScheduledQuestionnaire) -> None:
    start = client.get(reverse("screening-start", kwargs={"instrument": "phq9"}) + f"?scheduled={button.pk}")
    answered = client.post(start["Location"], {"view": "all", "go": "submit", **{k: str(v) for k, v in
                                                                                  PHQ9_CALM.items()}})
    assert answered.status_code == 302


def _status(*requests: ScheduledQuestionnaire) -> list[str]:
    return [ScheduledQuestionnaire.objects.get(pk=r.pk).status for r in requests]


def test_two_due_requests_for_the_phq9_are_one_button_and_one_answer_completes_both(
    world: Any, client_as: Any
) -> None:
    today = timezone.localdate()
    # A mild PHQ-9 three weeks ago asked for a repeat (due a week ago); her clinician asked for one yesterday too.
    mild = paper(world.mother_a, world.users["clinician"], PHQ9_MILD, on=today - timedelta(days=21),
                 now=timezone.now() - timedelta(days=21))
    repeat_screen = FollowUp.objects.get(assessment=mild, action=FollowUp.Action.REPEAT_SCREEN)
    repeat = repeat_screen.scheduled
    assert repeat is not None
    assert repeat.due_on == today - timedelta(days=7)
    clinicians = _schedule(world, "phq9", today - timedelta(days=1))
    next_month = _schedule(world, "phq9", today + timedelta(days=30))
    client = client_as(world.users["mother"])

    for url in (reverse("home"), reverse("screening-my")):
        page = client.get(url).content.decode()
        assert page.count("Answer the PHQ-9") == 2, "the two due requests share one button; next month's has its own"
        assert f"?scheduled={repeat.pk}" in page
        assert f"?scheduled={clinicians.pk}" not in page
        assert f"due since {(today - timedelta(days=7)):%-d %b %Y}" in page
        assert f"by {(today + timedelta(days=30)):%-d %b %Y}" in page

    _answer_from_button(client, repeat)

    assert _status(repeat, clinicians, next_month) == ["completed", "completed", "scheduled"]
    repeat_screen.refresh_from_db()
    assert (repeat_screen.status, repeat_screen.outcome) == ("closed", "rescreened")
    page = client.get(reverse("home")).content.decode()
    assert page.count("Answer the PHQ-9") == 1
    assert f"?scheduled={next_month.pk}" in page


def test_an_answer_she_starts_herself_completes_what_is_due_and_closes_the_repeat_screen(world: Any) -> None:
    today = timezone.localdate()
    mild = paper(world.mother_a, world.users["clinician"], PHQ9_MILD, on=today - timedelta(days=21),
                 now=timezone.now() - timedelta(days=21))
    repeat_screen = FollowUp.objects.get(assessment=mild, action=FollowUp.Action.REPEAT_SCREEN)
    draft = services.start_draft(world.mother_a, "phq9", by=world.users["mother"])
    services.save_answers(draft, PHQ9_CALM, by=world.users["mother"])
    services.submit_draft(draft, by=world.users["mother"])
    repeat_screen.refresh_from_db()
    assert (repeat_screen.status, repeat_screen.outcome) == ("closed", "rescreened")
    assert repeat_screen.scheduled is not None
    assert _status(repeat_screen.scheduled) == ["completed"]


def test_a_paper_form_completes_only_what_was_due_by_the_day_she_answered_it(world: Any) -> None:
    today = timezone.localdate()
    a_fortnight_ago = _schedule(world, "phq9", today - timedelta(days=14))
    yesterday = _schedule(world, "phq9", today - timedelta(days=1))
    gad7 = _schedule(world, "gad7", today - timedelta(days=14))
    paper(world.mother_a, world.users["clinician"], PHQ9_CALM, on=today - timedelta(days=10))
    assert _status(a_fortnight_ago, yesterday, gad7) == ["completed", "scheduled", "scheduled"]


def test_the_paper_entry_tells_the_clinician_every_request_her_form_completed(world: Any, client_as: Any) -> None:
    today = timezone.localdate()
    first, second = (_schedule(world, "phq9", today - timedelta(days=days)) for days in (20, 2))
    later = _schedule(world, "phq9", today + timedelta(days=20))
    client = client_as(world.users["clinician"])
    url = reverse("screening-paper", kwargs={"mother_id": world.mother_a.pk, "instrument": "phq9"})
    key = client.get(url).context["form"].initial["key"]
    answers = {item: str(position) for item, position in PHQ9_CALM.items()}
    shown = client.post(url, {"key": key, "answered_on": today.isoformat(), **answers}, follow=True)
    days = f"{first.due_on:%-d %b %Y} and {second.due_on:%-d %b %Y}"
    assert f"Paper form entered. It answers the PHQ-9 due {days}, now completed." in shown.content.decode()
    assert _status(first, second, later) == ["completed", "completed", "scheduled"]


def test_a_correction_completes_nothing_more(world: Any) -> None:
    today = timezone.localdate()
    first = paper(world.mother_a, world.users["clinician"], PHQ9_CALM, on=today)
    later = _schedule(world, "phq9", today)
    services.record_assessment(
        world.mother_a, "phq9", PHQ9_MILD, source="paper", by=world.users["clinician"], answered_on=today,
        idempotency_key=services.new_submission_key(), supersedes=first, correction_reason="typed q1 wrong",
    )
    assert _status(later) == ["scheduled"]


def test_her_button_opens_the_study_visit_so_the_study_gets_its_answer_and_a_second_visit_keeps_its_own(
    world: Any, client_as: Any
) -> None:
    today = timezone.localdate()
    clinicians = _schedule(world, "phq9", today - timedelta(days=3))
    week_6 = _schedule(world, "phq9", today - timedelta(days=2), ref="studies.Visit:6")
    other_study = _schedule(world, "phq9", today - timedelta(days=1), ref="studies.Visit:9")
    due = due_for_mother(world.mother_a, 10)
    assert [(d.scheduled.pk, d.covers, d.since) for d in due] == [
        (week_6.pk, 2, today - timedelta(days=3)), (other_study.pk, 1, today - timedelta(days=1)),
    ]
    _answer_from_button(client_as(world.users["mother"]), week_6)
    assert _status(clinicians, week_6, other_study) == ["completed", "completed", "scheduled"]
    assert ScheduledQuestionnaire.objects.get(pk=week_6.pk).assessments.count() == 1


def test_the_panel_lists_at_most_its_limit_of_buttons(world: Any) -> None:
    today = timezone.localdate()
    for days, instrument in ((1, "phq9"), (2, "phq9"), (3, "gad7"), (40, "phq9"), (50, "pbq")):
        _schedule(world, instrument, today - timedelta(days=days) if days < 10 else today + timedelta(days=days))
    due = due_for_mother(world.mother_a, 3)
    assert [(d.scheduled.instrument, d.covers, d.overdue) for d in due] == [
        ("gad7", 1, True), ("phq9", 2, True), ("phq9", 1, False),
    ]


requests = st.lists(
    st.tuples(st.sampled_from(("phq9", "epds")), st.integers(-30, 30), st.sampled_from(REFS),
              st.sampled_from(("scheduled", "scheduled", "cancelled"))),
    max_size=8,
).map(lambda rows: [_request(pk, *row) for pk, row in enumerate(rows, start=1)])


@given(pending=requests, chosen_index=st.integers(-1, 7))
def test_an_answer_fulfils_the_chosen_request_and_each_due_one_of_its_questionnaire_with_one_study_visit(
    pending: list[Any], chosen_index: int
) -> None:
    chosen = pending[chosen_index] if 0 <= chosen_index < len(pending) else None
    instrument = chosen.instrument if chosen is not None else "phq9"
    fulfilled = answered_together(pending, instrument, DAY, chosen)
    others = [s for s in fulfilled if s is not chosen]
    assert (fulfilled[:1] == [chosen]) if chosen is not None else True
    assert all(s.instrument == instrument and s.due_on <= DAY and s.status == "scheduled" for s in others)
    assert sum(s.for_study_visit for s in fulfilled) <= 1, "a study fills each visit with its own answer"
    left = [s for s in pending if s not in fulfilled and s.instrument == instrument and s.due_on <= DAY
            and s.status == "scheduled"]
    assert all(s.for_study_visit for s in left), "every due request of her care team's is fulfilled"
    assert len({s.pk for s in fulfilled}) == len(fulfilled)
