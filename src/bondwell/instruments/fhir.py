"""FHIR R4 export and import, validated with fhir.resources.

fhir.resources 8 defaults to FHIR R5; its R4B subpackage is the R4-compatible model set (Questionnaire and
QuestionnaireResponse are unchanged between R4 and R4B), so that is what Bondwell uses.

Each answer option is a Coding whose code is the printed position ("0" = top option) with the option score as
the standard `ordinalValue` extension; the scored response carries the total, subscales, band and flags as
read-only calculated items, so a receiving system sees the same numbers Bondwell used.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from bondwell.instruments.model import Instrument, Item, Score
from bondwell.instruments.scoring import score as score_response

LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


def canonical_url(instrument: Instrument) -> str:
    return f"urn:bondwell:questionnaire:{instrument.name}"


def option_system(instrument: Instrument) -> str:
    return f"{canonical_url(instrument)}:option-position"


def to_questionnaire(instrument: Instrument) -> Questionnaire:
    """The definition as a FHIR R4 Questionnaire (item text is the theme while licensed wording is absent)."""
    items: list[dict[str, Any]] = [_question(instrument, item) for item in instrument.items]
    items.append(_calculated("total", "Total score", "integer", instrument.loinc_total))
    items.extend(_calculated(f"subscale.{s.key}", s.title, "integer", None) for s in instrument.subscales)
    items.append(_calculated("band", "Result band (profile " + instrument.profile + ")", "string", None))
    items.append({**_calculated("flags", "Risk flags", "string", None), "repeats": True})
    description = (
        f"Wording: {instrument.wording_source}."
        if instrument.wording_installed
        else "Structure and scoring only: item text holds Bondwell's short themes, not the licensed wording."
    )
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument.name,
        "url": canonical_url(instrument),
        "version": instrument.version,
        "name": instrument.name.upper(),
        "title": instrument.title,
        "status": "active",
        "language": instrument.language,
        "description": f"{instrument.citation} Recall period: {instrument.recall_period}. {description}",
        "copyright": f"{instrument.licence.holder.rstrip('.')}. {instrument.licence.terms}",
        "item": items,
    }
    if instrument.loinc_panel:
        resource["code"] = [{"system": LOINC, "code": instrument.loinc_panel}]
    return Questionnaire.model_validate(resource)


def _question(instrument: Instrument, item: Item) -> dict[str, Any]:
    question: dict[str, Any] = {
        "linkId": item.key,
        "prefix": str(item.number),
        "text": item.text or item.theme,
        "type": "choice",
        "required": True,
        "answerOption": [
            {
                "valueCoding": _option_coding(instrument, item, option.position),
                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.score}],
            }
            for option in item.options
        ],
    }
    if item.loinc:
        question["code"] = [{"system": LOINC, "code": item.loinc}]
    return question


def _option_coding(instrument: Instrument, item: Item, position: int) -> dict[str, str]:
    label = item.options[position].label
    return {
        "system": option_system(instrument),
        "code": str(position),
        "display": label if label else f"option {position + 1} of {len(item.options)}",
    }


def _calculated(link_id: str, text: str, kind: str, loinc: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, "text": text, "type": kind, "readOnly": True}
    if loinc:
        item["code"] = [{"system": LOINC, "code": loinc}]
    return item


def to_questionnaire_response(
    instrument: Instrument,
    answers: Mapping[str, int],
    *,
    authored: datetime | None = None,
    subject: str | None = None,
) -> QuestionnaireResponse:
    """A completed, scored response (raises ScoringError for an incomplete or invalid one)."""
    result: Score = score_response(instrument, answers)
    items: list[dict[str, Any]] = [
        {"linkId": item.key, "answer": [{"valueCoding": _option_coding(instrument, item, answers[item.key])}]}
        for item in instrument.items
    ]
    items.append({"linkId": "total", "answer": [{"valueInteger": result.total}]})
    items.extend(
        {"linkId": f"subscale.{key}", "answer": [{"valueInteger": value}]}
        for key, value in result.subscales.items()
    )
    items.append({"linkId": "band", "answer": [{"valueString": result.band.key}]})
    if result.flags:
        items.append({"linkId": "flags", "answer": [{"valueString": flag} for flag in sorted(result.flags)]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{canonical_url(instrument)}|{instrument.version}",
        "status": "completed",
        "authored": (authored or datetime.now(UTC)).isoformat(),
        "item": items,
    }
    if subject:
        resource["subject"] = {"reference": subject}
    return QuestionnaireResponse.model_validate(resource)


def answers_from_response(instrument: Instrument, response: QuestionnaireResponse | str) -> dict[str, int]:
    """The printed positions recorded in a QuestionnaireResponse (JSON text or model) for `instrument`."""
    if isinstance(response, str):
        response = QuestionnaireResponse.model_validate_json(response)
    questionnaire = str(response.questionnaire or "")
    if questionnaire.split("|")[0] != canonical_url(instrument):
        raise ValueError(f"response is for {questionnaire!r}, not {canonical_url(instrument)}")
    keys = set(instrument.item_keys)
    answers: dict[str, int] = {}
    for item in response.item or []:
        if item.linkId not in keys:
            continue  # calculated items are recomputed, never trusted
        coding = item.answer[0].valueCoding if item.answer else None
        if coding is None or coding.system != option_system(instrument) or coding.code is None:
            raise ValueError(f"{item.linkId}: answer is not a {instrument.name} option position")
        answers[str(item.linkId)] = int(coding.code)
    return answers
