"""Who must pass a second factor, and which pages they may open before they have.

Every staff role needs one: educators, clinicians and site leads see mothers' records and risk answers,
researchers and statisticians study exports, administrators manage accounts. A mother needs one once she has
set one up.
Before the second step only the pages that lead to it (and signing out) open.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import Resolver404, resolve

from bondwell.accounts.roles import Role

# Every role but a mother's: a role added later is staff, and so needs a second factor, unless stated here.
STAFF_ROLES = frozenset(Role.values) - {Role.MOTHER.value}

# URL names open to a signed-in user who has not passed the second step yet.
OPEN_BEFORE_SECOND_STEP = frozenset({
    "logout", "healthz", "favicon",
    "mfa-verify", "mfa-setup", "mfa-passkey-login-options", "mfa-passkey-login",
})


def second_factor_required(role: str) -> bool:
    return role in STAFF_ROLES


def open_before_second_step(request: HttpRequest) -> bool:
    from django.conf import settings

    path = request.path_info
    if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name in OPEN_BEFORE_SECOND_STEP
