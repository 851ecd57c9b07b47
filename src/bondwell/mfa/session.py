"""The session's record that its user passed the second step: one function sets it, for every kind of factor."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

VERIFIED_KEY = "_bondwell_second_factor"
# A mother without a second factor: remembered so her page views need no lookup.
NOT_ENROLLED_KEY = "_bondwell_no_second_factor"


def mark_verified(session: SessionBase, user: Any, method: str) -> None:
    """Record in the session that `user` passed the second step with `method` (totp, passkey, recovery...)."""
    session[VERIFIED_KEY] = {"user": int(user.pk), "method": method, "at": int(time.time())}
    session.pop(NOT_ENROLLED_KEY, None)


def verified_method(session: SessionBase, user: Any) -> str | None:
    mark = session.get(VERIFIED_KEY)
    if isinstance(mark, dict) and mark.get("user") == user.pk:
        return str(mark.get("method"))
    return None
