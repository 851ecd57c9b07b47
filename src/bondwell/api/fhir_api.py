"""FHIR R4 under /fhir/R4/: Questionnaire, QuestionnaireResponse, Observation, Patient and the
CapabilityStatement. Resources are built with `bondwell.instruments.fhir` and validated with fhir.resources
(its R4B model set, R4-compatible for these resources) before they leave; refusals are OperationOutcomes.

A QuestionnaireResponse POST is one more way in for a questionnaire: it goes through the same
`submit_assessment` as the REST API (and so `record_assessment`, as the web's paper form or her own
questionnaire), scored, risk rules and alerts included, idempotent by the response's identifier.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from ninja.params.functions import Path, Query
from pydantic import ValidationError as PydanticValidationError

from bondwell import __version__, instruments
from bondwell.accounts.access import access_mother, access_row, audit, mothers_in_scope
from bondwell.accounts.models import Mother, User
from bondwell.accounts.roles import Purpose
from bondwell.api.http import MAX_ID, BondwellApi, TokenAuth, Unprocessable, check_body_size, need, whole_number
from bondwell.api.rest import idempotency_key, submit_assessment
from bondwell.instruments.fhir import LOINC, canonical_url, option_system, to_questionnaire
from bondwell.screening.models import Assessment
from bondwell.screening.questionnaires import PAPER_INSTRUMENTS, load_for_profile

FHIR_JSON = "application/fhir+json"
LOCAL_CODES = "urn:bondwell:observation-code"
PSEUDONYM_SYSTEM = "urn:bondwell:mother-id"
# LOINC codes used only where verified against LOINC's own record: the EPDS total (99046-5) of the EPDS
# definition. Every other total and subscale gets a local code (LOCAL_CODES).
VERIFIED_LOINC = {("epds", "total"): "99046-5"}
ISSUE_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported", 409: "duplicate",
               413: "too-costly", 415: "not-supported", 422: "invalid", 429: "throttled"}


def outcome(request: HttpRequest | None, status: int, detail: str, errors: Iterable[tuple[str, str]] = (),
            *, title: str | None = None, headers: dict[str, str] | None = None) -> HttpResponse:
    issues: list[dict[str, Any]] = [
        {"severity": "error", "code": ISSUE_CODES.get(status, "processing"), "diagnostics": detail}
    ]
    issues += [{"severity": "error", "code": ISSUE_CODES.get(status, "invalid"), "diagnostics": problem,
                "expression": [field or "body"]} for field, problem in errors]
    response = HttpResponse(json.dumps({"resourceType": "OperationOutcome", "issue": issues}), status=status,
                            content_type=FHIR_JSON)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


class FhirApi(BondwellApi):
    problem_renderer = staticmethod(outcome)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content") or {}
                    if content:
                        response["content"] = {FHIR_JSON: next(iter(content.values()))}
        return schema


fhir = FhirApi(
    title="Bondwell FHIR R4",
    version="R4",
    description="Questionnaire, QuestionnaireResponse, Observation and Patient (FHIR R4). See docs/api.md.",
    urls_namespace="fhir-r4",
    auth=TokenAuth(),
)

RESOURCE = {"type": "object", "additionalProperties": True}
FHIR_OK = {"content": {FHIR_JSON: {"schema": RESOURCE}}, "description": "A FHIR resource"}
FHIR_ERR = {"content": {FHIR_JSON: {"schema": RESOURCE}}, "description": "An OperationOutcome"}
ERR_CODES = ("400", "401", "403", "404", "409", "413", "415", "422", "429")


def _responses(*ok: str) -> dict[str, Any]:
    return {"responses": {**{code: FHIR_OK for code in ok}, **{code: FHIR_ERR for code in ERR_CODES}}}


def _send(resource: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(resource.model_dump_json(exclude_none=True), status=status, content_type=FHIR_JSON)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/R4/").rstrip("/")


# ---- CapabilityStatement -------------------------------------------------------------------------------------


@fhir.get("/metadata", auth=None, response={200: None}, openapi_extra=_responses("200"),
          summary="CapabilityStatement")
def metadata(request: HttpRequest) -> HttpResponse:
    def rest(kind: str, interactions: list[str], params: list[tuple[str, str]]) -> dict[str, Any]:
        return {"type": kind, "interaction": [{"code": i} for i in interactions],
                "searchParam": [{"name": n, "type": t} for n, t in params]}

    statement = CapabilityStatement.model_validate({
        "resourceType": "CapabilityStatement", "status": "active", "date": timezone.now().date().isoformat(),
        "kind": "instance", "fhirVersion": "4.0.1", "format": ["json"],
        "software": {"name": "Bondwell", "version": __version__},
        "implementation": {"description": "Bondwell perinatal screening", "url": _base(request)},
        "rest": [{
            "mode": "server",
            "security": {"description": "Bearer API token (Authorization: Bearer bw_…), scope fhir:read / "
                                        "fhir:write; see docs/api.md."},
            "resource": [
                rest("Questionnaire", ["read", "search-type"], [("name", "string"), ("url", "uri")]),
                rest("QuestionnaireResponse", ["create", "read", "search-type"],
                     [("patient", "reference"), ("authored", "date"), ("questionnaire", "reference")]),
                rest("Observation", ["read", "search-type"],
                     [("patient", "reference"), ("date", "date"), ("code", "token")]),
                rest("Patient", ["read"], []),
            ],
        }],
    })
    return _send(statement)


# ---- Questionnaire -------------------------------------------------------------------------------------------


def _profile(user: User) -> str:
    from bondwell.screening.questionnaires import profile_for

    return profile_for(user.site) if user.site is not None else instruments.DEFAULT_PROFILE


def _questionnaire(name: str, user: User) -> Any:
    from bondwell.screening.questionnaires import load_instrument

    instrument = (load_instrument(name, user.site) if user.site is not None
                  else load_for_profile(name, instruments.DEFAULT_PROFILE))
    return to_questionnaire(instrument)


def _bundle(request: HttpRequest, resources: list[tuple[str, Any]]) -> Any:
    base = _base(request)
    return Bundle.model_validate({
        "resourceType": "Bundle", "type": "searchset", "total": len(resources),
        "entry": [{"fullUrl": f"{base}/{kind}/{r.id}", "resource": r.model_dump(exclude_none=True),
                   "search": {"mode": "match"}} for kind, r in resources],
    })


@fhir.get("/Questionnaire", response={200: None}, openapi_extra=_responses("200"), summary="Search Questionnaires")
def search_questionnaires(request: HttpRequest, name: str | None = Query(None, max_length=40),
                          url: str | None = Query(None, max_length=200)) -> HttpResponse:
    user = need(request, "fhir", "read")
    found = []
    for instrument in PAPER_INSTRUMENTS:
        if name and name.lower() not in {instrument, instrument.upper().lower()}:
            continue
        questionnaire = _questionnaire(instrument, user)
        if url and url.split("|")[0] != questionnaire.url:
            continue
        found.append(("Questionnaire", questionnaire))
    return _send(_bundle(request, found))


@fhir.get("/Questionnaire/{questionnaire_id}", response={200: None}, openapi_extra=_responses("200"),
          summary="Read a Questionnaire")
def read_questionnaire(request: HttpRequest, questionnaire_id: str = Path(..., max_length=40)) -> HttpResponse:
    user = need(request, "fhir", "read")
    if questionnaire_id not in PAPER_INSTRUMENTS:
        raise Http404("No such Questionnaire.")
    return _send(_questionnaire(questionnaire_id, user))


# ---- Patient --------------------------------------------------------------------------------------------------


@fhir.get("/Patient/{patient_id}", response={200: None}, openapi_extra=_responses("200"),
          summary="Read a mother's minimal demographics")
def read_patient(request: HttpRequest, patient_id: int = Path(..., ge=1, le=MAX_ID)) -> HttpResponse:
    need(request, "fhir", "read")
    mother = access_mother(request, patient_id, Purpose.RECORD, action="fhir:read:patient")
    patient = Patient.model_validate({
        "resourceType": "Patient", "id": str(mother.pk), "active": True,
        "identifier": [{"system": PSEUDONYM_SYSTEM, "value": mother.pseudonym}],
        "name": [{"text": mother.full_name}],
        "managingOrganization": {"display": mother.site.name},
    })
    return _send(patient)


# ---- QuestionnaireResponse ------------------------------------------------------------------------------------


def _instrument_of(questionnaire: str) -> str:
    canonical = questionnaire.split("|")[0]
    for name in PAPER_INSTRUMENTS:
        if canonical in {canonical_url(load_for_profile(name, instruments.DEFAULT_PROFILE)),
                         f"Questionnaire/{name}"}:
            return name
    raise Unprocessable("Unknown questionnaire.", [(
        "questionnaire", f"must be one of {', '.join('urn:bondwell:questionnaire:' + n for n in PAPER_INSTRUMENTS)}"
    )])


def response_resource(assessment: Assessment) -> Any:
    instrument = load_for_profile(assessment.instrument, assessment.profile)
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        position = assessment.answers.get(item.key)
        if position is None:
            continue
        label = item.options[int(position)].label
        items.append({"linkId": item.key, "answer": [{"valueCoding": {
            "system": option_system(instrument), "code": str(position),
            "display": label or f"option {int(position) + 1} of {len(item.options)}"}}]})
    if assessment.total is not None:
        items.append({"linkId": "total", "answer": [{"valueInteger": assessment.total}]})
    items.extend(
        {"linkId": f"subscale.{k}", "answer": [{"valueInteger": v}]} for k, v in assessment.subscales.items()
    )
    if assessment.band_key:
        items.append({"linkId": "band", "answer": [{"valueString": assessment.band_key}]})
    if assessment.flags:
        items.append({"linkId": "flags", "answer": [{"valueString": f} for f in assessment.flags]})
    return QuestionnaireResponse.model_validate({
        "resourceType": "QuestionnaireResponse", "id": str(assessment.pk),
        "questionnaire": f"{canonical_url(instrument)}|{assessment.definition_version}",
        "status": "completed" if assessment.complete else "in-progress",
        "subject": {"reference": f"Patient/{assessment.mother_id}"},
        "authored": assessment.answered_on.isoformat(),
        "item": items,
    })


def _patient_id(reference: str | None) -> int:
    text = (reference or "").strip()
    kind, _, pk = text.rpartition("/")
    if not kind.endswith("Patient") or not whole_number(pk) or not 1 <= int(pk) <= MAX_ID:
        raise Unprocessable("The subject must be a Patient of this server.",
                            [("subject.reference", "must be Patient/<id> (see GET /fhir/R4/Patient/<id>)")])
    return int(pk)


def _answers(instrument_name: str, response: Any) -> dict[str, Any]:
    instrument = load_for_profile(instrument_name, instruments.DEFAULT_PROFILE)
    keys = set(instrument.item_keys)
    answers: dict[str, Any] = {}
    problems = []
    for index, item in enumerate(response.item or []):
        link = str(item.linkId)
        if link not in keys:
            continue  # calculated items (total, band, flags) are recomputed, never trusted
        coding = item.answer[0].valueCoding if item.answer else None
        code = str(coding.code) if coding is not None and coding.code is not None else ""
        if coding is None or coding.system != option_system(instrument) or not whole_number(code) or len(code) > 3:
            problems.append((f"item[{index}].answer", f"{link}: give a valueCoding of {option_system(instrument)}"))
            continue
        answers[link] = int(code)
    if problems:
        raise Unprocessable("Some answers are not options of the questionnaire.", problems)
    return answers


def _answered_on(authored: Any) -> date:
    """The day she answered, from `authored`: a full date or a date-time (a year or month alone will not do)."""
    if authored is None:
        return timezone.localdate()
    try:
        if isinstance(authored, datetime):
            return timezone.localdate(authored) if timezone.is_aware(authored) else authored.date()
        if isinstance(authored, date):
            return authored
    except (OverflowError, ValueError):
        pass
    raise Unprocessable("Give the day the questionnaire was answered.",
                        [("authored", "must be a full date (YYYY-MM-DD) or date-time")])


RESOURCE_BODY = {
    "required": True, "content": {FHIR_JSON: {"schema": RESOURCE}, "application/json": {"schema": RESOURCE}},
}


@fhir.post("/QuestionnaireResponse", response={201: None}, summary="Create a QuestionnaireResponse",
           openapi_extra={**_responses("200", "201"), "requestBody": RESOURCE_BODY})
def create_response(request: HttpRequest) -> HttpResponse:
    """Scored and alerted like any answer; the response's `identifier` makes a retry return the first one."""
    user = need(request, "fhir", "write")
    check_body_size(request)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise Unprocessable("The body is not JSON.", [("body", str(error)[:120])]) from error
    if not isinstance(body, dict) or body.get("resourceType") != "QuestionnaireResponse":
        raise Unprocessable("Send a QuestionnaireResponse.", [("resourceType", "must be QuestionnaireResponse")])
    try:
        response = QuestionnaireResponse.model_validate(body)
    except (PydanticValidationError, ValueError, TypeError) as error:
        errors = [(".".join(str(p) for p in e.get("loc", ())), str(e.get("msg", "invalid")))
                  for e in getattr(error, "errors", lambda: [])()[:20]] or [("body", str(error)[:200])]
        raise Unprocessable("Not a valid FHIR R4 QuestionnaireResponse.", errors) from error
    if response.status not in {"completed", "amended"}:
        raise Unprocessable("Only a completed response can be submitted.", [("status", "must be completed")])
    identifier = response.identifier
    if identifier is None or not identifier.value or len(str(identifier.value)) > 200:
        raise Unprocessable("Give the response an identifier: a retry with it then creates nothing new.",
                            [("identifier.value", "required (at most 200 characters)")])
    name = _instrument_of(str(response.questionnaire or ""))
    mother = access_mother(request, _patient_id(response.subject.reference if response.subject else None),
                           Purpose.CLINICAL, action="fhir:create:questionnaire-response")
    answers = _answers(name, response)
    answered_on = _answered_on(response.authored)
    key = idempotency_key(user, f"fhir:{identifier.system or ''}|{identifier.value}")
    assessment, created = submit_assessment(request, user, mother, name, answers, answered_on, key,
                                            date_field="authored")
    resource = response_resource(assessment)
    resource.identifier = identifier
    location = f"{_base(request)}/QuestionnaireResponse/{assessment.pk}"
    return _send(resource, 201 if created else 200, headers={"Location": location})


def _assessment(request: HttpRequest, assessment_id: int, action: str) -> Assessment:
    rows = Assessment.objects.filter(pk=assessment_id)
    return access_row(request, rows, Purpose.CLINICAL, action=action, missing="No such resource.")


@fhir.get("/QuestionnaireResponse/{response_id}", response={200: None}, openapi_extra=_responses("200"),
          summary="Read a QuestionnaireResponse")
def read_response(request: HttpRequest, response_id: int = Path(..., ge=1, le=MAX_ID)) -> HttpResponse:
    need(request, "fhir", "read")
    return _send(response_resource(_assessment(request, response_id, "fhir:read:questionnaire-response")))


def _date_filters(values: list[str], field: str) -> dict[str, date]:
    prefixes = {"ge": "gte", "le": "lte", "gt": "gt", "lt": "lt", "eq": "exact"}
    filters: dict[str, date] = {}
    for value in values:
        prefix, rest = (value[:2], value[2:]) if value[:2] in prefixes else ("eq", value)
        try:
            day = date.fromisoformat(rest[:10])
        except ValueError as error:
            raise Unprocessable("Dates are YYYY-MM-DD, optionally prefixed ge, le, gt, lt or eq.",
                                [(field, f"{value[:40]!r} is not a date")]) from error
        filters[f"answered_on__{prefixes[prefix]}"] = day
    return filters


def _searched(
    request: HttpRequest, user: User, patient: str | None, dates: list[str], field: str
) -> QuerySet[Assessment]:
    if patient:
        mother: Mother = access_mother(request, _search_patient(patient), Purpose.CLINICAL,
                                       action="fhir:search:" + field)
        rows = Assessment.objects.filter(mother=mother)
    else:
        if user.role not in {"mother", "clinician"}:
            raise Unprocessable("Search by patient.", [("patient", "required for your role")])
        rows = Assessment.objects.filter(mother__in=mothers_in_scope(user))
        audit(request, "fhir:search:" + field)
    return rows.filter(**_date_filters(dates, field)).order_by("-answered_on", "-id")


def _search_patient(value: str) -> int:
    text = value.rpartition("/")[2]
    if not whole_number(text) or not 1 <= int(text) <= MAX_ID:
        raise Unprocessable("patient is a Patient id.", [("patient", "must be <id> or Patient/<id>")])
    return int(text)


AUTHORED = Query([], max_length=2)
DATES = Query([], alias="date", max_length=2)


@fhir.get("/QuestionnaireResponse", response={200: None}, openapi_extra=_responses("200"),
          summary="Search QuestionnaireResponses by patient and date")
def search_responses(request: HttpRequest, patient: str | None = Query(None, max_length=40),
                     authored: list[str] = AUTHORED,
                     count: int = Query(50, ge=1, le=100, alias="_count")) -> HttpResponse:
    user = need(request, "fhir", "read")
    rows = _searched(request, user, patient, authored, "authored")[:count]
    return _send(_bundle(request, [("QuestionnaireResponse", response_resource(a)) for a in rows]))


# ---- Observation ----------------------------------------------------------------------------------------------


def _code(instrument: str, part: str, title: str) -> dict[str, Any]:
    loinc = VERIFIED_LOINC.get((instrument, part))
    if loinc:
        return {"coding": [{"system": LOINC, "code": loinc, "display": title}], "text": title}
    return {"coding": [{"system": LOCAL_CODES, "code": f"{instrument}.{part}", "display": title}], "text": title}


def observations(assessment: Assessment) -> list[Any]:
    """The total and each subscale of one scored assessment, as Observations."""
    if assessment.total is None:
        return []
    instrument = load_for_profile(assessment.instrument, assessment.profile)
    parts = [("total", f"{instrument.title} total score", assessment.total)]
    titles = {s.key: s.title for s in instrument.subscales}
    parts += [(k, f"{instrument.title}: {titles.get(k, k)}", v) for k, v in assessment.subscales.items()]
    return [Observation.model_validate({
        "resourceType": "Observation", "id": f"{assessment.pk}-{part.replace('_', '-')}", "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "survey"}]}],
        "code": _code(assessment.instrument, part, title),
        "subject": {"reference": f"Patient/{assessment.mother_id}"},
        "effectiveDateTime": assessment.answered_on.isoformat(),
        "valueInteger": int(value),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{assessment.pk}"}],
    }) for part, title, value in parts]


@fhir.get("/Observation", response={200: None}, openapi_extra=_responses("200"),
          summary="Search Observations (totals and subscales) by patient, date and code")
def search_observations(request: HttpRequest, patient: str | None = Query(None, max_length=40),
                        date_: list[str] = DATES,
                        code: str | None = Query(None, max_length=80),
                        count: int = Query(50, ge=1, le=100, alias="_count")) -> HttpResponse:
    user = need(request, "fhir", "read")
    rows = _searched(request, user, patient, date_, "date").filter(total__isnull=False)[:count]
    found = []
    for assessment in rows:
        for observation in observations(assessment):
            codes = {f"{c.system}|{c.code}" for c in observation.code.coding} | {
                str(c.code) for c in observation.code.coding}
            if code is None or code in codes:
                found.append(("Observation", observation))
    return _send(_bundle(request, found))


@fhir.get("/Observation/{observation_id}", response={200: None}, openapi_extra=_responses("200"),
          summary="Read an Observation")
def read_observation(
    request: HttpRequest, observation_id: str = Path(..., pattern=r"^\d{1,10}-[a-z0-9-]{1,40}$")
) -> HttpResponse:
    need(request, "fhir", "read")
    pk, _, _part = observation_id.partition("-")
    if not 1 <= int(pk) <= MAX_ID:
        raise Http404("No such resource.")
    assessment = _assessment(request, int(pk), "fhir:read:observation")
    for observation in observations(assessment):
        if observation.id == observation_id:
            return _send(observation)
    raise Http404("No such resource.")
