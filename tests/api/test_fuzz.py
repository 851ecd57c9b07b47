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
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import make_token
from tests.screening.helpers import PHQ9_SELF_HARM, paper

EXAMPLES = 8  # per operation and run: bounded so the file runs in well under a minute
TOKENS: dict[str, str] = {}


@pytest.fixture(autouse=True)
def fuzz_world(world: Any, settings: Any) -> Iterator[None]:
    settings.BONDWELL_API_RATE_PER_MINUTE = 1_000_000
    # Records of every kind in both sites, so the fuzzer's ids land on real rows as well as missing ones.
    for mother, clinician in ((world.mother_a, world.users["clinician"]), (world.mother_a2, world.users["clinician"]),
                              (world.mother_b, world.users_b["clinician"])):
        paper(mother, clinician, PHQ9_SELF_HARM, on=date.today())
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
fhir_schema = _schema("/fhir/R4/openapi.json")
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ
def test_no_server_error_and_no_schema_violation(case: Any) -> None:
    # Every check but "schema-valid data is accepted": the rules behind a valid shape (an answer within its
    # instrument's range, a date not in the future, licensed wording installed) refuse with 422 by design.
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS['clinician']}"},
                           excluded_checks=[positive_data_acceptance])


def _others(world: Any) -> list[str]:
    return [world.mother_a2.full_name, world.mother_a2.pseudonym, world.mother_b.full_name,
            world.mother_b.pseudonym]


@schema.parametrize()
@FUZZ
def test_a_mothers_token_never_returns_another_mothers_data(case: Any, world: Any) -> None:
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
@settings(FUZZ, max_examples=5)
def test_fhir_endpoints_give_no_server_error(case: Any) -> None:
    """The FHIR endpoints take free JSON bodies; fuzzed, they still answer within their (FHIR JSON) schema."""
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS['clinician']}"},
                           excluded_checks=[positive_data_acceptance])
