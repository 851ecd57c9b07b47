"""The mother's classes page: her place on a waiting list, a clear waiting-list choice on a full course, and a
finished course shown class by class as attended or missed, with nothing left to cancel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bondwell.programme import services
from bondwell.programme.models import Attendance, ClassSession
from tests.programme.helpers import at, course, mothers


def test_a_full_course_offers_the_waiting_list_and_shows_her_number(world: Any, client_as: Any) -> None:
    lead = world.users["site_lead"]
    full = course(world, capacity=1, starts_on=timezone.localdate() + timedelta(days=3))
    ClassSession.objects.create(course=full, number=1, starts_at=at(full.starts_on), teaches="Legs and feet")
    first, second = mothers(world.site_a, 2)
    services.enrol_mother(full.pk, first.pk, by=lead)
    services.enrol_mother(full.pk, second.pk, by=lead)  # waiting: number 1
    client = client_as(world.users["mother"])
    page = client.get(reverse("programme-courses")).content.decode()
    assert "This course is full. You can join the waiting list" in page
    assert "Join the waiting list" in page
    assert "Book a place" not in page
    response = client.post(reverse("programme-book"), {"course_id": full.pk}, follow=True)
    page = response.content.decode()
    assert "you are on the waiting list (number 2)" in page
    assert "You are on the waiting list: number 2." in page
    assert "Leave the waiting list" in page


def test_a_course_with_places_says_how_many(world: Any, client_as: Any) -> None:
    open_course = course(world, capacity=3, starts_on=timezone.localdate() + timedelta(days=3))
    ClassSession.objects.create(course=open_course, number=1, starts_at=at(open_course.starts_on), teaches="Tummy")
    page = client_as(world.users["mother"]).get(reverse("programme-courses")).content.decode()
    assert "3 places left." in page
    assert "Book a place" in page


def test_a_finished_course_shows_each_class_attended_or_missed(world: Any, client_as: Any) -> None:
    lead = world.users["site_lead"]
    start = timezone.localdate() - timedelta(days=30)
    done = course(world, capacity=4, starts_on=start)
    first = ClassSession.objects.create(course=done, number=1, starts_at=at(start), teaches="Legs and feet")
    ClassSession.objects.create(course=done, number=2, starts_at=at(start + timedelta(days=7)), teaches="Tummy")
    services.enrol_mother(done.pk, world.mother_a.pk, by=lead)
    Attendance.objects.create(session=first, mother=world.mother_a, status=Attendance.Status.PRESENT)
    page = client_as(world.users["mother"]).get(reverse("programme-courses")).content.decode()
    assert "Courses you took" in page
    assert "You came to 1 of 2 classes." in page
    assert "Legs and feet — <strong>attended</strong>" in page
    assert "Tummy — missed" in page
    assert "Cancel my place" not in page
