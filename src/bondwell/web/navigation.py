"""Navigation per role and the panels shown on each role's home page.

Capabilities add themselves in settings (BONDWELL_NAV, BONDWELL_HOME_PANELS) rather than by editing the
templates, so the shell never needs to know which capabilities are installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class Panel:
    """One card on a home page: a template and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


def nav_links(request: HttpRequest) -> list[NavLink]:
    role = getattr(request.user, "role", None)
    if not request.user.is_authenticated or role is None:
        return []
    links = []
    for roles, label, url_name in settings.BONDWELL_NAV:
        if role not in roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        links.append(NavLink(label=label, url=url, active=active))
    return links


def home_panels(request: HttpRequest) -> list[Panel]:
    panels: list[Panel] = []
    for path in settings.BONDWELL_HOME_PANELS:
        provider: Callable[[HttpRequest], Panel | None] = import_string(path)
        panel = provider(request)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda p: p.order)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context processor."""
    return {"nav_links": nav_links(request)}
