"""Synthetic demo data: two sites, one person per role, and whatever each capability adds.

Every record made here is marked synthetic. Loaders run in the order of settings.BONDWELL_DEMO_LOADERS and
share one DemoContext, so later capabilities build on the people made first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from bondwell.accounts.models import Mother, Site, User
from bondwell.accounts.roles import Role

DEMO_PASSWORD = "bondwell-demo"
DEMO_SEED = 20261124


@dataclass
class DemoContext:
    now: datetime
    today: date
    rng: random.Random
    sites: dict[str, Site] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    mothers: list[Mother] = field(default_factory=list)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    site: str


def is_empty() -> bool:
    return not User.objects.exists()


def load(*, reset: bool) -> DemoContext:
    """Load the demo (after wiping the database when reset is true)."""
    if reset:
        call_command("flush", interactive=False, verbosity=0)
    now = timezone.now()
    context = DemoContext(now=now, today=timezone.localdate(now), rng=random.Random(DEMO_SEED))
    for path in settings.BONDWELL_DEMO_LOADERS:
        loader = import_string(path)
        with transaction.atomic():
            loader(context)
    return context


def demo_logins() -> list[DemoLogin]:
    roles = list(Role.values)  # mothers first, then staff as the roles are listed; each role's sites in order
    users = sorted(User.objects.filter(is_synthetic=True).select_related("site").order_by("id"),
                   key=lambda user: roles.index(user.role) if user.role in roles else len(roles))
    seen: set[str] = set()
    logins = []
    for user in users:
        key = f"{user.role}:{user.site_id}"
        if key in seen:
            continue
        seen.add(key)
        logins.append(DemoLogin(role=user.get_role_display(), email=user.email, site=str(user.site or "all sites")))
    return logins
