"""Plain-text tables in the style of a trial report (fixed-width, right-aligned numbers), and what the trial
results share about intervals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from scipy import stats

Z95 = float(stats.norm.ppf(0.975))  # the normal quantile of every default 95% Wald interval


def format_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], note: str = "") -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        right = (c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))
        return "  ".join([first.ljust(widths[0]), *right])

    rule = "-" * len(line(header))
    body = [title, rule, line(header), rule, *(line(r) for r in rows), rule]
    if note:
        body.append(note)
    return "\n".join(body)


@dataclass(frozen=True)
class SkippedWeek:
    """A follow-up week whose arm effect could not be estimated, and why (the rest of the analysis stands)."""

    week: int
    reason: str


class NotEstimable(ValueError):
    """One week's arm effect cannot be estimated; callers list the week and go on with the others."""

    def __init__(self, week: int, reason: str) -> None:
        super().__init__(f"week {week}: {reason}")
        self.skipped = SkippedWeek(week, reason)


class _HasSkipped(Protocol):
    @property
    def skipped(self) -> tuple[SkippedWeek, ...]: ...

    @property
    def no_baseline(self) -> tuple[str, ...]: ...


def skipped_note(result: _HasSkipped) -> str:
    """'Not estimated: week 5 (only one arm measured, n = 1). Left out, no baseline: 2 participants.'"""
    parts = []
    if result.skipped:
        parts.append("Not estimated: " + "; ".join(f"week {s.week} ({s.reason})" for s in result.skipped) + ".")
    if result.no_baseline:
        n = len(result.no_baseline)
        parts.append(f"Left out for a blank baseline: {n} participant{'s' if n != 1 else ''}.")
    return " ".join(parts)


@dataclass(frozen=True)
class WeekInterval:
    """A confidence interval for one week's arm effect at a chosen level."""

    week: int
    estimate: float
    ci_low: float
    ci_high: float
    level: float


def check_level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level}")
    return level
