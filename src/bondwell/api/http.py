"""What every API request shares: token authentication (rate-limited, audited), scopes, and RFC 9457 problem
documents for every refusal, so a client never sees a 500 or an HTML error page for bad input."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.api import tokens
from bondwell.api.models import ApiToken
from bondwell.errors import BondwellError, field_errors
from bondwell.web import site_clock

PROBLEM_TYPE = "application/problem+json"
MAX_ID = 2**31 - 1
# Bodies above this are refused with 413 before they are read (REDCap imports included).
MAX_BODY_BYTES = 2 * 1024 * 1024


class FieldProblem(Schema):
    field: str
    problem: str


class Problem(Schema):
    """An RFC 9457 problem document; `errors` names each field and what is wrong with it."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] = []


ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 415, 422, 429)
ERRORS: dict[int, type[Problem]] = dict.fromkeys(ERROR_STATUSES, Problem)

TITLES = {
    400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found", 405: "Method not allowed",
    409: "Conflict", 413: "Body too large", 415: "Unsupported media type", 422: "Invalid input",
    429: "Too many requests",
}


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limit reached")
        self.retry_after = retry_after


class ScopeMissing(PermissionDenied):
    pass


class Unprocessable(Exception):
    """Input the rules refuse: 422 naming each field (or 409 for a conflict with what already exists)."""

    def __init__(self, detail: str, errors: Iterable[tuple[str, str]] = (), status: int = 422) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors)
        self.status = status


def whole_number(text: str) -> bool:
    """0-9 only: `str.isdigit` also admits ² and other digits `int()` refuses."""
    return text.isascii() and text.isdigit()


def problem(
    request: HttpRequest | None, status: int, detail: str, errors: Iterable[tuple[str, str]] = (),
    *, title: str | None = None, headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = {
        "type": f"urn:bondwell:problem:{status}",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path if request is not None else None,
        "errors": [{"field": f, "problem": p} for f, p in errors],
    }
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _location(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    # ninja prefixes pydantic's path with where the value came from ("body", "query", "path") and the argument.
    if parts and parts[0] in {"body", "query", "path", "header", "form"}:
        source = parts[0]
        rest = parts[2:] if len(parts) > 2 else parts[1:]
        return ".".join(rest) if source == "body" else ".".join(rest or parts[1:])
    return ".".join(parts)


def validation_errors(exc: NinjaValidationError) -> list[tuple[str, str]]:
    return [(_location(e.get("loc", ())) or "body", str(e.get("msg", "invalid"))) for e in exc.errors]


def django_errors(exc: DjangoValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(name, " ".join(str(m) for m in messages)) for name, messages in exc.message_dict.items()]
    return [("", " ".join(exc.messages))]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bw_…`: a live token, within its rate limit; every use is audited."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = tokens.find_active(token.strip())
        if found is None:
            return None
        allowed, retry_after = tokens.count_request(found)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        site_clock.activate_for(found.user)
        audit(request, "api:use", actor=found.user,
              detail=f"{found.prefix} {request.method} {request.path}{' refused: rate' if not allowed else ''}")
        if not allowed:
            raise RateLimited(retry_after)
        return found


def token_of(request: HttpRequest) -> ApiToken:
    token = getattr(request, "api_token", None)
    if not isinstance(token, ApiToken):
        raise AuthenticationError()
    return token


def user_of(request: HttpRequest) -> User:
    user: User = token_of(request).user
    return user


def need(request: HttpRequest, resource: str, access: str) -> User:
    """The token's user, when the token carries the scope (403 otherwise)."""
    token = token_of(request)
    if not tokens.has_scope(token, resource, access):
        raise ScopeMissing(f"This token lacks the scope {resource}:{access}.")
    user: User = token.user
    return user


def _problem_content(schema: dict[str, Any]) -> None:
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content")
                if str(status).startswith(("4", "5")) and content and "application/json" in content:
                    response["content"] = {PROBLEM_TYPE: content.pop("application/json")}


class BondwellApi(NinjaAPI):
    """A NinjaAPI whose refusals are problem documents, with the error responses declared in the schema."""

    problem_renderer: Callable[..., HttpResponse] = staticmethod(problem)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._install_handlers()

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        _problem_content(schema)
        return schema

    def get_openapi_operation_id(self, operation: Any) -> str:
        return str(operation.view_func.__name__)

    def refuse(self, request: HttpRequest, status: int, detail: str, errors: Iterable[tuple[str, str]] = (),
               headers: dict[str, str] | None = None) -> HttpResponse:
        return self.problem_renderer(request, status, detail, errors, headers=headers)

    def _install_handlers(self) -> None:
        def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
            errors = validation_errors(exc)
            fields = ", ".join(sorted({f for f, _ in errors})) or "the request"
            return self.refuse(request, 422, f"Check {fields}.", errors)

        def on_auth(request: HttpRequest, exc: Exception) -> HttpResponse:
            return self.refuse(request, 401, "Send a valid API token: Authorization: Bearer bw_…",
                               headers={"WWW-Authenticate": 'Bearer realm="bondwell"'})

        def on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
            return self.refuse(request, 404, "No such record (or not one you may open).")

        def on_403(request: HttpRequest, exc: Exception) -> HttpResponse:
            return self.refuse(request, 403, str(exc) or "Your role does not allow this.")

        def on_unprocessable(request: HttpRequest, exc: Unprocessable) -> HttpResponse:
            return self.refuse(request, exc.status, exc.detail, exc.errors)

        def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
            errors = django_errors(exc)
            return self.refuse(request, 422, " ".join(p for _, p in errors), errors)

        def on_rate(request: HttpRequest, exc: RateLimited) -> HttpResponse:
            return self.refuse(request, 429, f"This token's limit is {tokens.rate_per_minute()} requests a minute.",
                               headers={"Retry-After": str(exc.retry_after)})

        def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
            return self.refuse(request, 413, f"The body is larger than {MAX_BODY_BYTES} bytes.")

        def on_suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
            return self.refuse(request, 400, "The request could not be read.")

        def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
            return self.refuse(request, exc.status_code, str(exc))

        def on_refused(request: HttpRequest, exc: BondwellError) -> HttpResponse:
            # A service's refusal (bondwell.errors): its message, and its field when it names one.
            return self.refuse(request, 422, exc.message, field_errors(exc))

        self.add_exception_handler(NinjaValidationError, on_validation)  # type: ignore[arg-type]
        self.add_exception_handler(AuthenticationError, on_auth)  # type: ignore[arg-type]
        self.add_exception_handler(Http404, on_404)  # type: ignore[arg-type]
        self.add_exception_handler(PermissionDenied, on_403)  # type: ignore[arg-type]
        self.add_exception_handler(Unprocessable, on_unprocessable)  # type: ignore[arg-type]
        self.add_exception_handler(DjangoValidationError, on_django_validation)  # type: ignore[arg-type]
        self.add_exception_handler(RateLimited, on_rate)  # type: ignore[arg-type]
        self.add_exception_handler(RequestDataTooBig, on_too_big)  # type: ignore[arg-type]
        self.add_exception_handler(SuspiciousOperation, on_suspicious)  # type: ignore[arg-type]
        self.add_exception_handler(HttpError, on_http_error)  # type: ignore[arg-type]
        self.add_exception_handler(BondwellError, on_refused)  # type: ignore[arg-type]


def check_body_size(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise RequestDataTooBig("body too large")
