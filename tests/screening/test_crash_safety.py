"""Nothing is lost between the database and the mail server: the alert and its messages commit together with
the answers, nothing is sent inside the request, and a worker dying mid-way leaves the message to another."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bondwell.screening import jobs
from bondwell.screening.models import Assessment, Notification, RiskAlert
from bondwell.screening.outbox import CLAIM_SECONDS, claim_due, deliver_due
from tests.screening.helpers import PHQ9_SELF_HARM, paper


def test_nothing_is_sent_inside_the_request_and_the_worker_sends_it_after_commit(world: Any, smtp: Any) -> None:
    paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM)
    # The web process could die right here: the answers, the alert and its message are all committed.
    assert smtp.messages == []
    pending = Notification.objects.get(status="pending")
    assert pending.alert is not None
    assert pending.recipient == "clinician@a.test"
    jobs.deliver(timezone.now())
    assert smtp.ids() == [str(pending.pk)]


def test_if_writing_the_message_fails_the_answers_and_the_alert_roll_back_too(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Notification.objects, "get_or_create", broken)
    with pytest.raises(RuntimeError):
        paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM)
    assert not Assessment.objects.exists()
    assert not RiskAlert.objects.exists()


def test_a_worker_that_dies_after_claiming_leaves_the_message_to_the_next_worker(world: Any, smtp: Any) -> None:
    t0 = timezone.now()
    paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM, now=t0)
    claimed = claim_due(t0)  # a worker claims the message ... and its process is killed before sending
    assert len(claimed) == 1
    jobs.deliver(t0 + timedelta(seconds=30))  # another worker does not take a live claim
    assert smtp.messages == []
    jobs.deliver(t0 + timedelta(seconds=CLAIM_SECONDS))  # the claim has run out: sent, once
    assert smtp.ids() == [str(claimed[0].notification_id)]
    jobs.deliver(t0 + timedelta(seconds=2 * CLAIM_SECONDS))
    assert len(smtp.messages) == 1


def test_a_late_worker_cannot_mark_a_message_it_no_longer_holds(world: Any, smtp: Any) -> None:
    from bondwell.screening.outbox import _record_failure

    t0 = timezone.now()
    paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM, now=t0)
    stale = claim_due(t0)[0]
    jobs.deliver(t0 + timedelta(seconds=CLAIM_SECONDS))  # the next worker sends it
    notification = Notification.objects.get(pk=stale.notification_id)
    _record_failure(notification, stale, t0 + timedelta(seconds=CLAIM_SECONDS + 1), "late timeout")
    notification.refresh_from_db()
    assert notification.status == "sent", "a stale claim must not put a sent message back in the queue"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_notification_twice_on_postgresql(smtp: Any) -> None:
    from django.db import connection

    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(recipient=f"p{i}@a.test", subject="s", body="b", purpose="reminder", dedupe_key=f"n{i}",
                     next_attempt_at=now)
        for i in range(60)
    )
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            while deliver_due(now, limit=5):
                pass
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    ids = smtp.ids()
    assert len(ids) == 60
    assert len(set(ids)) == 60
    assert Notification.objects.filter(status="sent").count() == 60


sent_by_test_channel: list[str] = []


class RecordingChannel:
    """A channel configured by name, as an SMS or webhook channel would be."""

    def send(self, notification: Notification) -> None:
        sent_by_test_channel.append(notification.recipient)


def test_channels_are_pluggable_by_name(settings: Any, db: None) -> None:
    sent_by_test_channel.clear()
    settings.BONDWELL_NOTIFICATION_CHANNELS = {"sms": "tests.screening.test_crash_safety.RecordingChannel"}
    now = timezone.now()
    Notification.objects.create(
        channel="sms", recipient="+61400000000", subject="s", body="b", purpose="reminder", dedupe_key="sms-1",
        next_attempt_at=now,
    )
    Notification.objects.create(
        channel="pager", recipient="x", subject="s", body="b", purpose="reminder", dedupe_key="pager-1",
        next_attempt_at=now,
    )
    assert jobs.deliver(now) == 1
    assert sent_by_test_channel == ["+61400000000"]
    unknown = Notification.objects.get(channel="pager")
    assert unknown.status == "pending"
    assert "no channel" in unknown.last_error
