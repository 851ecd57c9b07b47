"""The audit of a list that refreshes itself (the alert queue's live partial, polled every 15 seconds).

Every opening of a record is audited, always (`access.access_mother`). A list of alerts is not a record: what an
audit of it has to answer is *who was shown which alerts, and when*. A poll that shows the same alerts as the
last one audited for this session adds nothing to that answer, so it is not written again; a poll is audited
when the set of alerts shown changes, and at least once every `LIST_AUDIT_SECONDS` while the page stays open.
Opening the list itself (the whole page, not the poll) is always audited. The rule is in docs/security.md and
held by tests/screening/test_queue_audit.py.

The last audited set is kept in the cache (`BONDWELL_CACHE_URL`): shared by every web process with Redis; with
the per-process default a poll answered by another process is audited once more there. A cache that fails or
forgets only ever leads to one audit too many, never one too few.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.http import HttpRequest

from bondwell.accounts.access import audit

LIST_AUDIT_SECONDS = 15 * 60  # a list shown unchanged is audited again after this long


def _key(request: HttpRequest, action: str) -> str:
    session_key = getattr(getattr(request, "session", None), "session_key", None) or "none"
    return f"list-audit:{getattr(request.user, 'pk', None)}:{session_key}:{action}"


def _digest(action: str, ids: list[int]) -> str:
    return hashlib.sha256(f"{action}|{','.join(map(str, ids))}".encode()).hexdigest()


def audit_list(request: HttpRequest, action: str, shown: Iterable[int], *, always: bool = False) -> bool:
    """Audit that this list of record ids was shown, unless this session was shown the same set within
    `LIST_AUDIT_SECONDS` (and `always` is off). Returns whether an event was written."""
    ids = sorted(set(shown))
    digest = _digest(action, ids)
    key = _key(request, action)
    if not always:
        try:
            if cache.get(key) == digest:
                return False
        except Exception:  # an unreachable cache: audit, as without this rule
            pass
    audit(request, action, detail=f"shown={len(ids)} ids={','.join(map(str, ids))}")
    with contextlib.suppress(Exception):  # not remembered: the next poll is audited again
        cache.set(key, digest, LIST_AUDIT_SECONDS)
    return True
