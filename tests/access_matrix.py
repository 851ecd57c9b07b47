"""The role × view access matrix, shared by every capability.

Each capability lists its views in `tests/<capability>/access_cases.py` as `CASES` (views of one mother's data,
opened on her record and on records the viewer must not see) and `ROLE_PAGES` (views without a record id, with
the answer each role gets). `PUBLIC` names views anyone may open. test_access_matrix.py fails when a URL is
missing from all three, so no view can skip the scoping layer unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ALL_ROLES = ("mother", "educator", "clinician", "site_lead", "researcher", "statistician", "admin")


@dataclass(frozen=True)
class Case:
    """A view of data belonging to one mother.

    `kwargs(world, mother)` makes (or finds) the object and returns the URL's kwargs. `own` gives each role's
    status code on a record of its own scope (world.own_mother_for(role)); on every record outside its scope a
    role must get `foreign` (404 by default: not found, not "forbidden", so existence is not revealed).
    """

    url_name: str
    kwargs: Callable[[Any, Any], dict[str, Any]]
    own: dict[str, int]
    foreign: dict[str, int] = field(default_factory=dict)
    method: str = "get"
    data: dict[str, Any] | None = None

    def foreign_status(self, role: str) -> int:
        return self.foreign.get(role, 404 if self.own.get(role) != 403 else 403)


@dataclass(frozen=True)
class RolePage:
    """A view without a record id: each role's answer."""

    url_name: str
    expect: dict[str, int]
    kwargs: dict[str, Any] = field(default_factory=dict)


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, status) for role in ALL_ROLES}
