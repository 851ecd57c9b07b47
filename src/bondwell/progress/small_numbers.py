"""One small-number rule for every figure shown about groups of people (pure: no Django).

A count is shown only when it is 0 or at least `THRESHOLD`, and only when its difference from every other count
already shown beside it (in the same unit: mothers, classes, alerts) is also 0 or at least `THRESHOLD`: most of
a dashboard's counts are nested groups (enrolled ⊇ ended ⊇ finished ⊇ with an EPDS before and after …), so
the difference of two of them is the size of a group too, and "17 ended, 14 finished" reveals that 3 did not.
A figure derived from counts (a percentage, a mean, a fitted line) is shown only when every count it rests on
is. Counts are considered in order of importance, so the most useful ones are kept when two conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

THRESHOLD = 5
REASON = (
    f"Not shown: it rests on fewer than {THRESHOLD} people, or with the figures shown it would let a group of "
    f"fewer than {THRESHOLD} be worked out."
)


def small(value: int) -> bool:
    """A count that may not be shown on its own: 1 to THRESHOLD − 1 (0 may: it names nobody)."""
    return 0 < value < THRESHOLD


@dataclass(frozen=True)
class Count:
    key: str
    value: int
    unit: str = "mothers"


def disclose(counts: Sequence[Count]) -> frozenset[str]:
    """The keys of the counts that may be shown, considered in the order given (most important first)."""
    shown: list[Count] = []
    for candidate in counts:
        if small(candidate.value):
            continue
        if any(small(abs(candidate.value - other.value)) for other in shown if other.unit == candidate.unit):
            continue
        shown.append(candidate)
    return frozenset(c.key for c in shown)


def reveals_small(values: Iterable[int]) -> list[tuple[int, ...]]:
    """Every count, or difference of two counts, under the threshold (for tests and checks): [] when none."""
    found = list(values)
    problems: list[tuple[int, ...]] = [(v,) for v in found if small(v)]
    problems += [(a, b) for i, a in enumerate(found) for b in found[i + 1:] if small(abs(a - b))]
    return problems
