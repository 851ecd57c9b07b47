"""The one outbox: each send isolated, every attempt recorded, permanent failures marked and shown to the site lead,
times stamped when each message went, claims of a dead worker released, nothing sent inside a transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from bondwell.notify import outbox
from bondwell.notify.models import Attempt, Channel, Message, Purpose
from bondwell.notify.outbox import CLAIM_SECONDS, MAX_ROUTINE_ATTEMPTS, claim_next, deliver_due
from tests.notify.conftest import MONDAY_10AM
from tests.threads import run_together


def _queue(world: Any, recipient: str, key: str, channel: str = Channel.EMAIL, **extra: Any) -> Message:
    return outbox.queue(
        channel=channel, recipient=recipient, purpose=extra.pop("purpose", Purpose.REMINDER), dedupe_key=key,
        now=extra.pop("now", MONDAY_10AM), subject="Hello", body="A message with no names.\n", site=world.site_a,
        **extra,
    )


def test_a_malformed_recipient_leaves_every_other_message_delivered_on_time_and_is_shown_to_the_lead(
    world: Any, smtp: Any, client_as: Any
) -> None:
    good = [_queue(world, f"person{i}@a.test", f"good-{i}") for i in range(4)]
    # The newline would make Django refuse the header mid-batch; it is caught when queued...
    newline = _queue(world, "fallback@a.test\n", "bad-newline")
    # ... and one written around the validation (an old row, another writer) fails alone at send time,
    injected = Message.objects.create(channel=Channel.EMAIL, recipient="on call@a.test", subject="s", body="b",
                                      purpose=Purpose.ALERT, dedupe_key="bad-space", site=world.site_a, urgent=True,
                                      created_at=MONDAY_10AM, next_attempt_at=MONDAY_10AM)
    # ... as does an address the mail server refuses.
    refused = _queue(world, "nobody@gone.invalid", "bad-refused")
    assert newline.status == "failed"

    sent = deliver_due(MONDAY_10AM)

    assert sent == 4
    for message in good:
        message.refresh_from_db()
        assert message.status == "sent"
        assert message.sent_at is not None
        assert MONDAY_10AM <= message.sent_at < MONDAY_10AM + timedelta(seconds=30)
    assert sorted(str(m["To"]) for m in smtp.messages) == [f"person{i}@a.test" for i in range(4)]
    for bad in (newline, injected, refused):
        bad.refresh_from_db()
        assert bad.status == "failed", bad.recipient
        assert bad.last_error
    assert Attempt.objects.filter(message=injected, ok=False, permanent=True).count() == 1
    assert Attempt.objects.filter(message=refused, ok=False, permanent=True).count() == 1
    assert "refused" in refused.last_error

    client = client_as(world.users["site_lead"])
    home = client.get(reverse("home")).content.decode()
    assert "3 messages could not be sent" in home
    page = client.get(reverse("notify-undelivered")).content.decode()
    for bad in ("nobody@gone.invalid", "on call@a.test"):
        assert bad in page
    other_lead = client_as(world.users_b["site_lead"]).get(reverse("notify-undelivered")).content.decode()
    assert "nobody@gone.invalid" not in other_lead, "another site's failures are not hers"


def test_each_message_is_stamped_when_it_went_not_when_the_batch_began(world: Any, smtp: Any) -> None:
    smtp.delay = 0.3
    messages = [_queue(world, f"p{i}@a.test", f"slow-{i}") for i in range(3)]
    deliver_due(MONDAY_10AM)
    stamps = []
    for message in messages:
        message.refresh_from_db()
        stamps.append(message.sent_at)
    assert stamps[0] is not None
    assert stamps[0] >= MONDAY_10AM + timedelta(seconds=0.25)
    assert stamps[1] - stamps[0] >= timedelta(seconds=0.25)
    assert stamps[2] - stamps[1] >= timedelta(seconds=0.25)
    attempts = list(Attempt.objects.filter(message__in=messages).order_by("started_at"))
    assert all(a.finished_at - a.started_at >= timedelta(seconds=0.25) for a in attempts)


def test_nothing_is_sent_inside_the_transaction_that_queues_it(world: Any, smtp: Any) -> None:
    with transaction.atomic():
        _queue(world, "p@a.test", "in-tx")
        assert smtp.messages == []
    assert smtp.messages == []
    deliver_due(MONDAY_10AM)
    assert len(smtp.messages) == 1


def test_the_same_event_is_queued_once(world: Any) -> None:
    first = _queue(world, "p@a.test", "same")
    again = _queue(world, "p@a.test", "same")
    assert first.pk == again.pk
    assert Message.objects.count() == 1


def test_routine_messages_give_up_after_bounded_attempts_urgent_ones_never(world: Any, smtp: Any) -> None:
    smtp.stop()
    routine = _queue(world, "m@a.test", "routine")
    urgent = _queue(world, "c@a.test", "urgent", purpose=Purpose.ALERT, urgent=True)
    moment = MONDAY_10AM
    for _ in range(MAX_ROUTINE_ATTEMPTS + 2):
        moment += timedelta(hours=1)
        deliver_due(moment)
    routine.refresh_from_db()
    urgent.refresh_from_db()
    assert routine.status == "failed"
    assert routine.attempts == MAX_ROUTINE_ATTEMPTS
    assert urgent.status == "pending"
    assert urgent.attempts == MAX_ROUTINE_ATTEMPTS + 2
    assert urgent.next_attempt_at <= moment + timedelta(minutes=3), "urgent retries stay frequent"
    assert Attempt.objects.filter(message=urgent, ok=False).count() == MAX_ROUTINE_ATTEMPTS + 2


def test_urgent_messages_are_claimed_first(world: Any) -> None:
    _queue(world, "m@a.test", "routine-first", now=MONDAY_10AM - timedelta(minutes=5))
    urgent = _queue(world, "c@a.test", "urgent-later", purpose=Purpose.ALERT, urgent=True)
    claim = claim_next(MONDAY_10AM, "test-worker")
    assert claim is not None
    assert claim.message_id == urgent.pk


def test_a_live_claim_is_left_alone_and_an_expired_one_is_taken_over_once(world: Any, smtp: Any) -> None:
    message = _queue(world, "p@a.test", "claimed")
    claim = claim_next(MONDAY_10AM, "elsewhere:1:abc")  # a worker on another host, never heard from again
    assert claim is not None
    deliver_due(MONDAY_10AM + timedelta(seconds=30))
    assert smtp.messages == []
    deliver_due(MONDAY_10AM + timedelta(seconds=CLAIM_SECONDS))
    assert smtp.ids() == [str(message.pk)]
    # The late worker cannot mark what it no longer holds.
    outbox._record_failure(message, claim, MONDAY_10AM, MONDAY_10AM, "late timeout", permanent=False)
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_claim_of_a_worker_whose_process_is_gone_is_released_in_the_next_cycle(world: Any, smtp: Any) -> None:
    import socket
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a real process id on this host that no longer runs
    message = _queue(world, "p@a.test", "dead-claim")
    assert claim_next(MONDAY_10AM, f"{socket.gethostname()[:60]}:{gone.pid}:dead") is not None
    deliver_due(MONDAY_10AM + timedelta(seconds=5))  # the very next cycle, long before the claim runs out
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_message_for_a_deactivated_person_is_not_sent(world: Any, smtp: Any) -> None:
    from bondwell.accounts.models import User

    clinician = world.users["clinician"]
    message = _queue(world, clinician.email, "for-her", user=clinician)
    User.objects.filter(pk=clinician.pk).update(is_active=False)  # deactivated by another path, mid-queue
    deliver_due(MONDAY_10AM)
    message.refresh_from_db()
    assert message.status == "cancelled"
    assert smtp.messages == []


def test_an_unexpected_error_in_one_transport_does_not_stop_the_batch(
    world: Any, smtp: Any, sms: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bondwell.notify import channels

    def broken(self: Any, to: str, body: str, key: str) -> str:
        raise KeyError("a bug in a provider adapter")

    monkeypatch.setattr(channels.TwilioSms, "send_sms", broken)
    text = _queue(world, "+61412000001", "text", channel=Channel.SMS, urgent=True)
    mail = _queue(world, "p@a.test", "mail")
    assert deliver_due(MONDAY_10AM) == 1
    text.refresh_from_db()
    mail.refresh_from_db()
    assert mail.status == "sent"
    assert text.status == "pending"
    assert "KeyError" in text.last_error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_workers_never_send_the_same_message_twice_on_postgresql(smtp: Any) -> None:

    Message.objects.bulk_create(
        Message(channel="email", recipient=f"p{i}@a.test", subject="s", body="b", purpose="reminder",
                dedupe_key=f"n{i}", created_at=MONDAY_10AM, next_attempt_at=MONDAY_10AM)
        for i in range(60)
    )

    def worker(name: str) -> None:
        while deliver_due(MONDAY_10AM, limit=5, worker=name):
            pass

    run_together([lambda i=i: worker(f"host:{i}:w") for i in range(3)])
    ids = smtp.ids()
    assert len(ids) == 60
    assert len(set(ids)) == 60
    assert Message.objects.filter(status="sent").count() == 60


def test_a_worker_busy_with_a_slow_mail_server_keeps_beating_so_it_is_not_taken_for_dead(
    world: Any, smtp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bondwell.notify import heartbeat
    from bondwell.notify.models import WorkerHeartbeat

    monkeypatch.setattr(heartbeat, "in_worker", True)
    monkeypatch.setattr(heartbeat, "BEAT_EVERY_SECONDS", 0.2)
    smtp.delay = 0.3
    for i in range(3):
        _queue(world, f"p{i}@a.test", f"busy-{i}")
    heartbeat.beat(MONDAY_10AM)
    deliver_due(MONDAY_10AM)
    row = WorkerHeartbeat.objects.get(worker_id=heartbeat.worker_id())
    assert row.beat_at >= MONDAY_10AM + timedelta(seconds=0.5), "it beat while sending, not only between cycles"


def test_a_claim_outlasts_the_longest_a_send_may_take(settings: Any) -> None:
    from bondwell.notify.outbox import claim_length

    settings.EMAIL_TIMEOUT = 10
    settings.SMS_BACKEND = {}
    assert claim_length() == timedelta(seconds=CLAIM_SECONDS)
    settings.EMAIL_TIMEOUT = 300
    assert claim_length() == timedelta(seconds=630)
