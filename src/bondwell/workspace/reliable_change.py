"""Reliable change between two results of the same questionnaire (pure: no Django).

A change counts as reliable when it is at least the published reliable-change threshold of that questionnaire,
so that measurement error alone is unlikely to explain it. A reliable change is not a diagnosis, and a change
below the threshold is not "no change": both are prompts for a conversation.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Threshold:
    points: int
    source: str


THRESHOLDS: dict[str, Threshold] = {
    "epds": Threshold(4, "Matthey 2004, J Affect Disord 78:269–272: a change of 4 points or more on the EPDS"),
    "phq9": Threshold(6, "NHS Talking Therapies manual (2024): a change of 6 points or more on the PHQ-9"),
    "gad7": Threshold(4, "NHS Talking Therapies manual (2024): a change of 4 points or more on the GAD-7"),
}
NO_THRESHOLD = "No published reliable-change threshold is used for this questionnaire; changes are not marked."


@dataclass(frozen=True)
class Point:
    answered_on: date
    total: int
    assessment_id: int


@dataclass(frozen=True)
class Step:
    """From one result to the next of the same questionnaire."""

    before: Point
    after: Point
    change: int
    reliable: bool

    @property
    def words(self) -> str:
        if not self.reliable:
            return f"{self.change:+d} (within measurement error)"
        return f"{self.change:+d}, a reliable {'rise' if self.change > 0 else 'fall'}"


def steps(instrument: str, points: Sequence[Point]) -> list[Step]:
    """Each consecutive pair of results, oldest first, with whether its change is reliable."""
    threshold = THRESHOLDS.get(instrument)
    ordered = sorted(points, key=lambda p: (p.answered_on, p.assessment_id))
    return [
        Step(before, after, after.total - before.total,
             threshold is not None and abs(after.total - before.total) >= threshold.points)
        for before, after in itertools.pairwise(ordered)
    ]
