"""Query counts of every main page, pinned: a page costs the same number of queries with one record as with
many (no N+1), and a change that adds a query to a page shows here first (issue 18; docs/performance.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import Mother
from bondwell.progress import baseline, summary
from bondwell.screening.models import Assessment
from bondwell.web import site_clock
from tests.pathway.helpers import PHQ9_14, sydney
from tests.screening.helpers import PHQ9_CALM, PHQ9_SELF_HARM, paper

# Queries per page, the same on SQLite and PostgreSQL: PostgreSQL's connection writes its audit events to a lane
# it leased when it opened, without a lock per event (issue 18; before lanes it added one query per event). The
# dashboard's include five for its summaries' catch-up (the state row and four primary-key range scans). Inside
# the test's transaction an audit event is SELECT head + INSERT (no savepoint of its own since issue 18); a view's
# own event in production adds its BEGIN and COMMIT. The queue's live partial, polled every 15 s, shows here the
# same alerts the page just audited: it is not audited again (docs/security.md), three queries in all.
PINNED = {
    "mother home": 13,  # was 14: her record read once for all the panels (own_mother_record per request)
    "questionnaire answer": 4,
    "questionnaire submit": 15,  # was 26: no savepoints of their own; 20: the locked draft row read once, not 3 times;
    # 18: one update of the draft, no savepoint or key look-up for a draft not yet sent; 14, then 15: one read of her
    # requests for the questionnaire already due, which her answer completes with the one she chose
    "result": 10,  # was 19: a calm result asks nobody's rota or hours; 14: open alerts, follow-ups, result read once
    "progress": 15,
    "clinician home": 17,
    "alert queue": 10,
    "alert queue (live partial)": 3,  # was 12: session, user, its rows (no audit, count, concerns or banner)
    "follow-up worklist": 10,
    "mother record": 26,
    "mother progress": 27,  # the site's baseline SD: one aggregate over the stored first EPDS (was: one look-up
    # per mother, kept for the hour; before the worker's first cycle it still is, and costs 2 queries more)
    "site-lead home": 18,
    "dashboard": 18,
}


def pinned(page: str) -> int:
    return PINNED[page]


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Cached figures (dashboard, a site's baseline SD) would make a page's count depend on the test before."""
    cache.clear()
    yield
    cache.clear()


def grow(world: Any, n: int) -> None:
    """`n` more mothers at the clinician's site, each with an open alert and a follow-up; `n` results of her own."""
    clinician = world.users["clinician"]
    for i in range(n):
        mother = Mother.objects.create(site=world.site_a, full_name=f"Mother {i}")
        paper(mother, clinician, PHQ9_SELF_HARM)
        paper(mother, clinician, PHQ9_14)
    for k in range(n):
        paper(world.mother_a, clinician, PHQ9_CALM, on=date.today() - timedelta(days=30 * (k + 1)))


def counted(client: Any, method: str, url: str, data: dict[str, str] | None = None,
            **headers: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, headers=headers)
    return response.status_code, len(queries)


def mother_pages(world: Any, client: Any) -> dict[str, tuple[int, int]]:
    seen = {"mother home": counted(client, "get", reverse("home"))}
    start = client.get(reverse("screening-start", kwargs={"instrument": "phq9"}))
    assert start.status_code == 302
    url = start["Location"]
    seen["questionnaire answer"] = counted(client, "get", url)
    answers = {key: str(value) for key, value in PHQ9_CALM.items()}
    seen["questionnaire submit"] = counted(client, "post", url, {"view": "all", "go": "submit", **answers})
    latest = Assessment.objects.filter(mother=world.mother_a).latest("id")
    seen["result"] = counted(client, "get", reverse("screening-result", args=[latest.pk]))
    seen["progress"] = counted(client, "get", reverse("progress-mine"))
    return seen


def staff_pages(world: Any, client_as: Any) -> dict[str, tuple[int, int]]:
    baseline.run(timezone.now())  # the worker has stored the mothers' first EPDS (the site's baseline SD)
    client = client_as(world.users["clinician"])
    seen = {
        "clinician home": counted(client, "get", reverse("home")),
        "alert queue": counted(client, "get", reverse("screening-queue")),
        "alert queue (live partial)": counted(client, "get", reverse("screening-queue"), HX_Request="true"),
        "follow-up worklist": counted(client, "get", reverse("pathway-worklist")),
        "mother record": counted(client, "get", reverse("mother-record", args=[world.mother_a.pk])),
        "mother progress": counted(client, "get", reverse("progress-mother", args=[world.mother_a.pk])),
    }
    client.logout()
    cache.clear()
    summary.run(timezone.now())  # the worker has brought the dashboard's summaries up to date
    client = client_as(world.users["site_lead"])
    seen["site-lead home"] = counted(client, "get", reverse("home"))
    seen["dashboard"] = counted(client, "get", reverse("progress-dashboard"))
    return seen


@pytest.mark.parametrize("records", [1, 6])
def test_every_main_page_costs_its_pinned_queries_whatever_the_number_of_records(
    world: Any, client_as: Any, records: int
) -> None:
    grow(world, records)
    for site in (world.site_a, world.site_b):
        # At rest each web process knows its sites' zones (read once a minute: test_site_clock).
        site_clock.site_zone_name(site.pk)
    seen = mother_pages(world, client_as(world.users["mother"]))
    seen.update(staff_pages(world, client_as))
    expected_status = {"questionnaire submit": 302}
    assert {page: status for page, (status, _) in seen.items()} == {
        page: expected_status.get(page, 200) for page in seen
    }
    counts = {page: count for page, (_, count) in seen.items()}
    assert counts == {page: pinned(page) for page in seen}, repr(counts)


def test_the_queue_asks_the_same_with_many_alerts_as_with_one(
    world: Any, client_as: Any, django_assert_num_queries: Any
) -> None:
    grow(world, 12)
    client = client_as(world.users["clinician"])
    client.get(reverse("home"))  # the first page after signing in also renews the session
    with django_assert_num_queries(pinned("alert queue")):
        assert client.get(reverse("screening-queue")).status_code == 200
    with django_assert_num_queries(pinned("follow-up worklist")):
        assert client.get(reverse("pathway-worklist")).status_code == 200
    with django_assert_num_queries(pinned("alert queue (live partial)")):
        assert client.get(reverse("screening-queue"), headers={"HX-Request": "true"}).status_code == 200


def test_the_live_partial_writes_one_audit_event_only_when_its_alerts_change(world: Any, client_as: Any) -> None:
    from bondwell.accounts.models import AuditEvent

    grow(world, 3)
    client = client_as(world.users["clinician"])
    client.get(reverse("screening-queue"))
    polls = AuditEvent.objects.filter(action="view:alert-queue")
    before = polls.count()
    unchanged = counted(client, "get", reverse("screening-queue"), HX_Request="true")
    grow(world, 1)  # a new alert: the next poll shows it and is audited
    changed = counted(client, "get", reverse("screening-queue"), HX_Request="true")
    assert polls.count() - before == 1
    # The change costs the audit event's head and INSERT, on PostgreSQL too (its lane is the connection's own).
    assert (unchanged[1], changed[1]) == (pinned("alert queue (live partial)"),
                                          pinned("alert queue (live partial)") + 2)


# The risk path: a self-harm answer raises its alert with its care-team messages inside the submission's
# transaction (under SQLite's one writer lock), and her result page says who has been told.
RISK_PINNED = {
    "self-harm submit": 36,  # was 39, 35 (and one read more since of her requests already due, as above): the
    # chain reads the site's staff once and its messages name the people it read (no second read of their
    # accounts), the alert reads its site's safety settings once (window and fallback contact), and a message is
    # inserted without a read first. One clinician is told here: each further message is
    # 4 statements (its link, savepoint, insert, release)
    "self-harm result": 12,  # was 15: the chain's staff and the site's safety settings read once each
}


@pytest.mark.parametrize("moment", [
    sydney(2026, 11, 30, 10),  # a Monday, open
    sydney(2026, 11, 30, 16, 50),  # open, but less of the day left than a clinician has to acknowledge
    sydney(2026, 11, 30, 17, 15),  # closed: the chain's first link is whoever is on call (nobody here)
    sydney(2026, 11, 28, 23),  # a Saturday night
])
def test_the_risk_path_costs_its_pinned_queries(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch, moment: datetime
) -> None:
    # The same count at any hour (it once cost one query more after closing time, and CI runs at any hour).
    monkeypatch.setattr(timezone, "now", lambda: moment)
    client = client_as(world.users["mother"])
    start = client.get(reverse("screening-start", kwargs={"instrument": "phq9"}))
    url = start["Location"]
    answers = {key: str(value) for key, value in PHQ9_SELF_HARM.items()}
    submitted = counted(client, "post", url, {"view": "all", "go": "submit", **answers})
    latest = Assessment.objects.filter(mother=world.mother_a).latest("id")
    shown = counted(client, "get", reverse("screening-result", args=[latest.pk]))
    assert (submitted[0], shown[0]) == (302, 200)
    assert {"self-harm submit": submitted[1], "self-harm result": shown[1]} == RISK_PINNED
