"""FHIR R4: resources validated with fhir.resources; a QuestionnaireResponse POST scores and alerts once."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from bondwell.screening.models import Assessment, RiskAlert
from tests.api.conftest import ApiClient
from tests.screening.helpers import EPDS_CALM, PHQ9_CALM, PHQ9_SELF_HARM, paper

FHIR = "/fhir/R4"
FHIR_JSON = "application/fhir+json"


def _response(mother: Any, answers: dict[str, int], identifier: str = "visit-42") -> dict[str, Any]:
    system = "urn:bondwell:questionnaire:phq9:option-position"
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "urn:example:maternity-emr", "value": identifier},
        "questionnaire": "urn:bondwell:questionnaire:phq9|1.0.0",
        "status": "completed",
        "subject": {"reference": f"Patient/{mother.pk}"},
        "authored": f"{date.today().isoformat()}T09:30:00+10:00",
        "item": [{"linkId": k, "answer": [{"valueCoding": {"system": system, "code": str(v)}}]}
                 for k, v in answers.items()],
    }


def _post(client: ApiClient, body: Any) -> Any:
    return client.post(f"{FHIR}/QuestionnaireResponse", body, content_type=FHIR_JSON)


def test_capability_statement_is_valid_r4() -> None:
    response = ApiClient(None).get(f"{FHIR}/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == FHIR_JSON
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.fhirVersion == "4.0.1"
    assert {r.type for r in statement.rest[0].resource} == {
        "Questionnaire", "QuestionnaireResponse", "Observation", "Patient"}


def test_phq9_item_9_positive_creates_one_assessment_and_one_alert_and_a_repeat_none(
    world: Any, api_as: Any
) -> None:
    client = api_as("clinician", ["fhir:write"])
    first = _post(client, _response(world.mother_a, PHQ9_SELF_HARM))
    assert first.status_code == 201, first.content
    created = QuestionnaireResponse.model_validate(first.json())
    assert first["Location"].endswith(f"/QuestionnaireResponse/{created.id}")
    assessment = Assessment.objects.get(mother=world.mother_a)
    assert str(assessment.pk) == created.id
    assert assessment.flags == ["self_harm"]
    alerts = RiskAlert.objects.filter(mother=world.mother_a)
    assert [a.kind for a in alerts] == ["self_harm"]
    assert alerts[0].assessment_id == assessment.pk
    again = _post(client, _response(world.mother_a, PHQ9_SELF_HARM))
    assert again.status_code == 200
    assert again.json()["id"] == created.id
    assert Assessment.objects.filter(mother=world.mother_a).count() == 1
    assert RiskAlert.objects.filter(mother=world.mother_a).count() == 1
    assert _post(client, _response(world.mother_a, PHQ9_SELF_HARM, identifier="visit-43")).status_code == 201
    assert Assessment.objects.filter(mother=world.mother_a).count() == 2


def test_bad_responses_are_operation_outcomes_and_nothing_is_stored(world: Any, api_as: Any) -> None:
    client = api_as("clinician")
    cases = [
        ({**_response(world.mother_a, PHQ9_CALM), "status": "in-progress"}, 422, "status"),
        ({**_response(world.mother_a, PHQ9_CALM), "identifier": None}, 422, "identifier.value"),
        ({**_response(world.mother_a, PHQ9_CALM), "questionnaire": "urn:other"}, 422, "questionnaire"),
        ({**_response(world.mother_a, PHQ9_CALM), "subject": {"reference": "Group/1"}}, 422, "subject.reference"),
        ({**_response(world.mother_a, PHQ9_CALM), "shoeSize": 7}, 422, "shoeSize"),
        (_response(world.mother_a, {**PHQ9_CALM, "q3": 9}), 422, "answers.q3"),
        ({"resourceType": "Patient"}, 422, "resourceType"),
        ({**_response(world.mother_a, PHQ9_CALM), "authored": "2026"}, 422, "authored"),
        ({**_response(world.mother_a, PHQ9_CALM), "authored": "0001-01-01T00:00:00+14:00"}, 422, "authored"),
        ({**_response(world.mother_a, PHQ9_CALM), "authored": "2999-01-01"}, 422, "authored"),
        ({**_response(world.mother_a, PHQ9_CALM), "subject": {"reference": "Patient/²"}}, 422, "subject.reference"),
        (_response(world.mother_a, {**PHQ9_CALM, "q3": "²"}), 422, "item[2].answer"),
        ("{not json", 422, "body"),
    ]
    for body, status, field in cases:
        response = _post(client, body)
        assert response.status_code == status, (field, response.content)
        outcome = response.json()
        assert outcome["resourceType"] == "OperationOutcome"
        assert field in {e for issue in outcome["issue"] for e in issue.get("expression", [])}, outcome
    assert _post(client, _response(world.mother_b, PHQ9_CALM)).status_code == 404
    assert _post(api_as("site_lead"), _response(world.mother_a, PHQ9_CALM)).status_code == 403
    assert not Assessment.objects.exists()


def test_read_and_search_responses_observations_questionnaires_and_patient(world: Any, api_as: Any) -> None:
    clinician = world.users["clinician"]
    phq9 = paper(world.mother_a, clinician, PHQ9_CALM, on=date(2026, 10, 1))
    epds = paper(world.mother_a, clinician, EPDS_CALM, instrument="epds", on=date(2026, 11, 1))
    paper(world.mother_b, world.users_b["clinician"], PHQ9_CALM)
    client = api_as("clinician", ["fhir:read"])
    read = QuestionnaireResponse.model_validate(client.get(f"{FHIR}/QuestionnaireResponse/{phq9.pk}").json())
    assert read.subject.reference == f"Patient/{world.mother_a.pk}"
    found = Bundle.model_validate(client.get(f"{FHIR}/QuestionnaireResponse", patient=world.mother_a.pk,
                                             authored="ge2026-10-15").json())
    assert [e.resource.id for e in found.entry] == [str(epds.pk)]
    observations = Bundle.model_validate(client.get(f"{FHIR}/Observation", patient=world.mother_a.pk).json())
    codes = {(c.system, c.code) for e in observations.entry for c in e.resource.code.coding}
    assert ("http://loinc.org", "99046-5") in codes  # the EPDS total: verified LOINC
    assert ("urn:bondwell:observation-code", "phq9.total") in codes  # no verified LOINC: a local code
    total = Observation.model_validate(client.get(f"{FHIR}/Observation/{epds.pk}-total").json())
    assert total.valueInteger == epds.total
    assert client.get(f"{FHIR}/QuestionnaireResponse", patient=world.mother_b.pk).status_code == 404
    assert client.get(f"{FHIR}/Observation", patient="Patient/²").status_code == 422
    questionnaires = Bundle.model_validate(client.get(f"{FHIR}/Questionnaire").json())
    assert {e.resource.id for e in questionnaires.entry} == {"epds", "phq9", "gad7", "pbq"}
    Questionnaire.model_validate(client.get(f"{FHIR}/Questionnaire/phq9").json())
    patient = Patient.model_validate(client.get(f"{FHIR}/Patient/{world.mother_a.pk}").json())
    assert patient.identifier[0].value == world.mother_a.pseudonym
    assert client.get(f"{FHIR}/Patient/{world.mother_b.pk}").status_code == 404
    assert api_as("researcher").get(f"{FHIR}/Patient/{world.mother_a.pk}").status_code == 404
    assert ApiClient(None).get(f"{FHIR}/Patient/{world.mother_a.pk}").status_code == 401
