"""Everything Bondwell holds about one mother, for her to download (JSON and a readable PDF).

Built from the rows that belong to her (bondwell.rights.graph), with secrets and internal machinery left out:
sign-in factors, hashes, delivery tokens. Her study arm is left out while a study may be blinded; the study
team can tell her. Staff are named by role only.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from bondwell.accounts.models import Mother
from bondwell.rights.graph import reachable

# Record types not given to her, and why (stated in the download itself).
LEFT_OUT = {
    "accounts.User": "your sign-in account (your email is under 'accounts.Mother')",
    "studies.Allocation": "your study group, kept from everyone while a study is blinded; ask the study team",
    "mfa.Passkey": "sign-in factors (secret)",
    "mfa.RecoveryCode": "sign-in factors (secret)",
    "mfa.RememberedDevice": "sign-in factors (secret)",
    "otp_totp.TOTPDevice": "sign-in factors (secret)",
    "api.ApiToken": "access tokens (secret)",
    "api.ApiTokenWindow": "access tokens (secret)",
    "notify.MobileCheck": "one-time codes (secret)",
    "notify.AckLink": "one-time links (secret)",
}
SECRET_FIELDS = {
    "password", "hash", "prev_hash", "digest", "claim_token", "dedupe_key", "idempotency_key", "key", "token_hash",
    "user_agent", "ip_address", "claimed_by", "claimed_until", "nonce", "code_hash", "source_key",
}
MAX_ROWS_PER_TYPE = 10_000


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        if isinstance(field, models.ForeignKey):
            out[field.name] = getattr(obj, field.attname)
            continue
        value = getattr(obj, field.attname)
        if getattr(field, "choices", None):
            display = getattr(obj, f"get_{field.name}_display", None)
            value = display() if callable(display) else value
        out[field.name] = _value(value)
    return out


def collect(mother: Mother) -> dict[str, Any]:
    rows = reachable(mother)
    records: dict[str, list[dict[str, Any]]] = {}
    for model, ids in sorted(rows.items(), key=lambda item: item[0]._meta.label):
        label = model._meta.label
        if label in LEFT_OUT or not ids:
            continue
        queryset = model._default_manager.filter(pk__in=ids).order_by("pk")[:MAX_ROWS_PER_TYPE]
        items = [_row(obj) for obj in queryset]
        if label == "accounts.AuditEvent":
            # Who opened her record: role, action and time (staff are not named).
            items = [{k: v for k, v in item.items() if k not in {"actor"}} for item in items]
        records[label] = items
    return {
        "about": "Everything Bondwell holds about you, as of the time below. Record types are named "
                 "app.Model; each row lists its fields.",
        "generated_at": timezone.localtime().isoformat(),
        "mother": {"pseudonym": mother.pseudonym, "site": str(mother.site)},
        "records": records,
        "left_out": LEFT_OUT,
        "verbose_names": {m._meta.label: str(m._meta.verbose_name_plural) for m in apps.get_models()
                          if m._meta.label in records},
    }
