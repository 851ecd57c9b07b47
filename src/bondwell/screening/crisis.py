"""Crisis contacts that cannot be lost: whom a mother can call, when each line is open, and which to call now.

The national emergency number and the country's 24/7 crisis lines (data/crisis_contacts.yaml) are always shown;
a site's own contacts are added after them and never replace them. Every contact says its hours; the "call now"
list holds only lines open at this moment (or 24/7); a line that is not a crisis line says so. Sites in
Northern Ireland get Lifeline instead of NHS 111's mental-health option (matched on `Site.region`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time
from importlib import resources
from zoneinfo import ZoneInfo

import yaml
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, pgettext

from bondwell.accounts.models import Site
from bondwell.accounts.phones import tel_link


@dataclass(frozen=True)
class Opening:
    """Open on `days` (0 = Monday) from `opens` to `closes`, wall-clock time in `zone`."""

    days: str
    opens: time
    closes: time
    zone: str

    def covers(self, moment: datetime) -> bool:
        here = moment.astimezone(ZoneInfo(self.zone))
        return str(here.weekday()) in self.days and self.opens <= here.time() < self.closes

    def describe(self) -> str:
        return gettext("%(days)s %(opens)s to %(closes)s") % {
            "days": _days_text(self.days), "opens": _clock(self.opens), "closes": _clock(self.closes),
        }


@dataclass(frozen=True)
class CrisisContact:
    name: str
    phone: str
    description: str
    source: str
    always_open: bool = False  # 24 hours, 7 days
    openings: tuple[Opening, ...] = ()
    call_back: bool = False  # leave a message; someone calls back (never "call now")
    crisis_line: bool = True
    hours_note: str = ""  # e.g. "times in Melbourne time"; shown after the hours
    from_site: bool = False

    @property
    def tel(self) -> str:
        """The number as a tel: link wants it (digits and a leading +)."""
        return tel_link(self.phone)

    @property
    def when(self) -> str:
        """Its hours in plain words."""
        if self.always_open:
            text = gettext("24 hours, 7 days")
        elif self.call_back:
            text = gettext("Leave a message at any time; someone calls you back")
        elif self.openings:
            text = pgettext("between opening hours", "; ").join(opening.describe() for opening in self.openings)
        else:
            text = gettext("Hours not given: call to check")
        return gettext("%(hours)s (%(note)s)") % {"hours": text, "note": self.hours_note} if self.hours_note else text

    def open_at(self, moment: datetime) -> bool:
        if self.always_open:
            return True
        if self.call_back:
            return False
        return any(opening.covers(moment) for opening in self.openings)


@dataclass(frozen=True)
class ContactList:
    """Every contact for a site at one moment: the ones to call now first, then the ones open later."""

    call_now: list[CrisisContact]
    later: list[CrisisContact]

    @property
    def all(self) -> list[CrisisContact]:
        return [*self.call_now, *self.later]


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def _days_text(days: str) -> str:
    ordered = sorted(set(days))
    if ordered == list("0123456"):
        return gettext("Every day")
    numbers = [int(d) for d in ordered]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return gettext("%(first)s to %(last)s") % {"first": WEEKDAYS[numbers[0]], "last": WEEKDAYS[numbers[-1]]}
    return pgettext("between weekdays", ", ").join(str(WEEKDAYS[n]) for n in numbers)


def _parse_time(raw: object) -> time:
    text = str(raw)
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@functools.cache
def national_contacts() -> dict[str, tuple[tuple[CrisisContact, frozenset[str], frozenset[str]], ...]]:
    """Per country: each default contact with the regions it is only for, and the regions it is not for."""
    path = resources.files("bondwell.screening").joinpath("data", "crisis_contacts.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    table: dict[str, tuple[tuple[CrisisContact, frozenset[str], frozenset[str]], ...]] = {}
    for country, entries in raw.items():
        rows = []
        for entry in entries:
            hours = entry["hours"]
            openings: tuple[Opening, ...] = ()
            if isinstance(hours, list):
                openings = tuple(
                    Opening(str(o["days"]), _parse_time(o["opens"]), _parse_time(o["closes"]), str(o["zone"]))
                    for o in hours
                )
            contact = CrisisContact(
                name=str(entry["name"]), phone=str(entry["phone"]), description=str(entry.get("description", "")),
                source=str(entry["source"]), always_open=hours == "24/7", openings=openings,
                call_back=hours == "call-back", crisis_line=bool(entry.get("crisis_line", True)),
                hours_note=str(entry.get("hours_note", "")),
            )
            rows.append(
                (contact, frozenset(entry.get("only_regions", ())), frozenset(entry.get("not_in_regions", ())))
            )
        table[str(country)] = tuple(rows)
    return table


def national_for(site: Site) -> list[CrisisContact]:
    """The country's emergency number and lines that every mother at this site is shown (AU when unknown)."""
    table = national_contacts()
    rows = table.get(site.country) or table["AU"]
    region = site.region or ""
    return [
        contact for contact, only, never in rows
        if (not only or region in only) and region not in never
    ]


def site_contacts(site: Site) -> list[CrisisContact]:
    zone = site.zone_name
    found = []
    for c in site.crisis_contacts.all():
        openings: tuple[Opening, ...] = ()
        if not c.open_24_7 and c.opens_at is not None and c.closes_at is not None:
            openings = (Opening(c.days or "01234", c.opens_at, c.closes_at, zone),)
        found.append(
            CrisisContact(
                name=c.name, phone=c.phone, description=c.description, source=f"set by {site.name}",
                always_open=c.open_24_7, openings=openings, crisis_line=c.is_crisis_line,
                hours_note=c.when, from_site=True,
            )
        )
    return found


def contacts_for(site: Site, moment: datetime | None = None) -> ContactList:
    """National lines first (never removed), then the site's own; split into open now and open later."""
    moment = moment or timezone.now()
    everyone = [*national_for(site), *site_contacts(site)]
    call_now = [c for c in everyone if c.open_at(moment)]
    # Crisis lines first in "call now"; the emergency number stays at the very top (it is first in the file).
    call_now.sort(key=lambda c: not c.crisis_line)
    later = [c for c in everyone if not c.open_at(moment)]
    return ContactList(call_now=call_now, later=later)


def crisis_contacts(site: Site, moment: datetime | None = None) -> list[CrisisContact]:
    """Every contact for her site: the national lines (never removed) and the site's own, open-now ones first.

    Templates that need the split (call now / later) use `contacts_for`.
    """
    return contacts_for(site, moment).all
