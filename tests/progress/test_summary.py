"""The dashboard's materialised summaries: built the first time, a new result shows on the next request without
the worker, what changes in place is caught by the worker's next cycle, and the figures equal a full rebuild."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from bondwell.accounts.access import mothers_in_scope
from bondwell.programme.models import Attendance, Booking
from bondwell.progress import dashboard, summary
from bondwell.progress.dashboard import Filters, Share
from bondwell.progress.models import BookingSummary, SummaryState
from tests.progress.conftest import _epds


def _overall(world: Any) -> dashboard.Figures:
    lead = world.users["site_lead"]
    return dashboard.build(mothers_in_scope(lead), {lead.site_id: lead.site.name}, Filters()).overall


def _stored() -> dict[int, tuple[Any, ...]]:
    return {
        s.booking_id: (s.starts_on, s.dose_weeks, s.baseline, s.post, s.present, s.practice_seconds,
                       s.follow_up_6, s.follow_up_12)
        for s in BookingSummary.objects.all()
    }


def test_the_first_request_builds_every_summary_and_sets_the_watermarks(cohort: Any) -> None:
    assert not BookingSummary.objects.exists()
    assert _overall(cohort.world).pairs == 5
    assert BookingSummary.objects.count() == Booking.objects.count()  # every booking, cancelled ones too
    state = SummaryState.objects.get()
    assert state.booking_id == max(Booking.objects.values_list("id", flat=True))
    first = cohort.mothers[0]
    row = BookingSummary.objects.get(booking__mother=first)
    assert (row.baseline, row.post, row.present, row.practice_seconds, row.follow_up_6) == (18, 10, 4, 90 * 60, True)


def test_a_new_result_shows_on_the_next_request_without_the_worker(cohort: Any) -> None:
    world = cohort.world
    assert _overall(world).follow_up["6 months"].count == 3  # M1, M2, M4 answered at 6 months
    _epds(cohort.mothers[2], cohort.start + timedelta(days=200), 11, world.users["clinician"])  # M3 answers
    assert _overall(world).follow_up["6 months"].count == 4
    version = SummaryState.objects.get().version
    assert _overall(world).pairs == 5
    assert SummaryState.objects.get().version == version  # nothing new: nothing written, the version stays


def test_an_attendance_changed_in_place_is_caught_by_the_next_worker_cycle(cohort: Any) -> None:
    world = cohort.world
    assert _overall(world).finished == Share(5, 6)
    sixth = cohort.mothers[5]  # attended 1 of 4: not finished
    Attendance.objects.filter(mother=sixth).update(status="present", recorded_at=timezone.now())
    summary.run(timezone.now())
    assert _overall(world).finished == Share(6, 6)


def test_a_course_moved_to_another_start_is_summarised_again_by_the_worker(cohort: Any) -> None:
    _overall(cohort.world)
    course = cohort.course
    course.starts_on = cohort.start - timedelta(days=60)  # the EPDS after the course now falls outside its window
    course.save(update_fields=["starts_on"])
    summary.run(timezone.now())
    assert set(BookingSummary.objects.filter(booking__course=course).values_list("starts_on", flat=True)) == {
        course.starts_on
    }


def test_incremental_summaries_equal_a_full_rebuild(cohort: Any) -> None:
    world = cohort.world
    _overall(world)
    _epds(cohort.mothers[4], cohort.start + timedelta(days=350), 7, world.users["clinician"])
    Attendance.objects.filter(mother=cohort.mothers[1]).update(status="absent", recorded_at=timezone.now())
    summary.run(timezone.now())
    incremental = _stored()
    BookingSummary.objects.all().delete()
    summary.rebuild(timezone.now())
    assert _stored() == incremental
