"""A service never takes the HTTP request, yet its audit event says where a web request came from: the client's
address and browser are held for the length of the request (`accounts.request_context`) and cleared after it."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from bondwell.accounts import request_context
from bondwell.accounts.models import AuditEvent
from bondwell.rights import erasure


def test_a_service_called_by_a_view_records_the_clients_address_and_browser(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    response = client.post(reverse("rights-ask-erasure"), REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Phone/1.0")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="request:erasure", mother=world.mother_a)
    assert (event.actor, event.ip_address, event.user_agent) == (world.users["mother"], "198.51.100.4", "Phone/1.0")
    assert request_context.current() == request_context.NO_REQUEST  # cleared once the response is out


def test_outside_a_request_the_worker_and_the_cli_record_no_address(world: Any) -> None:
    erasure.request_erasure(world.mother_a, by=world.users["site_lead"])
    event = AuditEvent.objects.get(action="request:erasure", mother=world.mother_a)
    assert (event.actor, event.ip_address, event.user_agent) == (world.users["site_lead"], None, "")


def test_the_context_is_cleared_after_the_response_even_when_the_view_raises() -> None:
    seen: list[request_context.RequestContext] = []

    def failing_view(request: HttpRequest) -> HttpResponse:
        seen.append(request_context.current())
        raise RuntimeError("the view failed")

    middleware = request_context.RequestContextMiddleware(failing_view)
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="x" * 300)
    with pytest.raises(RuntimeError):
        middleware(request)
    assert seen == [request_context.RequestContext("203.0.113.9", "x" * 200)]
    assert request_context.current() == request_context.NO_REQUEST


def test_the_middleware_runs_first_so_every_audit_of_the_request_sees_it(settings: Any) -> None:
    assert settings.MIDDLEWARE[0] == "bondwell.accounts.request_context.RequestContextMiddleware"
