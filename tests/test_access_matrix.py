"""Every role against every view: allowed, 403 or 404, as each capability's access_cases declare."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import ALL_ROLES, Case, RolePage

TESTS_DIR = Path(__file__).parent


def _load_cases() -> tuple[list[Case], list[RolePage], set[str]]:
    cases: list[Case] = []
    pages: list[RolePage] = []
    public: set[str] = set()
    for module_info in pkgutil.iter_modules([str(TESTS_DIR)]):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.access_cases")
        except ModuleNotFoundError as error:
            if error.name == f"tests.{module_info.name}.access_cases":
                continue
            raise
        cases.extend(getattr(module, "CASES", []))
        pages.extend(getattr(module, "ROLE_PAGES", []))
        public.update(getattr(module, "PUBLIC", set()))
    return cases, pages, public


CASES, ROLE_PAGES, PUBLIC = _load_cases()
# Django's and axes' own views that are not part of the matrix.
FRAMEWORK = {"logout"}


def _named_patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    names: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{entry.namespace}:" if entry.namespace else prefix
            names.extend(_named_patterns(entry, ns))
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(prefix + entry.name)
    return names


def test_every_named_view_is_in_the_matrix() -> None:
    covered = {c.url_name for c in CASES} | {p.url_name for p in ROLE_PAGES} | PUBLIC | FRAMEWORK
    missing = sorted(set(_named_patterns(get_resolver())) - covered)
    assert not missing, f"views missing from the access matrix (add them to tests/<app>/access_cases.py): {missing}"


def _status(client: Any, method: str, url: str, data: dict[str, Any] | None) -> int:
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return int(response.status_code)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.url_name)
def test_record_views_answer_each_role_as_declared(case: Case, world: Any, client: Any) -> None:
    answers: dict[str, tuple[int, int]] = {}
    expected: dict[str, tuple[int, int]] = {}
    for role in ALL_ROLES:
        user = world.users[role]
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for mother in world.foreign_mothers_for(role):
            url = reverse(case.url_name, kwargs=case.kwargs(world, mother))
            status = _status(client, case.method, url, case.data)
            expected_foreign = case.foreign_status(role)
            assert status == expected_foreign, (
                f"{role} opening {case.url_name} of another mother ({mother.full_name}): "
                f"got {status}, expected {expected_foreign}"
            )
        own_url = reverse(case.url_name, kwargs=case.kwargs(world, world.own_mother_for(role)))
        answers[role] = (_status(client, case.method, own_url, case.data), 0)
        expected[role] = (case.own[role], 0)
        client.logout()
    assert answers == expected, f"{case.url_name}: answers on own-scope records differ from the matrix"
    anonymous = _status(client, case.method, own_url, case.data)
    assert anonymous in {302, 403}, f"{case.url_name} must not open for an anonymous visitor (got {anonymous})"


@pytest.mark.parametrize("page", ROLE_PAGES, ids=lambda p: p.url_name)
def test_role_pages_answer_each_role_as_declared(page: RolePage, world: Any, client: Any) -> None:
    url = reverse(page.url_name, kwargs=page.kwargs)
    answers = {}
    for role in ALL_ROLES:
        client.force_login(world.users[role], backend="django.contrib.auth.backends.ModelBackend")
        answers[role] = client.get(url).status_code
        client.logout()
    assert answers == page.expect
    assert client.get(url).status_code == 302, f"{page.url_name} must send an anonymous visitor to sign in"


# ---- the scoping layer's audit: every opening and every denial of a record in scope leaves an event -------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_opening_and_every_denial_is_audited(role: str, world: Any, rf: Any) -> None:
    """Each role × purpose on a record in its scope: allowed opens and writes `view:<purpose>`; refused is 403
    and writes `denied` with the purpose; out of scope is 404 and writes nothing (its existence is not revealed)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from bondwell.accounts.access import access_mother, may, mothers_in_scope
    from bondwell.accounts.models import AuditEvent
    from bondwell.accounts.roles import Purpose

    user = world.users[role]
    mother = world.own_mother_for(role)
    in_scope = mothers_in_scope(user).filter(pk=mother.pk).exists()
    for purpose in Purpose:
        request = rf.get("/", REMOTE_ADDR="192.0.2.9")
        request.user = user
        events = AuditEvent.objects.filter(actor=user, mother=mother)
        before = set(events.values_list("pk", flat=True))
        if not in_scope:
            with pytest.raises(Http404):
                access_mother(request, mother.pk, purpose)
            assert events.count() == len(before), f"{role}: a record out of scope was audited (revealing it)"
            continue
        if may(user, purpose):
            assert access_mother(request, mother.pk, purpose) == mother
            expected = (f"view:{purpose.value}", "")
        else:
            with pytest.raises(PermissionDenied):
                access_mother(request, mother.pk, purpose)
            expected = ("denied", f"purpose={purpose.value}")
        new = list(events.exclude(pk__in=before).values_list("action", "detail", "ip_address"))
        assert new == [(*expected, "192.0.2.9")], f"{role} opening for {purpose.value}: audited {new}"


def test_the_matrix_meets_denials_as_well_as_openings() -> None:
    """The walk above would not notice a silent denial unless some role is refused a purpose on its own record."""
    from bondwell.accounts.roles import ALLOWED_PURPOSES, Purpose, Role

    scoped = (Role.MOTHER, Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD)
    assert any(set(Purpose) - ALLOWED_PURPOSES[role] for role in scoped)
