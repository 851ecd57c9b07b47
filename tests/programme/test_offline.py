"""Offline practice on the server's side: the practice-log endpoint saves a session once whatever the number of
sends (its token is the idempotency key), the service worker keeps the routine and never a questionnaire, the
offline page says questionnaires need a connection, and the kept guided session carries the safety check."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bondwell.programme.content import load_content
from bondwell.programme.models import PracticeLog


def _session(token: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "token": str(token), "started_epoch_ms": int((timezone.now() - timedelta(days=2)).timestamp() * 1000),
        "duration_seconds": 600, "steps_completed": 9, "steps_total": 22, "outcome": "stopped_early",
        "mood_before": "2", "mood_after": "", "baby_response": "calm",
    }
    data.update(overrides)
    return data


def _send(client: Any, data: dict[str, Any]) -> Any:
    return client.post(reverse("programme-practice-log"), json.dumps(data), content_type="application/json")


def test_a_session_sent_three_times_is_saved_once(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    token = uuid.uuid4()
    first = _send(client, _session(token))
    assert first.status_code == 201
    assert first.json()["saved"] is True
    for _ in range(2):
        again = _send(client, _session(token))
        assert again.status_code == 200
        assert again.json() == {"id": first.json()["id"], "saved": False}
    log = PracticeLog.objects.get(mother=world.mother_a)
    assert (log.client_token, log.outcome, log.steps_completed, log.guided) == (token, "stopped_early", 9, True)
    assert log.mood_after is None
    assert timezone.now() - log.started_at > timedelta(days=1)  # when she practised, not when it was sent


def test_a_malformed_or_too_old_session_is_refused_and_saves_nothing(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    bad = client.post(reverse("programme-practice-log"), "not json", content_type="application/json")
    assert bad.status_code == 400
    assert _send(client, _session(uuid.uuid4(), duration_seconds=0)).status_code == 400
    old = int((timezone.now() - timedelta(days=45)).timestamp() * 1000)
    assert _send(client, _session(uuid.uuid4(), started_epoch_ms=old)).status_code == 400
    assert not PracticeLog.objects.exists()


def test_only_a_mother_sends_her_own_sessions(world: Any, client_as: Any) -> None:
    client = client_as(world.users["educator"])
    assert _send(client, _session(uuid.uuid4())).status_code == 403
    assert not PracticeLog.objects.exists()


def test_the_service_worker_keeps_the_routine_and_never_a_questionnaire(client: Any) -> None:
    response = client.get(reverse("service-worker"))
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    text = response.content.decode()
    pages = json.loads(text.split("var PAGES = ", 1)[1].split(";", 1)[0])
    assert pages == ["/programme/routine/", "/practice/guided/", "/practice/guided/offline/", "/offline/"]
    assert "/static/programme/guided.js" in text
    assert "screening" not in text
    assert "questionnaire" not in " ".join(pages)


def test_the_manifest_names_the_app_and_its_icons(client: Any) -> None:
    data = client.get(reverse("web-manifest")).json()
    assert data["start_url"] == "/practice/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_offline_page_says_questionnaires_need_a_connection(client: Any) -> None:
    page = client.get(reverse("offline")).content.decode()
    assert "Questionnaires cannot be answered offline" in page
    assert "call your local emergency number" in page


def test_the_kept_guided_session_carries_every_blocking_question(world: Any, client_as: Any) -> None:
    page = client_as(world.users["mother"]).get(reverse("programme-guided-offline")).content.decode()
    content = load_content()
    for question in content.safety_check:
        marker = "data-safety-key" if question.blocks else "data-safety-advice"
        assert f'{marker}="{question.key}"' in page
    assert 'name="token" value=""' in page  # her phone makes the session's token
    assert page.count('data-phase="step"') == len(content.routine.steps)
