"""The API's place in the role × view matrix.

The REST API (/api/v1/) and FHIR endpoints (/fhir/R4/) take a bearer token, never a browser session: a
signed-in page visitor gets 401 from each of them (test_access.py::test_a_browser_session_opens_no_api), so
the session-based page matrix cannot apply. Every one of their operations is declared instead, role by role
and with tokens, in TOKEN_CASES below and walked by tests/api/test_access.py, which fails when an operation
is missing. Listed here as PUBLIC only so that the page matrix does not walk them with a session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from typing import Any

from django.utils import timezone

from bondwell.accounts import service_hours
from tests.access_matrix import Case, RolePage, everyone

# Open to anyone by design: the OpenAPI schemas and docs, the routers' roots and the FHIR CapabilityStatement.
OPEN = {"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root", "fhir-r4:openapi-json",
        "fhir-r4:openapi-view", "fhir-r4:api-root", "fhir-r4:metadata"}

_keys = count(1)


def site_today(mother: Any) -> date:
    """Today on the mother's site clock, which the API checks dates against (not the machine's date.today())."""
    return service_hours.local(mother.site, timezone.now()).date()


@dataclass(frozen=True)
class TokenCase:
    """One operation: `path(world, mother)` builds what it needs on that mother's record (or site) and returns
    the URL; `own` is each role's status on its own scope; on another's, record operations answer 404."""

    url_name: str
    method: str
    path: Callable[[Any, Any], str]
    own: dict[str, int]
    body: Callable[[Any, Any], Any] | None = None
    record: bool = True  # whether another mother's / site's record must answer 404
    params: dict[str, Any] = field(default_factory=dict)


def _alert(world: Any, mother: Any) -> Any:
    from tests.screening.helpers import alert_for

    site_clinician = world.users["clinician"] if mother.site == world.site_a else world.users_b["clinician"]
    return alert_for(mother, site_clinician)


def _follow_up(world: Any, mother: Any) -> Any:
    from bondwell.pathway.models import FollowUp

    found = FollowUp.objects.filter(mother=mother, status=FollowUp.Status.OPEN).first()
    return found or FollowUp.objects.get(alert=_alert(world, mother))


def _assessment(world: Any, mother: Any) -> Any:
    from tests.screening.helpers import PHQ9_CALM, paper

    site_clinician = world.users["clinician"] if mother.site == world.site_a else world.users_b["clinician"]
    return paper(mother, site_clinician, PHQ9_CALM)


def _course(world: Any, mother: Any) -> Any:
    from bondwell.programme.models import Course

    found = Course.objects.filter(site=mother.site).first()
    if found is not None:
        return found
    return Course.objects.create(site=mother.site, title="Elsewhere", educator=world.users_b["educator"],
                                 place="Room 2", capacity=6, starts_on=date(2026, 11, 2))


def _booking(world: Any, mother: Any) -> Any:
    from bondwell.programme.models import Booking

    course = _course(world, mother)
    # An active booking each time: each role cancels one (a cancelled one takes her out of the educator's class).
    found = Booking.objects.filter(course=course, mother=mother, status=Booking.Status.BOOKED).first()
    return found or Booking.objects.create(course=course, mother=mother, status=Booking.Status.BOOKED)


def _study(world: Any, mother: Any) -> Any:
    from tests.studies.access_cases import study_at

    return study_at(world, mother.site)


def _phq9(world: Any, mother: Any) -> dict[str, Any]:
    from tests.screening.helpers import PHQ9_CALM

    return {"instrument": "phq9", "answers": PHQ9_CALM, "client_key": f"matrix-{next(_keys):06d}"}


def _fhir_response(world: Any, mother: Any) -> dict[str, Any]:
    system = "urn:bondwell:questionnaire:phq9:option-position"
    return {"resourceType": "QuestionnaireResponse", "status": "completed",
            "identifier": {"value": f"matrix-{next(_keys)}"}, "questionnaire": "urn:bondwell:questionnaire:phq9",
            "subject": {"reference": f"Patient/{mother.pk}"},
            "item": [{"linkId": f"q{n}", "answer": [{"valueCoding": {"system": system, "code": "0"}}]}
                     for n in range(1, 10)]}


def _practice(world: Any, mother: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {"started_at": timezone.now().isoformat(), "duration_seconds": 600}


def _redcap(world: Any, mother: Any) -> dict[str, Any]:
    from tests.screening.helpers import EPDS_CALM

    items = ",".join(str(EPDS_CALM[f"q{n}"]) for n in range(1, 11))
    header = "record_id,epds_date," + ",".join(f"epds_q{n}" for n in range(1, 11))
    return {"records_csv": f"{header}\n{mother.pseudonym},{site_today(mother)},{items}\n", "dry_run": True}


NONE = {"researcher": 404, "statistician": 404, "admin": 404}  # roles with no mothers in scope
RECORD = everyone(200, **NONE)
CLINICAL = everyone(403, mother=200, clinician=200, **NONE)
ALERTS = everyone(403, clinician=200, site_lead=200, **NONE)
CLINICIAN_WRITES = everyone(403, clinician=201, **NONE)
STUDY_EXPORT = everyone(404, clinician=403, site_lead=403, researcher=200, statistician=200)


def _m(world: Any, mother: Any) -> int:
    return int(mother.pk)


TOKEN_CASES = [
    TokenCase("api-v1:list_mothers", "get", lambda w, m: "/api/v1/mothers", everyone(200), record=False),
    TokenCase("api-v1:get_mother", "get", lambda w, m: f"/api/v1/mothers/{m.pk}", RECORD),
    TokenCase("api-v1:list_schedules", "get", lambda w, m: f"/api/v1/mothers/{m.pk}/schedules", CLINICAL),
    TokenCase("api-v1:create_schedule", "post", lambda w, m: f"/api/v1/mothers/{m.pk}/schedules",
              CLINICIAN_WRITES, body=lambda w, m: {"instrument": "phq9", "due_on": str(site_today(m))}),
    TokenCase("api-v1:list_assessments", "get", lambda w, m: f"/api/v1/mothers/{m.pk}/assessments", CLINICAL),
    TokenCase("api-v1:create_assessment", "post", lambda w, m: f"/api/v1/mothers/{m.pk}/assessments",
              everyone(403, mother=201, clinician=201, **NONE), body=_phq9),
    TokenCase("api-v1:get_assessment", "get", lambda w, m: f"/api/v1/assessments/{_assessment(w, m).pk}",
              CLINICAL),
    TokenCase("api-v1:list_alerts", "get", lambda w, m: "/api/v1/alerts",
              everyone(403, clinician=200, site_lead=200), record=False),
    TokenCase("api-v1:get_alert", "get", lambda w, m: f"/api/v1/alerts/{_alert(w, m).pk}", ALERTS),
    TokenCase("api-v1:acknowledge_alert", "post", lambda w, m: f"/api/v1/alerts/{_alert(w, m).pk}/acknowledge",
              ALERTS),
    TokenCase("api-v1:list_follow_ups", "get", lambda w, m: "/api/v1/follow-ups",
              everyone(403, clinician=200, site_lead=200), record=False),
    TokenCase("api-v1:get_follow_up", "get", lambda w, m: f"/api/v1/follow-ups/{_follow_up(w, m).pk}", ALERTS),
    TokenCase("api-v1:acknowledge_follow_up", "post",
              lambda w, m: f"/api/v1/follow-ups/{_follow_up(w, m).pk}/acknowledge",
              everyone(403, clinician=200, **NONE)),
    TokenCase("api-v1:list_practice", "get", lambda w, m: f"/api/v1/mothers/{m.pk}/practice-sessions", RECORD),
    TokenCase("api-v1:create_practice", "post", lambda w, m: f"/api/v1/mothers/{m.pk}/practice-sessions",
              everyone(403, mother=201, **NONE), body=_practice),
    TokenCase("api-v1:list_courses", "get", lambda w, m: "/api/v1/courses", everyone(200), record=False),
    TokenCase("api-v1:get_course", "get", lambda w, m: f"/api/v1/courses/{_course(w, m).pk}", RECORD),
    TokenCase("api-v1:list_bookings", "get", lambda w, m: "/api/v1/bookings", everyone(200), record=False),
    TokenCase("api-v1:create_booking", "post", lambda w, m: f"/api/v1/courses/{_course(w, m).pk}/bookings",
              everyone(200, **NONE), body=lambda w, m: {"mother_id": m.pk}),
    TokenCase("api-v1:cancel_booking", "post", lambda w, m: f"/api/v1/bookings/{_booking(w, m).pk}/cancel", RECORD),
    TokenCase("api-v1:list_studies", "get", lambda w, m: "/api/v1/studies", everyone(200), record=False),
    TokenCase("api-v1:study_export", "get", lambda w, m: f"/api/v1/studies/{_study(w, m).pk}/export/csv",
              STUDY_EXPORT),
    TokenCase("api-v1:study_redcap", "get", lambda w, m: f"/api/v1/studies/{_study(w, m).pk}/redcap/records",
              STUDY_EXPORT),
    TokenCase("api-v1:redcap_import", "post", lambda w, m: "/api/v1/redcap/import",
              everyone(403, clinician=200), body=_redcap, record=False),
    TokenCase("fhir-r4:search_questionnaires", "get", lambda w, m: "/fhir/R4/Questionnaire", everyone(200),
              record=False),
    TokenCase("fhir-r4:read_questionnaire", "get", lambda w, m: "/fhir/R4/Questionnaire/epds", everyone(200),
              record=False),
    TokenCase("fhir-r4:read_patient", "get", lambda w, m: f"/fhir/R4/Patient/{m.pk}", RECORD),
    TokenCase("fhir-r4:create_response", "post", lambda w, m: "/fhir/R4/QuestionnaireResponse",
              everyone(403, mother=201, clinician=201, **NONE), body=_fhir_response),
    TokenCase("fhir-r4:read_response", "get",
              lambda w, m: f"/fhir/R4/QuestionnaireResponse/{_assessment(w, m).pk}", CLINICAL),
    TokenCase("fhir-r4:search_responses", "get",
              lambda w, m: f"/fhir/R4/QuestionnaireResponse?patient={m.pk}", CLINICAL),
    TokenCase("fhir-r4:search_observations", "get", lambda w, m: f"/fhir/R4/Observation?patient={m.pk}",
              CLINICAL),
    TokenCase("fhir-r4:read_observation", "get",
              lambda w, m: f"/fhir/R4/Observation/{_assessment(w, m).pk}-total", CLINICAL),
]

PUBLIC = OPEN | {case.url_name for case in TOKEN_CASES}



def _token_of(world: Any, mother: Any) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    from bondwell.api import tokens

    owner = mother.user or world.users_b["clinician"]  # a mother without a login: someone else's token
    made = tokens.create_token(owner, ["mothers:read"], timezone.now() + timedelta(days=5), by=None)
    return {"token_id": made.token.pk}


# The token page: every signed-in user manages her own tokens, an administrator everyone's. Revoking one is a
# POST on that token: its owner and an administrator are sent back to the page (302), anyone else gets 404.
ROLE_PAGES = [RolePage("api-tokens", everyone(200))]
CASES = [
    Case("api-tokens-revoke", _token_of, own=everyone(404, mother=302, admin=302), foreign={"admin": 302},
         method="post"),
]
