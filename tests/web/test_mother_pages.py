"""The list of a mother's pages (tests/web/mother_pages.py) is complete: every URL without arguments is opened as a
mother and signed out, and every page the access matrix lets her open is named, so the pseudo-locale test and the
phone checks cannot miss a page."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.test_access_matrix import CASES, ROLE_PAGES
from tests.web.mother_pages import IN_A_FLOW, NOT_FOR_HER, NOT_PAGES, SIGNED_IN, SIGNED_OUT


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    names: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            names.extend(_names(entry, f"{entry.namespace}:" if entry.namespace else prefix))
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(prefix + entry.name)
    return sorted(set(names))


def _opened(client: Any) -> dict[str, str]:
    """Each URL without arguments that answers 200, with its content type."""
    found: dict[str, str] = {}
    for name in _names(get_resolver()):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # needs arguments: the access matrix covers those
        response = client.get(url)
        if response.status_code == 200:
            found[name] = response.get("Content-Type", "")
    return found


def test_every_page_a_signed_in_mother_opens_is_listed(world: Any, client_as: Any) -> None:
    opened = _opened(client_as(world.users["mother"]))
    pages = {name for name, kind in opened.items() if kind.startswith("text/html")}
    others = set(opened) - pages
    missing = sorted(pages - set(SIGNED_IN) - set(SIGNED_OUT) - set(NOT_FOR_HER))
    assert not missing, f"add to SIGNED_IN (or NOT_FOR_HER) in tests/web/mother_pages.py: {missing}"
    files = sorted(others - set(NOT_PAGES))
    assert not files, f"add to NOT_PAGES in tests/web/mother_pages.py: {files}"
    gone = sorted(set(SIGNED_IN) - pages)
    assert not gone, f"listed in SIGNED_IN but she cannot open it: {gone}"


def test_every_page_open_before_signing_in_is_listed(db: None, client: Any) -> None:
    pages = {name for name, kind in _opened(client).items() if kind.startswith("text/html")}
    missing = sorted(pages - set(SIGNED_OUT) - set(SIGNED_IN) - set(NOT_FOR_HER))
    assert not missing, f"add to SIGNED_OUT in tests/web/mother_pages.py: {missing}"


def test_every_page_the_access_matrix_opens_for_her_is_listed() -> None:
    hers = {case.url_name for case in CASES if case.method == "get" and case.own.get("mother") == 200}
    hers |= {page.url_name for page in ROLE_PAGES if page.expect.get("mother") == 200}
    listed = set(SIGNED_IN) | set(IN_A_FLOW) | set(NOT_PAGES) | set(NOT_FOR_HER)
    missing = sorted(hers - listed)
    assert not missing, f"add to tests/web/mother_pages.py: {missing}"
