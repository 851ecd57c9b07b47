"""The alert queue's live rows answer a conditional poll: an unchanged list is 304 without being drawn, still
audited by the list rule; anything the rows show changing (an alert, its mother, who acknowledged, the minutes
left or since it was raised) gives new rows; validators are per user and per session."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts import list_audit
from bondwell.accounts.models import AuditEvent
from bondwell.screening import services
from bondwell.screening.queue_rows import drawn_rows
from bondwell.screening.services import acknowledge_alert
from tests.screening.helpers import LIVE, PHQ9_SELF_HARM, PHQ9_SEVERE, alert_for, draft_for, paper

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture(autouse=True)
def no_rows_drawn() -> Any:
    """Each test starts with no row drawn by an earlier one (the process keeps rows it has drawn)."""
    drawn_rows.clear()
    yield
    drawn_rows.clear()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The server's clock, held still (two polls a few ms apart may otherwise fall in different minutes)."""

    class Clock:
        now = timezone.now()

        def move(self, **delta: float) -> None:
            self.now = self.now + timedelta(**delta)

    held = Clock()
    monkeypatch.setattr(timezone, "now", lambda: held.now)
    return held


def poll(client: Any, etag: str = "") -> Any:
    headers = dict(LIVE, **({"If-None-Match": etag} if etag else {}))
    return client.get(reverse("screening-queue"), headers=headers)


def queue_events() -> int:
    return AuditEvent.objects.filter(action="view:alert-queue").count()


def test_an_unchanged_list_answers_304_without_drawing_the_rows(world: Any, client_as: Any, clock: Any) -> None:
    alert_for(world.mother_a, world.users["clinician"])
    client = client_as(world.users["clinician"])
    page = client.get(reverse("screening-queue"))
    # The page carries the validator of the rows it drew: the first poll of an unchanged list is already a 304.
    found = re.search(r'id="alert-rows"[^>]* data-etag="([^"]+)"', page.content.decode())
    assert found is not None
    etag = found.group(1).replace("&quot;", '"')
    unchanged = poll(client, etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.templates == []  # nothing rendered
    assert unchanged["ETag"] == etag
    assert "no-store" in unchanged["Cache-Control"]  # still never kept by a browser or a proxy
    fresh = poll(client)
    assert fresh.status_code == 200
    assert fresh["ETag"] == etag
    assert [t.name for t in fresh.templates] == ["screening/queue_row.html"]
    assert poll(client, f'"other", {etag}').status_code == 304  # a list of validators, as HTTP allows
    assert poll(client, f"W/{etag}").status_code == 304  # marked weak by a proxy that compressed it


@pytest.mark.parametrize("change", ["new alert", "acknowledged", "mother's phone", "a minute later",
                                    "an alert becomes overdue"])
def test_anything_the_rows_show_changing_draws_them_again(
    world: Any, client_as: Any, clock: Any, change: str
) -> None:
    clinician = world.users["clinician"]
    alert = alert_for(world.mother_a, clinician)
    if change == "an alert becomes overdue":  # due in 20 s: "0 min left", then "overdue by 0 min" and first
        type(alert).objects.filter(pk=alert.pk).update(ack_due_at=clock.now + timedelta(seconds=20))
    client = client_as(clinician)
    before = poll(client)
    assert before.status_code == 200
    if change == "new alert":
        alert_for(world.mother_a2, clinician)
    elif change == "acknowledged":
        acknowledge_alert(alert, by=clinician)
    elif change == "mother's phone":
        type(world.mother_a).objects.filter(pk=world.mother_a.pk).update(phone="+61400000999")
    elif change == "a minute later":
        clock.move(minutes=1)  # "… min left" and "raised … ago" move on
    else:
        clock.move(seconds=30)
    after = poll(client, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content


def test_the_validator_moves_with_the_minutes_shown_not_with_the_seconds(
    world: Any, client_as: Any, clock: Any
) -> None:
    alert = alert_for(world.mother_a, world.users["clinician"])
    client = client_as(world.users["clinician"])
    clock.now = alert.raised_at + timedelta(seconds=10)
    first = poll(client)
    clock.now = alert.raised_at + timedelta(seconds=50)  # the same minutes left, raised "0 minutes" ago
    assert poll(client, first["ETag"]).status_code == 304
    clock.now = alert.raised_at + timedelta(seconds=70)  # a minute less left, raised "1 minute" ago
    moved = poll(client, first["ETag"])
    assert moved.status_code == 200
    assert "1\xa0minute ago" in moved.content.decode()


def test_validators_are_per_user_and_per_session(world: Any, client_as: Any, clock: Any) -> None:
    alert_for(world.mother_a, world.users["clinician"])
    clinician = client_as(world.users["clinician"])
    etag = poll(clinician)["ETag"]
    lead = Client()
    lead.force_login(world.users["site_lead"], backend="django.contrib.auth.backends.ModelBackend")
    assert poll(lead, etag).status_code == 200  # same alerts, another person (she sees no answers)
    again = Client()
    again.force_login(world.users["clinician"], backend="django.contrib.auth.backends.ModelBackend")
    assert poll(again, etag).status_code == 200  # the same clinician in another session


def test_a_304_poll_is_audited_by_the_list_rule(
    world: Any, client_as: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    alert_for(world.mother_a, world.users["clinician"])
    client = client_as(world.users["clinician"])
    etag = poll(client)["ETag"]
    assert queue_events() == 1
    assert poll(client, etag).status_code == 304
    assert queue_events() == 1  # the same alerts as the audited poll: not written again
    later = time.time() + list_audit.LIST_AUDIT_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the cache's clock: the remembered list has expired
    assert poll(client, etag).status_code == 304
    assert queue_events() == 2  # shown for another period: audited, though nothing was drawn


def test_the_etag_is_no_query_more_than_the_poll(world: Any, client_as: Any, clock: Any,
                                                 django_assert_num_queries: Any) -> None:
    from tests.perf.test_query_counts import pinned

    alert_for(world.mother_a, world.users["clinician"])
    client = client_as(world.users["clinician"])
    etag = poll(client)["ETag"]
    with django_assert_num_queries(pinned("alert queue (live partial)")):
        assert poll(client, etag).status_code == 304


@pytest.mark.browser
def test_in_a_browser_an_unchanged_poll_keeps_the_rows_and_a_changed_one_draws_them(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    from tests.conftest import browser_login, make_world

    world = make_world()
    alert_for(world.mother_a, world.users["clinician"])
    page = new_page(1024, 800)
    browser_login(page, live_server.url, "clinician@a.test")
    page.goto(f"{live_server.url}{reverse('screening-queue')}")
    url = reverse("screening-queue")
    poll_now = f"htmx.ajax('GET', '{url}', {{source: '#alert-rows', target: '#alert-rows', swap: 'innerHTML'}})"

    def polled() -> Any:
        with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as answer:
            page.evaluate(poll_now)
        page.wait_for_load_state("networkidle")
        return answer.value

    first = polled()
    if first.status == 200:  # a minute shown moved on between the page and the poll (rare): poll once more
        first = polled()
    assert first.status == 304  # the validator the page (or the last poll) carried: nothing changed
    assert first.request.headers.get("if-none-match")
    assert page.locator("#alert-rows tr.alert-row").count() == 1  # the rows stay
    alert_for(world.mother_a2, world.users["clinician"])
    second = polled()
    assert second.status == 200
    assert page.locator("#alert-rows tr.alert-row").count() == 2
    third = polled()  # the new rows' validator is sent back
    assert third.request.headers.get("if-none-match") == second.headers.get("etag")
    assert third.status in (200, 304)  # 200 only if a minute shown has just moved on
    assert page.locator("#alert-rows tr.alert-row").count() == 2


def rows_of(html: str) -> list[str]:
    return re.findall(r'<tr class="alert-row.*?</tr>', html, flags=re.S)


def test_a_row_is_drawn_once_per_content_and_again_when_anything_it_shows_changes(
    world: Any, client_as: Any, clock: Any
) -> None:
    clinician = world.users["clinician"]
    first, second = alert_for(world.mother_a, clinician), alert_for(world.mother_a2, clinician)
    client = client_as(clinician)
    page = client.get(reverse("screening-queue")).content.decode()
    drawn = poll(client)
    assert [t.name for t in drawn.templates] == ["screening/queue_row.html"] * 2
    assert rows_of(drawn.content.decode()) == rows_of(page)  # the same rows as the whole page draws
    again = poll(client)  # nothing changed, no validator sent: the same rows, none drawn again
    assert again.status_code == 200
    assert again.templates == []
    assert again.content == drawn.content
    acknowledge_alert(first, by=clinician)
    after = poll(client)
    assert [t.name for t in after.templates] == ["screening/queue_row.html"]  # only the acknowledged row
    assert after.content.decode().count("Acknowledged by") == 1
    assert str(second.pk) in after.content.decode()
    assert rows_of(after.content.decode()) == rows_of(client.get(reverse("screening-queue")).content.decode())


def test_a_kept_row_never_shows_what_the_reader_may_not_see(world: Any, client_as: Any, clock: Any) -> None:
    """The site lead never reads answers: a row a clinician had drawn (with the answer ticked) is not reused."""
    alert_for(world.mother_a, world.users["clinician"])
    clinician_rows = poll(client_as(world.users["clinician"])).content.decode()
    assert "Item 9" in clinician_rows
    lead = Client()
    lead.force_login(world.users["site_lead"], backend="django.contrib.auth.backends.ModelBackend")
    lead_rows = poll(lead)
    assert [t.name for t in lead_rows.templates] == ["screening/queue_row.html"]
    assert "Item 9" not in lead_rows.content.decode()


def test_rows_of_every_kind_read_only_what_they_show_in_one_query(
    world: Any, client_as: Any, clock: Any, django_assert_num_queries: Any
) -> None:
    """An alert from a sent questionnaire, one raised while she was still answering (from her draft), an urgent
    total and an acknowledged one: their trigger words and who acknowledged come from the rows' one query (the
    columns a row does not show are never read, and reading one would cost a query per row)."""
    clinician = world.users["clinician"]
    acknowledge_alert(alert_for(world.mother_a, clinician), by=clinician)
    paper(world.mother_a2, clinician, PHQ9_SEVERE)
    services.save_answers(draft_for(world.mother_a), PHQ9_SELF_HARM, by=world.users["mother"])
    client = client_as(clinician)
    poll(client)  # the first poll renews the session and audits the list shown
    drawn_rows.clear()  # every row drawn again
    with django_assert_num_queries(3):  # session, user, the rows
        rows = poll(client).content.decode()
    assert len(rows_of(rows)) == 3
    assert f"Acknowledged by {clinician.full_name}" in rows
    assert rows.count("Item 9") == 2  # from the assessment and from the draft
    assert "Total 24:" in rows
