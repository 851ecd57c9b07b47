"""Pages run on the clock of the signed-in person's site: the day a London mother answers is London's day, even
on a server set to Sydney (settings.TIME_ZONE), and the zone costs no query per page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import AuditEvent
from bondwell.screening.models import Assessment
from bondwell.web import site_clock
from tests.screening.helpers import PHQ9_CALM

LONDON = ZoneInfo("Europe/London")
# 23:30 on Tuesday 1 December in London is 10:30 on Wednesday 2 December in Sydney.
LONDON_LATE = datetime(2026, 12, 1, 23, 30, tzinfo=LONDON)
# The sign-in's read of the zone (`Site.objects.only("time_zone", "country")`).
ZONE_READ = 'SELECT "accounts_site"."id", "accounts_site"."country", "accounts_site"."time_zone" FROM'



def _submit(client: Any) -> Assessment:
    start = client.get(reverse("screening-start", kwargs={"instrument": "phq9"}))
    assert start.status_code == 302
    answers = {key: str(value) for key, value in PHQ9_CALM.items()}
    sent = client.post(start["Location"], {"view": "all", "go": "submit", **answers})
    assert sent.status_code == 302
    return Assessment.objects.latest("id")


def test_a_london_mother_answering_late_in_the_evening_answers_on_londons_day(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: LONDON_LATE)
    assert timezone.localdate() == date(2026, 12, 2), "the server's own clock is already on Wednesday"
    assessment = _submit(client_as(world.users_b["mother"]))
    assert assessment.mother == world.mother_b
    assert assessment.answered_on == date(2026, 12, 1)


def test_a_sydney_mother_at_the_same_moment_answers_on_sydneys_day(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: LONDON_LATE)
    assessment = _submit(client_as(world.users["mother"]))
    assert assessment.answered_on == date(2026, 12, 2)


def test_staff_read_dates_and_times_on_their_sites_clock(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: LONDON_LATE)
    _submit(client_as(world.users_b["mother"]))
    client = client_as(world.users_b["clinician"])
    page = client.get(reverse("mother-record", kwargs={"mother_id": world.mother_b.pk})).content.decode()
    assert ">1 Dec 2026</a>" in page
    assert "2 Dec 2026" not in page
    submitted = AuditEvent.objects.filter(action="submit:assessment:mother", mother=world.mother_b).get()
    london = submitted.at.astimezone(LONDON)
    sydney = submitted.at.astimezone(ZoneInfo("Australia/Sydney"))
    assert f"{london:%-d %b %Y %H:%M}: Mother B" in page
    assert f"{sydney:%-d %b %Y %H:%M}: Mother B" not in page


def _now_shown(client: Any) -> str:
    """The zone the page ran on, as Django's current time zone in the view (the home page, any role)."""
    seen: list[str] = []

    def spy(request: Any) -> Any:
        seen.append(str(timezone.get_current_timezone()))
        from django.http import HttpResponse

        return HttpResponse("")

    middleware = site_clock.SiteTimeZoneMiddleware(spy)
    request = client.get(reverse("home")).wsgi_request
    middleware(request)
    return seen[0]


def test_the_zone_is_read_once_and_costs_no_query_per_page(world: Any, client_as: Any) -> None:
    client = client_as(world.users_b["clinician"])
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith(ZONE_READ)]
    assert _now_shown(client) == "Europe/London"


def test_a_changed_zone_is_every_signed_in_persons_clock_without_signing_in_again(
    world: Any, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from bondwell.accounts.services import update_site_hours

    clinician, mother = client_as(world.users_b["clinician"]), client_as(world.users_b["mother"])
    assert _now_shown(clinician) == _now_shown(mother) == "Europe/London"
    with django_capture_on_commit_callbacks(execute=True):
        update_site_hours(world.site_b, by=world.users["admin"], working_days="01234",
                          opens_at=world.site_b.opens_at, closes_at=world.site_b.closes_at, time_zone="Europe/Dublin")
    assert _now_shown(clinician) == _now_shown(mother) == "Europe/Dublin"


def test_another_process_reads_a_changed_zone_within_a_minute(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bondwell.accounts.models import Site

    clinician = client_as(world.users_b["clinician"])
    assert _now_shown(clinician) == "Europe/London"
    # Changed by another process: this one was not told, and keeps what it read for ZONE_FRESH_SECONDS.
    Site.objects.filter(pk=world.site_b.pk).update(time_zone="Europe/Dublin")
    assert _now_shown(clinician) == "Europe/London"
    later = site_clock.time.monotonic() + site_clock.ZONE_FRESH_SECONDS
    monkeypatch.setattr(site_clock.time, "monotonic", lambda: later)
    assert _now_shown(clinician) == "Europe/Dublin"


def test_staff_without_a_site_keep_the_servers_clock(world: Any, client_as: Any) -> None:
    from django.conf import settings

    client = client_as(world.users["researcher"])
    assert client.get(reverse("home")).status_code in {200, 302}
    assert _now_shown(client) == settings.TIME_ZONE
