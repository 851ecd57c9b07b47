"""Who is asking, for the audit: the current web request's client address and browser, held for its duration.

Services never take the HTTP request (they take `by: User`), yet an audit event written while a web request is
served should still record where it came from. `RequestContextMiddleware` puts the client's address (the same
rule as the lock-out: `security.client_ip`) and user agent in a context variable for the length of the request
and always clears it afterwards, also when the view raises. `accounts.access.audit` reads it when it is given no
request. Outside a request (the worker, the CLI) there is no context: no address, an empty user agent.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    user_agent: str


NO_REQUEST = RequestContext(ip_address=None, user_agent="")

_current: ContextVar[RequestContext] = ContextVar("bondwell_request_context", default=NO_REQUEST)


def context_of(request: HttpRequest) -> RequestContext:
    """The audit's view of one request: its client address and (at most 200 characters of) user agent."""
    from bondwell.security.client_ip import client_address

    return RequestContext(
        ip_address=client_address(request), user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:200]
    )


def current() -> RequestContext:
    """The request being served in this thread or task, or `NO_REQUEST` outside one."""
    return _current.get()


class RequestContextMiddleware:
    """Holds the request's context while the rest of the stack and the view run; clears it on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(context_of(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
