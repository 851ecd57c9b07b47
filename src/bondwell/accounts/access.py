"""The scoping layer: the only place that decides whose records a user may open, and the audit of each opening.

Every view that reads or changes a mother's record goes through `access_mother` (one record) or
`mothers_in_scope` (lists), and every change through `audit`. Views never filter mothers on their own; the
role × view matrix test walks every URL to hold them to that.

A record outside the user's scope answers 404 (its existence is not revealed); a record in scope opened for a
purpose the role may not use answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from bondwell.accounts import audit_chain, request_context
from bondwell.accounts.models import AuditEvent, Mother, Site, User
from bondwell.accounts.roles import ALLOWED_PURPOSES, Purpose, Role

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])
RowT = TypeVar("RowT", bound=Model)


def _educator_scope(user: User) -> QuerySet[Mother]:
    # Educators see the mothers booked into the classes they teach; the programme capability owns that link.
    path = getattr(settings, "BONDWELL_EDUCATOR_SCOPE", "")
    if not path:
        return Mother.objects.none()
    scope: Callable[[User], QuerySet[Mother]] = import_string(path)
    return scope(user)


def mothers_in_scope(user: User) -> QuerySet[Mother]:
    """Every mother whose record this user may open for some purpose."""
    if not user.is_authenticated or not user.is_active:
        return Mother.objects.none()
    role = user.role
    if role == Role.MOTHER:
        return Mother.objects.filter(user=user)
    if user.site_id is None:
        return Mother.objects.none()
    if role in {Role.CLINICIAN, Role.SITE_LEAD}:
        return Mother.objects.filter(site_id=user.site_id)
    if role == Role.EDUCATOR:
        return _educator_scope(user).filter(site_id=user.site_id)
    return Mother.objects.none()


def may(user: User, purpose: Purpose) -> bool:
    return purpose in ALLOWED_PURPOSES.get(user.role, frozenset())


def client_address(request: HttpRequest) -> str | None:
    """The client's address (the forwarded one behind a configured trusted proxy): one rule for audit and lock-out."""
    from bondwell.security.client_ip import client_address as forwarded_or_remote

    return forwarded_or_remote(request)


def audit(
    request: HttpRequest | None,
    action: str,
    *,
    mother: Mother | None = None,
    obj: Model | None = None,
    detail: str = "",
    actor: User | None = None,
) -> AuditEvent:
    """Record one read or change of a record. Call inside the transaction of the change it records.

    Services pass no request (`audit(None, …, actor=by)`): the client's address and browser then come from the
    request being served (`request_context`), and are empty for the worker and the CLI.
    """
    where = request_context.context_of(request) if request is not None else request_context.current()
    user = actor or (request.user if request is not None and request.user.is_authenticated else None)
    event: AuditEvent = audit_chain.append(
        actor=user if isinstance(user, User) else None,
        actor_role=getattr(user, "role", "") or "system",
        action=action,
        mother=mother,
        object_type=obj._meta.label if obj is not None else ("accounts.Mother" if mother else ""),
        object_id=str(obj.pk) if obj is not None else (str(mother.pk) if mother else ""),
        detail=detail[:200],
        ip_address=where.ip_address,
        user_agent=where.user_agent,
    )
    return event


def access_mother(request: HttpRequest, mother_id: int, purpose: Purpose, *, action: str = "") -> Mother:
    """Open one mother's record for a purpose, or raise 404 (out of scope) / 403 (purpose not allowed)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    mother = mothers_in_scope(user).filter(pk=mother_id).select_related("site").first()
    if mother is None:
        raise Http404("No such record.")
    if not may(user, purpose):
        audit(request, "denied", mother=mother, detail=f"purpose={purpose.value}")
        raise PermissionDenied("Your role does not give access to this part of the record.")
    audit(request, action or f"view:{purpose.value}", mother=mother)
    return mother


def access_row(request: HttpRequest, rows: QuerySet[RowT], purpose: Purpose, *, action: str, missing: str) -> RowT:
    """The one row of `rows` (an alert, a follow-up, …), opened through its mother's record (`access_mother`):
    404 with `missing` when there is no such row, then 404 / 403 as her record answers."""
    found = rows.first()
    if found is None:
        raise Http404(missing)
    access_mother(request, found.mother_id, purpose, action=action)  # type: ignore[attr-defined]
    return found


def own_site(user: User) -> Site:
    """The site a staff member works at, for her site's own settings pages (404 for one without a site)."""
    if user.site is None:
        raise Http404("No site.")
    return user.site


def posted_row(request: HttpRequest, rows: QuerySet[RowT], name: str) -> RowT | None:
    """The row of `rows` whose id a form posted as `name` (None for a missing, malformed or foreign id)."""
    chosen = request.POST.get(name, "")
    return rows.filter(pk=int(chosen)).first() if chosen.isdigit() else None


def own_mother_record(request: HttpRequest) -> Mother:
    """The signed-in mother's own record with her site (404 for any other role or a mother without a record);
    read once per request, however many of its parts (the home page's panels) ask."""
    user = request.user
    if not isinstance(user, User) or user.role != Role.MOTHER:
        raise Http404("No such record.")
    mother: Mother | None = getattr(request, "_bondwell_own_mother", None)
    if mother is None or mother.user_id != user.pk:
        mother = Mother.objects.filter(user=user).select_related("site").first()
        if mother is None:
            raise Http404("No such record.")
        request._bondwell_own_mother = mother  # type: ignore[attr-defined]
    return mother


def signed_in_mother(request: HttpRequest) -> Mother | None:
    """`own_mother_record`, or None where it answers 404: for the parts of a page every role sees (a panel)."""
    try:
        return own_mother_record(request)
    except Http404:
        return None


def require_role(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Let only these roles into a view (403 for the others, login for anonymous)."""
    allowed = frozenset(roles)

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request.user, "role", None) not in allowed:
                raise PermissionDenied("This page is not part of your role.")
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
