"""When a site's clinicians are at work: its time zone, working days and hours, and its public holidays.

Every sentence that promises a mother "today", every alert routed "in hours" or "to the on-call clinician", and
every acknowledgement window counted in working days asks this module, so one site configuration answers them
all. Public holidays come from the `holidays` package for the site's country and region.
"""

from __future__ import annotations

import functools
from collections.abc import Set
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays

if TYPE_CHECKING:
    from bondwell.accounts.models import Site

# Bondwell's country codes as the `holidays` package names them.
HOLIDAY_COUNTRY = {"AU": "AU", "UK": "GB", "US": "US"}
# A site looks this far ahead for its next working hour (longer than any run of holidays and closed days).
_SEARCH_DAYS = 60


def zone(site: Site) -> ZoneInfo:
    return ZoneInfo(site.zone_name)


def local(site: Site, moment: datetime) -> datetime:
    """`moment` on the site's wall clock."""
    return moment.astimezone(zone(site))


@functools.lru_cache(maxsize=256)
def _holidays(country: str, region: str, year: int) -> Set[date]:
    calendar = holidays.country_holidays(HOLIDAY_COUNTRY.get(country, country), subdiv=region or None, years=year)
    return frozenset(calendar.keys())


def holiday_name(site: Site, day: date) -> str | None:
    """The public holiday on `day` at this site, or None."""
    if day not in _holidays(site.country, site.region, day.year):
        return None
    calendar = holidays.country_holidays(
        HOLIDAY_COUNTRY.get(site.country, site.country), subdiv=site.region or None, years=day.year
    )
    return str(calendar.get(day))


def is_working_day(site: Site, day: date) -> bool:
    return str(day.weekday()) in site.working_days and day not in _holidays(site.country, site.region, day.year)


def is_open(site: Site, moment: datetime) -> bool:
    """Whether the site's clinicians are at work at `moment`."""
    here = local(site, moment)
    return is_working_day(site, here.date()) and site.opens_at <= here.time() < site.closes_at


def _at(site: Site, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone(site))


def closes_at(site: Site, moment: datetime) -> datetime | None:
    """When today's working hours end, if the site is open at `moment`; None when it is closed."""
    if not is_open(site, moment):
        return None
    return _at(site, local(site, moment).date(), site.closes_at)


def next_opening(site: Site, moment: datetime) -> datetime:
    """The start of the site's next working hours after `moment` (`moment` itself when it is open then)."""
    if is_open(site, moment):
        return moment
    here = local(site, moment)
    for offset in range(_SEARCH_DAYS):
        day = here.date() + timedelta(days=offset)
        start = _at(site, day, site.opens_at)
        if is_working_day(site, day) and start >= here:
            return start
    raise ValueError(f"{site.name} has no working hours in the next {_SEARCH_DAYS} days")


def add_working_days(site: Site, moment: datetime, days: int) -> datetime:
    """`days` of the site's working days after `moment`, at the same wall-clock time (holidays skipped)."""
    here = local(site, moment)
    added = 0
    day = here.date()
    for _ in range(_SEARCH_DAYS * max(1, days)):
        if added >= days:
            break
        day += timedelta(days=1)
        if is_working_day(site, day):
            added += 1
    return datetime.combine(day, here.timetz())


def validate_site_hours(site: Site) -> dict[str, str]:
    """Field name -> what is wrong, for every hours field that does not make sense (empty when all do)."""
    problems: dict[str, str] = {}
    if site.time_zone:
        if site.time_zone not in _zones():
            problems["time_zone"] = f"{site.time_zone!r} is not a time zone name such as Australia/Perth."
        else:
            try:
                ZoneInfo(site.time_zone)
            except ZoneInfoNotFoundError:
                problems["time_zone"] = f"{site.time_zone!r} is not a known time zone."
    days = site.working_days or ""
    if not days or any(c not in "0123456" for c in days) or len(set(days)) != len(days):
        problems["working_days"] = "Give each working day once as a digit, 0 = Monday to 6 = Sunday (e.g. 01234)."
    if site.opens_at is not None and site.closes_at is not None and site.opens_at >= site.closes_at:
        problems["closes_at"] = "Working hours must end after they start."
    if site.region:
        known = regions(site.country)
        if site.region not in known:
            problems["region"] = f"{site.region!r} is not a region of {site.country}; use one of {', '.join(known)}."
    return problems


def regions(country: str) -> list[str]:
    """The states, territories or nations with public holidays of their own in Bondwell's `country`."""
    return list(holidays.country_holidays(HOLIDAY_COUNTRY.get(country, country)).subdivisions)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())
