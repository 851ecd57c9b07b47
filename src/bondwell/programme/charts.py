"""The small practice chart on the mother's pages: minutes per day as bars, her mood taps as dots.

Geometry is computed here and drawn by programme/chart.html as inline SVG (no script, no library).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import ngettext

from bondwell.accounts.models import Mother
from bondwell.programme.models import PracticeLog

DAYS = 14
WIDTH, HEIGHT, TOP = 280, 90, 8
MAX_MINUTES = 30  # bars are capped here so one long session does not flatten the rest


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    day: date
    minutes: int
    mood: float | None
    mood_y: float | None


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_width: float
    sessions: int
    minutes: int
    moods: int

    @property
    def summary(self) -> str:
        return ngettext("%(n)d session, %(minutes)d minutes in the last %(days)d days",
                        "%(n)d sessions, %(minutes)d minutes in the last %(days)d days", self.sessions) % {
            "n": self.sessions, "minutes": self.minutes, "days": DAYS}


def practice_chart(mother: Mother, today: date, days: int = DAYS) -> Chart:
    first = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    minutes = [0.0] * days
    moods: list[list[int]] = [[] for _ in range(days)]
    sessions = 0
    for started, seconds, before, after in PracticeLog.objects.filter(mother=mother, started_at__gte=since).values_list(
        "started_at", "duration_seconds", "mood_before", "mood_after"
    ):
        index = (timezone.localdate(started) - first).days
        if not 0 <= index < days:
            continue
        sessions += 1
        minutes[index] += seconds / 60
        moods[index].extend(m for m in (before, after) if m is not None)
    slot = WIDTH / days
    bars = []
    for i in range(days):
        height = min(minutes[i], MAX_MINUTES) / MAX_MINUTES * (HEIGHT - TOP)
        mood = sum(moods[i]) / len(moods[i]) if moods[i] else None
        mood_y = TOP + (5 - mood) / 4 * (HEIGHT - 2 * TOP) if mood is not None else None
        bars.append(Bar(x=i * slot + slot * 0.15, y=HEIGHT - height, height=height, day=first + timedelta(days=i),
                        minutes=round(minutes[i]), mood=mood, mood_y=mood_y))
    return Chart(bars=tuple(bars), width=WIDTH, height=HEIGHT, bar_width=slot * 0.7, sessions=sessions,
                 minutes=round(sum(minutes)), moods=sum(len(m) for m in moods))
