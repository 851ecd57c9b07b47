"""Bookings: places up to capacity, then a first-come waiting list that is promoted when a place frees."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bondwell.accounts.models import AuditEvent
from bondwell.programme import services
from bondwell.programme.models import Booking
from tests.programme.helpers import course, mother_user, mothers


def _status(booking: Booking) -> str:
    booking.refresh_from_db()
    return booking.status


def test_booking_beyond_capacity_lands_on_the_waiting_list(world: Any) -> None:
    lead = world.users["site_lead"]
    c = course(world, capacity=2)
    a, b, c3, d = mothers(world.site_a, 4)
    results = [services.enrol_mother(c.pk, m.pk, by=lead).status for m in (a, b, c3, d)]
    assert results == ["booked", "booked", "waiting", "waiting"]


def test_a_freed_place_goes_to_the_first_mother_waiting(world: Any) -> None:
    lead = world.users["site_lead"]
    c = course(world, capacity=1)
    first, second, third = mothers(world.site_a, 3)
    placed = services.enrol_mother(c.pk, first.pk, by=lead)
    waiting_1 = services.enrol_mother(c.pk, second.pk, by=lead)
    waiting_2 = services.enrol_mother(c.pk, third.pk, by=lead)
    promoted = services.cancel_booking(placed.pk, by=lead)
    assert promoted is not None
    assert promoted.pk == waiting_1.pk
    assert (_status(placed), _status(waiting_1), _status(waiting_2)) == ("cancelled", "booked", "waiting")
    assert AuditEvent.objects.filter(action="promote:waiting-list", mother=second).exists()


def test_leaving_the_waiting_list_promotes_nobody(world: Any) -> None:
    lead = world.users["site_lead"]
    c = course(world, capacity=1)
    first, second, third = mothers(world.site_a, 3)
    services.enrol_mother(c.pk, first.pk, by=lead)
    w1 = services.enrol_mother(c.pk, second.pk, by=lead)
    w2 = services.enrol_mother(c.pk, third.pk, by=lead)
    assert services.cancel_booking(w1.pk, by=lead) is None
    assert _status(w2) == "waiting"


def test_booking_twice_keeps_one_place(world: Any) -> None:
    user, mother = mother_user(world.site_a, "twice@a.test")
    c = course(world, capacity=3)
    first = services.book_own_place(c.pk, by=user)
    again = services.book_own_place(c.pk, by=user)
    assert first.pk == again.pk
    assert Booking.objects.filter(course=c, mother=mother).count() == 1


def test_a_mother_can_book_again_after_cancelling(world: Any) -> None:
    user, mother = mother_user(world.site_a, "again@a.test")
    c = course(world, capacity=3)
    services.cancel_booking(services.book_own_place(c.pk, by=user).pk, by=user)
    assert services.book_own_place(c.pk, by=user).status == "booked"
    assert Booking.objects.filter(course=c, mother=mother).count() == 2


def test_a_mother_books_only_herself_through_the_page(world: Any, client_as: Any) -> None:
    c = course(world, capacity=3)
    client = client_as(world.users["mother"])
    response = client.post(reverse("programme-book"), {"course_id": c.pk, "mother_id": world.mother_a2.pk})
    assert response.status_code == 302
    assert list(Booking.objects.filter(course=c).values_list("mother_id", flat=True)) == [world.mother_a.pk]


def test_a_mother_cannot_book_a_course_at_another_site(world: Any, client_as: Any) -> None:
    other = course(world, capacity=3, educator=world.users_b["educator"])
    other.site = world.site_b
    other.save()
    response = client_as(world.users["mother"]).post(reverse("programme-book"), {"course_id": other.pk})
    assert response.status_code == 404
    assert not Booking.objects.filter(course=other).exists()


def test_a_mother_cannot_cancel_another_mothers_booking(world: Any, client_as: Any) -> None:
    c = course(world, capacity=3)
    theirs = services.enrol_mother(c.pk, world.mother_a2.pk, by=world.users["site_lead"])
    response = client_as(world.users["mother"]).post(reverse("programme-cancel"), {"booking_id": theirs.pk})
    assert response.status_code == 404
    assert _status(theirs) == "booked"


def test_staff_enrol_only_mothers_in_their_scope(world: Any) -> None:
    c = course(world, capacity=3)
    with pytest.raises(PermissionDenied):
        services.enrol_mother(c.pk, world.mother_b.pk, by=world.users["site_lead"])  # another site
    with pytest.raises(PermissionDenied):
        services.enrol_mother(c.pk, world.mother_a2.pk, by=world.users["educator"])  # not on her courses
    with pytest.raises(PermissionDenied):
        services.enrol_mother(c.pk, world.mother_a.pk, by=world.users["researcher"])


def test_an_educator_enrols_only_on_her_own_courses(world: Any) -> None:
    from bondwell.accounts.models import User

    colleague = User.objects.create_user("edu2@a.test", "x-long-password-1", full_name="Edu Two", role="educator",
                                         site=world.site_a)
    theirs = course(world, capacity=3, educator=colleague)
    with pytest.raises(services.ProgrammeError):
        services.enrol_mother(theirs.pk, world.mother_a.pk, by=world.users["educator"])


def test_the_enrol_page_books_a_place_and_audits_it(world: Any, client_as: Any) -> None:
    c = course(world, capacity=3)
    client = client_as(world.users["site_lead"])
    response = client.post(reverse("programme-enrol", kwargs={"mother_id": world.mother_a2.pk}), {"course": c.pk})
    assert response.status_code == 302
    booking = Booking.objects.get(course=c, mother=world.mother_a2)
    assert booking.status == "booked"
    assert booking.booked_by == world.users["site_lead"]
    assert AuditEvent.objects.filter(action="book:booked", mother=world.mother_a2).exists()


def test_the_educator_roster_lists_places_and_the_waiting_list(world: Any, client_as: Any) -> None:
    c = course(world, capacity=1)
    lead = world.users["site_lead"]
    services.enrol_mother(c.pk, world.mother_a.pk, by=lead)
    services.enrol_mother(c.pk, world.mother_a2.pk, by=lead)
    page = client_as(world.users["educator"]).get(reverse("programme-course", kwargs={"course_id": c.pk}))
    body = page.content.decode()
    assert page.status_code == 200
    roster, waiting = body.split("Waiting list", 1)
    assert "Mother A<" in roster
    assert "Mother A Two" in waiting
