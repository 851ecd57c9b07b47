"""Dose share: how much of her prescribed home practice a mother did, week by week. Pure arithmetic on dates
and seconds (no Django), tested with hypothesis.

A week's dose share is minutes practised against minutes prescribed, capped at 100%: a generous week does not
"bank" minutes, and a missed week is simply a lower bar, never a broken streak. (Not to be confused with the
dashboard's `dose_reached`, a yes/no per mother over the whole dose window, or a study's
`practice_minutes_per_week`, a rate with no prescription; docs/glossary.md.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext


@dataclass(frozen=True)
class Dose:
    minutes_per_session: int
    sessions_per_week: int
    starts_on: date
    weeks: int
    source: str  # "personal", "course" or "default"

    @property
    def weekly_minutes(self) -> int:
        return self.minutes_per_session * self.sessions_per_week

    @property
    def ends_on(self) -> date:
        return self.starts_on + timedelta(weeks=self.weeks)

    def describe(self) -> str:
        if self.sessions_per_week == 7:
            times = gettext("once a day")
        elif self.sessions_per_week == 14:
            times = gettext("twice a day")
        else:
            times = gettext("%(n)d times a week") % {"n": self.sessions_per_week}
        return gettext("about %(minutes)d minutes, %(times)s, for %(weeks)d weeks") % {
            "minutes": self.minutes_per_session, "times": times, "weeks": self.weeks,
        }


@dataclass(frozen=True)
class DoseWeek:
    number: int  # 1 = the first week of the dose
    starts_on: date
    sessions: int
    minutes: float
    target_minutes: int
    current: bool

    @property
    def fraction(self) -> float:
        if self.target_minutes <= 0:
            return 0.0
        return min(1.0, self.minutes / self.target_minutes)

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)


def weekly_dose_share(dose: Dose, sessions: Iterable[tuple[date, int]], today: date) -> list[DoseWeek]:
    """One row per dose week that has begun by `today`, from (day, seconds) of each practice session."""
    if today < dose.starts_on:
        return []
    weeks_begun = min(dose.weeks, (today - dose.starts_on).days // 7 + 1)
    seconds = [0] * weeks_begun
    counts = [0] * weeks_begun
    for day, duration in sessions:
        index = (day - dose.starts_on).days // 7
        if day < dose.starts_on or index >= weeks_begun or day > today:
            continue
        seconds[index] += max(0, duration)
        counts[index] += 1
    current_index = (today - dose.starts_on).days // 7
    return [
        DoseWeek(
            number=i + 1, starts_on=dose.starts_on + timedelta(weeks=i), sessions=counts[i],
            minutes=seconds[i] / 60, target_minutes=dose.weekly_minutes, current=i == current_index,
        )
        for i in range(weeks_begun)
    ]


def recent_dose_share(dose: Dose, sessions: Iterable[tuple[date, int]], today: date, days: int = 7) -> float:
    """Minutes in the last `days` days (today included) against the dose for that many days, capped at 1."""
    start = today - timedelta(days=days - 1)
    total = sum(max(0, s) for d, s in sessions if start <= d <= today) / 60
    target = dose.weekly_minutes * days / 7
    return 0.0 if target <= 0 else min(1.0, total / target)
