"""No model field has a fixed date or time as its default: Django's check (fields.W161) compares such a value
with the clock and warns within ten seconds of it, which fails `check --deploy` at that moment of the day (it
once failed at 08:00 UTC on ReminderPreference.quiet_end)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.apps import apps
from django.utils import timezone as django_timezone


def test_no_date_or_time_default_is_a_fixed_value() -> None:
    fixed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.has_default() and isinstance(field.default, date | time | datetime)
    ]
    assert not fixed, f"give these a callable default: {fixed}"


@pytest.mark.parametrize("moment", [datetime(2026, 12, 1, 8, 0, 3, tzinfo=UTC),
                                    datetime(2026, 12, 1, 21, 0, 3, tzinfo=UTC)])
def test_the_quiet_hours_pass_djangos_checks_at_the_moment_they_name(
    monkeypatch: pytest.MonkeyPatch, moment: datetime
) -> None:
    from bondwell.programme.models import ReminderPreference

    monkeypatch.setattr(django_timezone, "now", lambda: moment)
    warnings = [w.id for name in ("quiet_start", "quiet_end")
                for w in ReminderPreference._meta.get_field(name).check()]
    assert "fields.W161" not in warnings
