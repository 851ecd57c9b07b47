"""Nothing is lost between the database and the mail server: the alert and its messages commit together with
the answers, and nothing is sent inside the request. (Claims, dead workers and concurrent workers:
tests/notify/test_outbox.py and tests/notify/test_worker_process.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from bondwell.notify.jobs import deliver
from bondwell.notify.models import Message
from bondwell.screening.models import Assessment, RiskAlert
from tests.notify.helpers import mother_answers
from tests.screening.helpers import PHQ9_SELF_HARM

MONDAY_10AM = timezone.make_aware(timezone.datetime(2026, 11, 23, 10, 0))


def test_nothing_is_sent_inside_the_request_and_the_worker_sends_it_after_commit(world: Any, smtp: Any) -> None:
    mother_answers(world, PHQ9_SELF_HARM, now=MONDAY_10AM)
    # The web process could die right here: the answers, the alert and its message are all committed.
    assert smtp.messages == []
    pending = Message.objects.get(status="pending")
    assert pending.topic.startswith("alert:")
    assert pending.recipient == "clinician@a.test"
    deliver(MONDAY_10AM)
    assert smtp.ids() == [str(pending.pk)]


def test_if_writing_the_message_fails_the_answers_and_the_alert_roll_back_too(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Message.objects, "create", broken)
    with pytest.raises(RuntimeError):
        mother_answers(world, PHQ9_SELF_HARM, now=MONDAY_10AM)
    assert not Assessment.objects.exists()
    assert not RiskAlert.objects.exists()
