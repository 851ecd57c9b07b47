"""The client's address: REMOTE_ADDR, or, when that is a configured trusted proxy, the address it forwarded.

Behind the documented reverse proxy every request comes from the proxy; its X-Forwarded-For header names the
client. The header is believed only from the proxies listed in BONDWELL_TRUSTED_PROXIES (never guessed: a
client that talks to Bondwell directly could send any header). Used by the lock-out (axes) and the audit.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    remote = _ip(request.META.get("REMOTE_ADDR", "") or "")
    trusted = set(settings.BONDWELL_TRUSTED_PROXIES)
    if remote is None or remote not in trusted:
        return remote
    forwarded = request.META.get(settings.BONDWELL_CLIENT_IP_META, "")
    for hop in reversed([part for part in str(forwarded).split(",") if part.strip()]):
        address = _ip(hop)
        if address is None:
            return remote  # a malformed chain: do not trust any of it
        if address not in trusted:
            return address
    return remote
