"""Retention periods per record type (bondwell.rights.policy), applied by the worker."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.apps import apps
from django.db import transaction

from bondwell.accounts.access import audit
from bondwell.rights import policy

BATCH = 500


def run(now: datetime) -> int:
    """Delete or empty rows whose retention period has ended; returns the rows handled."""
    handled = 0
    for rule in policy.RECORD_TYPES:
        if rule.retention_days is None:
            continue
        try:
            model = apps.get_model(rule.label)
        except LookupError:
            continue
        cutoff = now - timedelta(days=rule.retention_days)
        due = model._default_manager.filter(**{f"{rule.retention_from}__lt": cutoff}, **rule.retention_filter)
        if rule.on_retention == "clear":
            due = due.exclude(**rule.clear)
        with transaction.atomic():
            ids = list(due.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                continue
            rows = model._default_manager.filter(pk__in=ids)
            if rule.on_retention == "delete":
                rows.delete()
            else:
                rows.update(**rule.clear)
            audit(None, "retention", detail=f"{rule.label}: {rule.on_retention} {len(ids)} rows older than "
                                            f"{rule.retention_days} days")
        handled += len(ids)
    cutoff = now - timedelta(days=policy.SIGN_IN_LOG_RETENTION_DAYS)
    for label in policy.SIGN_IN_LOGS:
        try:
            log = apps.get_model(label)
        except LookupError:
            continue
        with transaction.atomic():
            ids = list(log._default_manager.filter(attempt_time__lt=cutoff).values_list("pk", flat=True)[:BATCH])
            log._default_manager.filter(pk__in=ids).delete()
        handled += len(ids)
    return handled
