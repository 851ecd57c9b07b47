"""The REST API: scoped like the web pages, state changes through the same services, problems for bad input."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bondwell.accounts.models import AuditEvent
from bondwell.screening.models import Assessment, RiskAlert
from tests.api.conftest import assert_problem
from tests.screening.helpers import PHQ9_CALM, PHQ9_SELF_HARM, paper

URL = "/api/v1"


def _submit(client: Any, mother: Any, answers: dict[str, int], key: str = "key-0000001", **extra: Any) -> Any:
    body = {"instrument": "phq9", "answers": answers, "client_key": key, **extra}
    return client.post(f"{URL}/mothers/{mother.pk}/assessments", body)


def test_mothers_are_listed_as_the_scoping_layer_says(world: Any, api_as: Any) -> None:
    seen = {}
    for role in ("mother", "educator", "clinician", "site_lead", "researcher", "admin"):
        response = api_as(role).get(f"{URL}/mothers")
        assert response.status_code == 200
        seen[role] = {m["full_name"] for m in response.json()["items"]}
    assert seen["mother"] == {"Mother A"}
    assert seen["educator"] == {"Mother A"}  # only the mothers in her classes
    assert seen["clinician"] == seen["site_lead"] == {"Mother A", "Mother A Two"}
    assert seen["researcher"] == seen["admin"] == set()


def test_another_sites_mother_is_not_found(world: Any, api_as: Any) -> None:
    client = api_as("clinician")
    assert client.get(f"{URL}/mothers/{world.mother_a.pk}").status_code == 200
    body = assert_problem(client.get(f"{URL}/mothers/{world.mother_b.pk}"), 404)
    assert "Mother B" not in str(body)
    assert_problem(_submit(client, world.mother_b, PHQ9_CALM), 404)
    assert not Assessment.objects.filter(mother=world.mother_b).exists()


def test_submission_scores_and_alerts_as_the_web_path_and_is_idempotent(world: Any, api_as: Any) -> None:
    client = api_as("clinician")
    web = paper(world.mother_a2, world.users["clinician"], PHQ9_SELF_HARM)
    response = _submit(client, world.mother_a, PHQ9_SELF_HARM, answered_on=str(date.today()))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total"], body["band"], body["flags"]) == (web.total, web.band_key, web.flags)
    assert [a["kind"] for a in body["alerts"]] == [a.kind for a in web.risk_alerts.order_by("priority", "id")]
    assert RiskAlert.objects.filter(mother=world.mother_a).count() == 1
    again = _submit(client, world.mother_a, PHQ9_SELF_HARM)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Assessment.objects.filter(mother=world.mother_a).count() == 1
    assert RiskAlert.objects.filter(mother=world.mother_a).count() == 1
    assert AuditEvent.objects.filter(action="submit:assessment:paper", mother=world.mother_a).count() == 1
    # The same key for another mother is a conflict, not a second record.
    assert_problem(_submit(client, world.mother_a2, PHQ9_CALM), 409, "client_key")


def test_a_retry_of_an_answer_to_a_scheduled_questionnaire_returns_the_first(world: Any, api_as: Any) -> None:
    from bondwell.screening.services import schedule_questionnaire

    scheduled = schedule_questionnaire(world.mother_a, "phq9", date.today(), by=world.users["clinician"])
    client = api_as("clinician")
    first = _submit(client, world.mother_a, PHQ9_CALM, scheduled_id=scheduled.pk)
    assert first.status_code == 201, first.content
    scheduled.refresh_from_db()
    assert scheduled.status == "completed"
    again = _submit(client, world.mother_a, PHQ9_CALM, scheduled_id=scheduled.pk)
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]


def test_a_mother_submits_her_own_and_only_her_own(world: Any, api_as: Any) -> None:
    client = api_as("mother")
    response = _submit(client, world.mother_a, PHQ9_CALM)
    assert response.status_code == 201, response.content
    assert Assessment.objects.get(pk=response.json()["id"]).source == "mother"
    assert_problem(_submit(client, world.mother_a2, PHQ9_CALM, key="key-0000002"), 404)
    assert_problem(_submit(client, world.mother_a, {"q1": 0}, key="key-0000003"), 422, "answers.q2")


def test_roles_without_clinical_access_are_refused(world: Any, api_as: Any) -> None:
    for role in ("site_lead", "educator"):
        assert_problem(_submit(api_as(role), world.mother_a, PHQ9_CALM), 403)
    assert not Assessment.objects.exists()


def test_bad_input_is_a_problem_document_naming_the_field(world: Any, api_as: Any) -> None:
    client = api_as("clinician")
    path = f"{URL}/mothers/{world.mother_a.pk}/assessments"
    good = {"instrument": "phq9", "answers": PHQ9_CALM, "client_key": "key-0000009"}
    assert_problem(client.post(path, {**good, "colour": "blue"}), 422, "colour")
    assert_problem(client.post(path, {**good, "instrument": "xyz"}), 422, "instrument")
    assert_problem(client.post(path, {**good, "answers": {**PHQ9_CALM, "q3": 7}}), 422, "answers.q3")
    assert_problem(client.post(path, {**good, "answers": {**PHQ9_CALM, "q3": "x"}}), 422, "answers.q3")
    assert_problem(client.post(path, {**good, "answered_on": str(date.today() + timedelta(days=3))}), 422,
                   "answered_on")
    assert_problem(client.post(path, "{not json"), 400)
    assert_problem(client.post(path, {**good, "answers": {f"k{i}": 0 for i in range(2000)}}), 422, "answers")
    assert_problem(client.post(path, "x" * (3 * 1024 * 1024), content_type="text/plain"), 413)
    assert_problem(client.get(f"{URL}/mothers/99999999999999"), 422, "mother_id")
    assert_problem(client.get(f"{URL}/mothers", limit=1000), 422, "limit")
    assert_problem(client.get(f"{URL}/mothers", colour="blue"), 422, "colour")
    assert client.get(f"{URL}/mothers", limit=5).status_code == 200
    assert not Assessment.objects.exists()


def test_alerts_are_read_and_acknowledged_through_the_service(world: Any, api_as: Any) -> None:
    paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM)
    paper(world.mother_b, world.users_b["clinician"], PHQ9_SELF_HARM)
    client = api_as("site_lead")
    listed = client.get(f"{URL}/alerts").json()
    assert [a["mother_id"] for a in listed["items"]] == [world.mother_a.pk]
    alert_id = listed["items"][0]["id"]
    done = client.post(f"{URL}/alerts/{alert_id}/acknowledge")
    assert done.status_code == 200
    assert done.json()["status"] == "acknowledged"
    assert RiskAlert.objects.get(pk=alert_id).acknowledged_by == world.users["site_lead"]
    assert AuditEvent.objects.filter(action="acknowledge:alert", object_id=str(alert_id)).count() == 1
    foreign = RiskAlert.objects.get(mother=world.mother_b)
    assert_problem(client.post(f"{URL}/alerts/{foreign.pk}/acknowledge"), 404)
    assert RiskAlert.objects.get(pk=foreign.pk).status == "open"
    assert_problem(api_as("mother").get(f"{URL}/alerts"), 403)


def test_follow_ups_are_read_and_acknowledged_through_the_pathway_service(world: Any, api_as: Any) -> None:
    from bondwell.pathway.models import FollowUp

    paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM)
    paper(world.mother_b, world.users_b["clinician"], PHQ9_SELF_HARM)
    client = api_as("clinician")
    listed = client.get(f"{URL}/follow-ups").json()["items"]
    assert listed
    assert {f["mother_id"] for f in listed} == {world.mother_a.pk}
    taken = client.post(f"{URL}/follow-ups/{listed[0]['id']}/acknowledge")
    assert taken.status_code == 200, taken.content
    assert taken.json()["owner_id"] == world.users["clinician"].pk
    assert FollowUp.objects.get(pk=listed[0]["id"]).owner == world.users["clinician"]
    foreign = FollowUp.objects.filter(mother=world.mother_b).first()
    assert foreign is not None
    assert_problem(client.get(f"{URL}/follow-ups/{foreign.pk}"), 404)
    assert_problem(api_as("site_lead").post(f"{URL}/follow-ups/{listed[0]['id']}/acknowledge"), 403)


def test_practice_courses_and_bookings(world: Any, api_as: Any) -> None:
    mother = api_as("mother")
    started = (timezone.now() - timedelta(hours=2)).isoformat()
    body = {"started_at": started, "duration_seconds": 900, "client_token": "7f1c2b9e-4d6a-4f0e-9c5b-7a9d1e2f4a6c"}
    first = mother.post(f"{URL}/mothers/{world.mother_a.pk}/practice-sessions", body)
    assert first.status_code == 201, first.content
    assert mother.post(f"{URL}/mothers/{world.mother_a.pk}/practice-sessions", body).status_code == 200
    assert mother.get(f"{URL}/mothers/{world.mother_a.pk}/practice-sessions").json()["count"] == 1
    assert_problem(mother.post(f"{URL}/mothers/{world.mother_a.pk}/practice-sessions",
                               {**body, "started_at": "2026-01-01T10:00:00"}), 422, "started_at")
    educator = api_as("educator")
    assert educator.get(f"{URL}/mothers/{world.mother_a.pk}/practice-sessions").json()["count"] == 1
    assert_problem(educator.get(f"{URL}/mothers/{world.mother_a2.pk}/practice-sessions"), 404)
    courses = mother.get(f"{URL}/courses").json()["items"]
    assert [c["title"] for c in courses] == ["Baby massage"]
    bookings = mother.get(f"{URL}/bookings").json()["items"]
    assert [b["mother_id"] for b in bookings] == [world.mother_a.pk]
    assert api_as("clinician").post(f"{URL}/courses/{courses[0]['id']}/bookings",
                                    {"mother_id": world.mother_a2.pk}).status_code == 201
    assert_problem(api_as("clinician").post(f"{URL}/courses/{courses[0]['id']}/bookings",
                                            {"mother_id": world.mother_b.pk}), 404)
    assert_problem(api_as("clinician", ["courses:read"]).get(f"{URL}/bookings"), 403)
    cancelled = mother.post(f"{URL}/bookings/{bookings[0]['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


def test_every_request_is_audited_with_its_token(world: Any, api_as: Any) -> None:
    client = api_as("clinician")
    client.get(f"{URL}/mothers")
    client.get(f"{URL}/mothers/{world.mother_a.pk}")
    uses = AuditEvent.objects.filter(action="api:use", actor=world.users["clinician"])
    assert uses.count() == 2
    assert AuditEvent.objects.filter(action="api:view:mother", mother=world.mother_a).count() == 1


def test_unknown_paths_and_methods_answer_in_the_apis_terms(world: Any, api_as: Any) -> None:
    client = api_as("clinician")
    assert_problem(client.get(f"{URL}/nothing-here"), 404)
    assert_problem(client.get(f"{URL}/"), 404)
    refused = assert_problem(client.client.delete(f"{URL}/mothers", headers=client.headers), 405)
    assert "GET" in refused["detail"]
    fhir = client.client.put("/fhir/R4/metadata", headers=client.headers)
    assert fhir.status_code == 405
    assert fhir.json()["resourceType"] == "OperationOutcome"
    assert client.get("/fhir/R4/Nothing").json()["resourceType"] == "OperationOutcome"


def test_a_nul_character_is_refused_in_the_apis_own_terms(world: Any, api_as: Any) -> None:
    client = api_as("clinician")
    assert_problem(client.get(f"{URL}/alerts", status="op\x00en"), 422, "status")
    assert_problem(client.get(f"{URL}/mothers", **{"q\x00": "1"}), 422)
    fhir = client.get("/fhir/R4/QuestionnaireResponse", patient="1\x00")
    assert fhir.status_code == 422
    assert fhir.json()["resourceType"] == "OperationOutcome"


def test_an_api_submission_without_a_date_is_dated_on_the_tokens_site_clock(
    world: Any, api_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    late_in_london = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("Europe/London"))  # Sydney: the 2nd
    monkeypatch.setattr(timezone, "now", lambda: late_in_london)
    client = api_as(world.users_b["clinician"])
    body = {"instrument": "phq9", "answers": PHQ9_CALM, "client_key": "key-london-01"}
    response = client.post(f"{URL}/mothers/{world.mother_b.pk}/assessments", body)
    assert response.status_code == 201, response.content
    assert Assessment.objects.get(mother=world.mother_b).answered_on == date(2026, 12, 1)
    assert timezone.get_current_timezone_name() == "Australia/Sydney", "the next request starts on the server's"
