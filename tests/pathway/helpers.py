"""Answers that land in each band, as printed positions (0 = top option)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

# EPDS: items 1, 2 score 0..3 down the page; items 3 and 5-10 are reversed (position 3 scores 0).
EPDS_CALM = {"q1": 0, "q2": 0, "q3": 3, "q4": 0, "q5": 3, "q6": 3, "q7": 3, "q8": 3, "q9": 3, "q10": 3}
EPDS_11 = {"q1": 2, "q2": 2, "q3": 1, "q4": 1, "q5": 3, "q6": 1, "q7": 2, "q8": 2, "q9": 3, "q10": 3}
EPDS_17 = {"q1": 2, "q2": 2, "q3": 2, "q4": 1, "q5": 3, "q6": 0, "q7": 0, "q8": 0, "q9": 1, "q10": 3}
PHQ9_CALM = {f"q{n}": 0 for n in range(1, 10)}
PHQ9_14 = {"q1": 2, "q2": 2, "q3": 2, "q4": 2, "q5": 2, "q6": 2, "q7": 1, "q8": 1, "q9": 0}
# PBQ: warmest answer everywhere (positive items Always = position 0, the others Never = position 5).
POSITIVE_PBQ_ITEMS = {1, 4, 8, 9, 11, 16, 22, 25}
PBQ_CALM = {f"q{n}": (0 if n in POSITIVE_PBQ_ITEMS else 5) for n in range(1, 26)}
SOMETIMES = 3  # Always, Very often, Quite often, Sometimes, Rarely, Never

SYDNEY = ZoneInfo("Australia/Sydney")


def sydney(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SYDNEY)
