"""Schemathesis over every operation of the REST API's OpenAPI schema, in-process (WSGI): no 5xx and no
response outside the schema; then, with a mother's token, no response holding another mother's data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.api.conftest import make_token
from tests.screening.helpers import PHQ9_SELF_HARM, paper

EXAMPLES = 4  # per operation and run: bounded so the file runs in well under a minute
TOKENS: dict[str, str] = {}
# Path ids of real rows: "own" in the clinician's and the mother's scope, "others" another mother's (site A or B).
IDS: dict[str, dict[str, int]] = {}


@pytest.fixture(autouse=True)
def fuzz_world(world: Any, settings: Any) -> Iterator[None]:
    settings.BONDWELL_API_RATE_PER_MINUTE = 1_000_000
    # Records of every kind in both sites, so the fuzzer's ids land on real rows as well as missing ones.
    from bondwell.pathway.models import FollowUp
    from bondwell.programme.models import Booking, Course
    from tests.studies.access_cases import study_at

    made = {}
    for mother, clinician in ((world.mother_a, world.users["clinician"]), (world.mother_a2, world.users["clinician"]),
                              (world.mother_b, world.users_b["clinician"])):
        made[mother.pk] = paper(mother, clinician, PHQ9_SELF_HARM, on=date.today())

    def ids(mother: Any, site: Any) -> dict[str, int]:
        assessment = made[mother.pk]
        follow_up = FollowUp.objects.filter(mother=mother).first()
        course = Course.objects.filter(site=site).first()
        booking = Booking.objects.filter(mother=mother).first()
        return {
            "mother_id": mother.pk, "assessment_id": assessment.pk, "alert_id": assessment.risk_alerts.first().pk,
            "follow_up_id": follow_up.pk if follow_up else 0, "course_id": course.pk if course else 0,
            "booking_id": booking.pk if booking else 0, "study_id": study_at(world, site).pk,
        }

    IDS["own"] = ids(world.mother_a, world.site_a)
    IDS["others"] = ids(world.mother_b, world.site_b)
    IDS["neighbour"] = ids(world.mother_a2, world.site_a)
    TOKENS["clinician"] = make_token(world.users["clinician"])
    TOKENS["mother"] = make_token(world.users["mother"])
    # The requests run in this test's transaction: keep Django from closing its connection around them,
    # as its own test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema(path: str) -> Any:
    from bondwell.wsgi import application

    return schemathesis.openapi.from_wsgi(path, application)


schema = _schema("/api/v1/openapi.json")
# The leak run asks one thing of every answer (no other mother's data), so it skips the boundary-value
# ("coverage") phase that the first run spends on input validation; it aims at other mothers' rows instead.
leak_schema = _schema("/api/v1/openapi.json")
leak_schema.config.phases.coverage.enabled = False
fhir_schema = _schema("/fhir/R4/openapi.json")
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ
def test_no_server_error_and_no_schema_violation(case: Any) -> None:
    # Every check but "schema-valid data is accepted": the rules behind a valid shape (an answer within its
    # instrument's range, a date not in the future, licensed wording installed) refuse with 422 by design.
    headers = {"Authorization": f"Bearer {TOKENS['clinician']}"}
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
    # The same fuzzed request again on real records of her own site, so bodies reach the services behind them
    # (real ids may mend what made a negative case invalid, so "invalid data is rejected" is not asked here).
    if _on_real_rows(case, IDS["own"]):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance, negative_data_rejection])


def _others(world: Any) -> list[str]:
    return [world.mother_a2.full_name, world.mother_a2.pseudonym, world.mother_b.full_name,
            world.mother_b.pseudonym]


def _on_real_rows(case: Any, ids: dict[str, int]) -> bool:
    """Point the case's path ids at these real rows; False when it has none."""
    real = {k: ids[k] for k in (case.path_parameters or {}) if ids.get(k)}
    case.path_parameters = {**(case.path_parameters or {}), **real}
    return bool(real)


@leak_schema.parametrize()
@FUZZ
def test_a_mothers_token_never_returns_another_mothers_data(case: Any, world: Any) -> None:
    _check_no_other_mother(case, world)
    # And aimed straight at another mother's records, at her own site and at another site.
    for others in ("neighbour", "others"):
        if _on_real_rows(case, IDS[others]):
            _check_no_other_mother(case, world)


def _check_no_other_mother(case: Any, world: Any) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKENS['mother']}"})
    assert response.status_code < 500
    text = response.text
    leaked = [marker for marker in _others(world) if marker in text]
    assert not leaked, f"{case.method} {case.formatted_path}: {leaked}"
    if response.status_code == 200 and "json" in response.headers.get("Content-Type", ""):
        body = response.json()
        items = body.get("items", [body]) if isinstance(body, dict) else []
        mothers = {i.get("mother_id", i.get("id")) for i in items if isinstance(i, dict) and "mother_id" in i}
        assert mothers <= {world.mother_a.pk}


@fhir_schema.parametrize()
@settings(FUZZ, max_examples=3)
def test_fhir_endpoints_give_no_server_error(case: Any) -> None:
    """The FHIR endpoints take free JSON bodies; fuzzed, they still answer within their (FHIR JSON) schema.
    FHIR search ignores parameters it does not know (the specification's default), so an unknown query
    parameter is not expected to be refused here."""
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS['clinician']}"},
                           excluded_checks=[positive_data_acceptance, negative_data_rejection])
