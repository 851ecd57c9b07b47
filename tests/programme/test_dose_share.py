"""Adherence against a dose: weekly minutes over prescribed minutes, capped, never a streak."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bondwell.programme.dose_share import Dose, recent_dose_share, weekly_dose_share

START = date(2026, 10, 5)
DOSE = Dose(minutes_per_session=15, sessions_per_week=7, starts_on=START, weeks=6, source="course")

sessions = st.lists(
    st.tuples(st.integers(-10, 60).map(lambda d: START + timedelta(days=d)), st.integers(0, 3 * 3600)), max_size=60
)
today = st.integers(-3, 60).map(lambda d: START + timedelta(days=d))


def test_a_week_of_daily_fifteen_minutes_is_full_adherence() -> None:
    log = [(START + timedelta(days=d), 15 * 60) for d in range(7)]
    weeks = weekly_dose_share(DOSE, log, START + timedelta(days=6))
    assert [(w.number, w.sessions, w.percent, w.current) for w in weeks] == [(1, 7, 100, True)]


def test_half_the_minutes_is_half_adherence_and_a_missed_week_is_zero() -> None:
    log = [(START + timedelta(days=d), 15 * 60) for d in (0, 1, 2)] + [(START + timedelta(days=3), 7 * 60 + 30)]
    weeks = weekly_dose_share(DOSE, log, START + timedelta(days=15))
    assert [w.percent for w in weeks] == [50, 0, 0]
    assert [w.current for w in weeks] == [False, False, True]


def test_sessions_before_the_dose_or_after_today_do_not_count() -> None:
    log = [(START - timedelta(days=1), 3600), (START + timedelta(days=9), 3600)]
    assert weekly_dose_share(DOSE, log, START + timedelta(days=8))[1].sessions == 0


def test_nothing_is_shown_before_the_dose_starts() -> None:
    assert weekly_dose_share(DOSE, [], START - timedelta(days=1)) == []


def test_the_weeks_stop_at_the_end_of_the_dose() -> None:
    assert len(weekly_dose_share(DOSE, [], START + timedelta(days=200))) == 6


def test_the_description_reads_naturally() -> None:
    assert DOSE.describe() == "about 15 minutes, once a day, for 6 weeks"
    twice = Dose(15, 14, START, 6, "personal")
    assert twice.describe() == "about 15 minutes, twice a day, for 6 weeks"


@given(sessions, today)
def test_adherence_is_a_fraction_between_zero_and_one(log: list[tuple[date, int]], day: date) -> None:
    for week in weekly_dose_share(DOSE, log, day):
        assert 0.0 <= week.fraction <= 1.0
    assert 0.0 <= recent_dose_share(DOSE, log, day) <= 1.0


@given(sessions, today, st.integers(0, 59), st.integers(1, 3600))
def test_another_session_never_lowers_adherence(log: list[tuple[date, int]], day: date, offset: int,
                                                seconds: int) -> None:
    extra = (START + timedelta(days=offset), seconds)
    before = weekly_dose_share(DOSE, log, day)
    after = weekly_dose_share(DOSE, [*log, extra], day)
    assert len(before) == len(after)
    assert all(a.fraction >= b.fraction for a, b in zip(after, before, strict=True))
    assert recent_dose_share(DOSE, [*log, extra], day) >= recent_dose_share(DOSE, log, day)


@given(sessions, today)
def test_the_order_of_the_log_does_not_matter(log: list[tuple[date, int]], day: date) -> None:
    assert weekly_dose_share(DOSE, log, day) == weekly_dose_share(DOSE, list(reversed(log)), day)
