"""FHIR R4 (R4B models of fhir.resources): Questionnaire export, scored QuestionnaireResponse, round trip."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from bondwell.instruments import ScoringError, available, load
from bondwell.instruments.fhir import answers_from_response, to_questionnaire, to_questionnaire_response


@pytest.mark.parametrize("name", available())
def test_every_definition_exports_as_a_valid_r4_questionnaire(name, tmp_path):
    instrument = load(name, text_dir=tmp_path)
    exported = to_questionnaire(instrument)
    again = Questionnaire.model_validate_json(exported.model_dump_json())  # validation on the way back in
    questions = [item for item in again.item if item.type == "choice"]
    assert [item.linkId for item in questions] == list(instrument.item_keys)
    ordinals = [[o.extension[0].valueDecimal for o in item.answerOption] for item in questions]
    assert ordinals == [[o.score for o in item.options] for item in instrument.items]


def test_licensed_wording_is_not_exported_when_not_installed(tmp_path):
    exported = to_questionnaire(load("epds", text_dir=tmp_path))
    assert exported.item[0].text == "Being able to laugh and see humour"  # Bondwell's own theme
    assert exported.code[0].code == "71354-5"


@pytest.mark.parametrize("name", available())
def test_a_scored_response_round_trips_to_the_same_answers(name, tmp_path):
    instrument = load(name, text_dir=tmp_path)
    answers = {item.key: item.number % len(item.options) for item in instrument.items}
    response = to_questionnaire_response(instrument, answers, subject="Patient/example")
    text = response.model_dump_json()
    QuestionnaireResponse.model_validate_json(text)
    assert answers_from_response(instrument, text) == answers


def test_the_response_carries_the_score_and_flags():
    epds = load("epds")
    answers = {f"q{n}": 0 for n in range(1, 11)}
    response = to_questionnaire_response(epds, answers)
    calculated = {item.linkId: item.answer for item in response.item if not item.linkId.startswith("q")}
    assert calculated["total"][0].valueInteger == 21
    assert calculated["subscale.anxiety"][0].valueInteger == 6
    assert calculated["band"][0].valueString == "likely"
    assert [a.valueString for a in calculated["flags"]] == ["self_harm"]


def test_an_incomplete_response_is_not_exported():
    with pytest.raises(ScoringError):
        to_questionnaire_response(load("gad7"), {"q1": 0})


def test_a_response_for_another_questionnaire_is_refused():
    response = to_questionnaire_response(load("gad7"), {f"q{n}": 0 for n in range(1, 8)})
    with pytest.raises(ValueError, match="not urn:bondwell:questionnaire:phq9"):
        answers_from_response(load("phq9"), response)
