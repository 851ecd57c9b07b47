"""A site's working hours, holidays and time zone decide every 'now or later' question."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bondwell.accounts import service_hours
from bondwell.accounts.models import Site
from bondwell.accounts.phones import PhoneNumberError, dialable, mobile_e164

SYDNEY = ZoneInfo("Australia/Sydney")


def site(**fields: object) -> Site:
    values: dict[str, object] = {"name": "s", "slug": "s", "country": "AU", "region": "NSW"}
    values.update(fields)
    return Site(**values)


def test_weekday_office_hours_are_open_and_evenings_are_not() -> None:
    s = site()
    assert service_hours.is_open(s, datetime(2026, 12, 1, 10, 0, tzinfo=SYDNEY))  # Tuesday
    assert not service_hours.is_open(s, datetime(2026, 12, 1, 17, 0, tzinfo=SYDNEY))
    assert not service_hours.is_open(s, datetime(2026, 12, 5, 10, 0, tzinfo=SYDNEY))  # Saturday


def test_a_public_holiday_is_closed_and_the_next_opening_skips_it() -> None:
    s = site()
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=SYDNEY)  # Friday; Boxing Day Saturday, observed Monday 28th
    assert service_hours.holiday_name(s, christmas.date()) == "Christmas Day"
    assert not service_hours.is_open(s, christmas)
    assert service_hours.next_opening(s, christmas) == datetime(2026, 12, 29, 9, 0, tzinfo=SYDNEY)


def test_the_site_clock_is_its_own_time_zone() -> None:
    perth = site(time_zone="Australia/Perth", region="WA")
    # 11:30 in Sydney is 08:30 in Perth (no daylight saving there): not open yet.
    assert not service_hours.is_open(perth, datetime(2026, 12, 1, 11, 30, tzinfo=SYDNEY))
    assert service_hours.is_open(perth, datetime(2026, 12, 1, 12, 30, tzinfo=SYDNEY))


def test_working_days_skip_weekends_and_holidays() -> None:
    s = site()
    thursday = datetime(2026, 12, 24, 15, 0, tzinfo=SYDNEY)
    assert service_hours.add_working_days(s, thursday, 1) == datetime(2026, 12, 29, 15, 0, tzinfo=SYDNEY)


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_zone", "Mars/Olympus"), ("working_days", "019"), ("working_days", ""), ("region", "XYZ")],
)
def test_nonsense_hours_are_named_by_field(field: str, value: str) -> None:
    assert field in service_hours.validate_site_hours(site(**{field: value}))


def test_closing_before_opening_is_refused() -> None:
    assert "closes_at" in service_hours.validate_site_hours(site(opens_at=time(17), closes_at=time(9)))


@pytest.mark.parametrize(("number", "country"), [("000", "AU"), ("13 11 14", "AU"), ("988", "US"), ("116 123", "UK")])
def test_crisis_numbers_and_short_codes_are_dialable(number: str, country: str) -> None:
    assert dialable(number, country) == number


@pytest.mark.parametrize("number", ["ring the ward", "12", "+61 2"])
def test_text_that_dials_nothing_is_refused(number: str) -> None:
    with pytest.raises(PhoneNumberError):
        dialable(number, "AU")


def test_a_mobile_is_stored_in_international_form_and_a_landline_is_refused() -> None:
    assert mobile_e164("0412 345 678", "AU") == "+61412345678"
    with pytest.raises(PhoneNumberError, match="not a mobile"):
        mobile_e164("02 9999 0000", "AU")
