"""Two reviewers screen each record independently; what their decisions (and a resolution) mean.

Cochrane Handbook chapter 4 and the MECIR standards: at least two people screen independently, and
disagreements are resolved by discussion or a third person. Here a record at a stage (title and abstract, then
full text) is decided when two different reviewers agree, or when a resolution overrides their disagreement.
Every exclusion carries a reason (chapter 4; PRISMA 2020 item 16a asks for reasons at full text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

REVIEWERS_NEEDED = 2

TITLE_ABSTRACT = "title_abstract"
FULL_TEXT = "full_text"
STAGES = (TITLE_ABSTRACT, FULL_TEXT)

# Reasons offered at full text (the review may type another); "not retrieved" is counted apart by PRISMA.
NOT_RETRIEVED = "Full text could not be retrieved"
FULL_TEXT_REASONS = (
    "Not mother-led infant massage",
    "Mothers not selected for postnatal depression",
    "No maternal depression outcome",
    "No comparison group",
    "Not a primary study (review, protocol or commentary)",
    "Duplicate report of an included study",
    NOT_RETRIEVED,
)


class Status(StrEnum):
    WAITING = "waiting"  # fewer than two reviewers have decided
    CONFLICT = "conflict"  # two reviewers disagree and nobody has resolved it
    INCLUDE = "include"
    EXCLUDE = "exclude"


@dataclass(frozen=True)
class Vote:
    reviewer: int
    include: bool
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    status: Status
    reason: str = ""


class ScreeningError(ValueError):
    pass


def check_vote(vote: Vote) -> None:
    if not vote.include and not vote.reason.strip():
        raise ScreeningError("Give a reason for excluding this record.")


def outcome(votes: Sequence[Vote], resolution: Vote | None = None) -> Outcome:
    """The record's status at one stage from its reviewers' votes and a resolution (which wins)."""
    if resolution is not None:
        return Outcome(Status.INCLUDE, "") if resolution.include else Outcome(Status.EXCLUDE, resolution.reason)
    latest: dict[int, Vote] = {}
    for vote in votes:
        latest[vote.reviewer] = vote
    if len(latest) < REVIEWERS_NEEDED:
        return Outcome(Status.WAITING)
    decisions = {v.include for v in latest.values()}
    if len(decisions) > 1:
        return Outcome(Status.CONFLICT)
    if decisions == {True}:
        return Outcome(Status.INCLUDE)
    reasons = sorted({v.reason.strip() for v in latest.values()})
    return Outcome(Status.EXCLUDE, "; ".join(reasons))


def differences(first: dict[str, object], second: dict[str, object]) -> list[str]:
    """The fields on which two reviewers' data extractions differ (sorted, so the page lists them stably)."""
    return sorted(name for name in set(first) | set(second) if first.get(name) != second.get(name))
