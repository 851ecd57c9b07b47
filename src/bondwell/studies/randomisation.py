"""Concealed, reproducible allocation: permuted blocks of random sizes within strata, or minimisation.

Pure Python (no Django): the study app stores the secret seed and the allocations; this module only answers
"which arm does the n-th participant of this stratum get?".

Why nothing is generated ahead: every block is derived on demand from HMAC-SHA256(seed, stratum | block
number), so the allocation list never exists in readable form. Without the seed, which never leaves the server,
the next allocation cannot be computed; with it, every past allocation can be re-derived and checked.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ArmWeight:
    """An arm and its share of each block (1:1 is two arms of weight 1)."""

    code: str
    weight: int = 1


@dataclass(frozen=True)
class BlockAllocation:
    arm: str
    block_number: int  # 1-based within the stratum
    block_size: int
    position: int  # 1-based place within its block


def _rng(seed: bytes, *parts: str) -> random.Random:
    # A keyed hash per (stratum, block) makes every block independent and unpredictable without the seed.
    digest = hmac.new(seed, "|".join(parts).encode("utf-8"), hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _unit(arms: Sequence[ArmWeight]) -> int:
    return sum(a.weight for a in arms)


def check_design(arms: Sequence[ArmWeight], block_sizes: Sequence[int]) -> None:
    """Raise ValueError unless every block size holds whole multiples of the allocation ratio."""
    if len(arms) < 2:
        raise ValueError("randomisation needs at least two arms")
    if len({a.code for a in arms}) != len(arms):
        raise ValueError("arm codes must differ")
    if any(a.weight < 1 for a in arms):
        raise ValueError("arm weights must be at least 1")
    if not block_sizes:
        raise ValueError("give at least one block size")
    unit = _unit(arms)
    bad = [size for size in block_sizes if size < unit or size % unit]
    if bad:
        raise ValueError(
            f"block sizes {', '.join(map(str, bad))} are not multiples of {unit} (the sum of the arm ratios)"
        )


def block(seed: bytes, stratum: str, block_number: int, arms: Sequence[ArmWeight],
          block_sizes: Sequence[int]) -> list[str]:
    """The arms of one block, in order: a random size from `block_sizes`, arms in ratio, shuffled."""
    check_design(arms, block_sizes)
    rng = _rng(seed, "block", stratum, str(block_number))
    size = rng.choice(sorted(block_sizes))
    repeats = size // _unit(arms)
    codes = [a.code for a in arms for _ in range(a.weight * repeats)]
    rng.shuffle(codes)
    return codes


def block_allocation(seed: bytes, stratum: str, sequence: int, arms: Sequence[ArmWeight],
                     block_sizes: Sequence[int]) -> BlockAllocation:
    """The allocation of the `sequence`-th (1-based) participant randomised in `stratum`."""
    if sequence < 1:
        raise ValueError("sequence numbers start at 1")
    start = 0
    number = 1
    while True:
        codes = block(seed, stratum, number, arms, block_sizes)
        if sequence <= start + len(codes):
            position = sequence - start
            return BlockAllocation(codes[position - 1], number, len(codes), position)
        start += len(codes)
        number += 1


@dataclass(frozen=True)
class MinimisationChoice:
    arm: str
    imbalance: Mapping[str, float]  # the total imbalance if the next participant went to each arm
    followed_rule: bool  # False when the random draw overrode the arm that minimises imbalance


def minimisation(
    seed: bytes,
    sequence: int,
    arms: Sequence[ArmWeight],
    factors: Mapping[str, str],
    counts: Mapping[str, Mapping[str, Mapping[str, int]]],
    probability: float = 0.8,
) -> MinimisationChoice:
    """Pocock–Simon minimisation (range of weighted counts, summed over factors).

    `factors` maps each factor to the new participant's level (e.g. {"site": "a", "severity": "high"});
    `counts[factor][level][arm]` counts those already allocated. The arm with the least resulting imbalance
    is chosen with `probability`, any other arm otherwise; ties are broken at random. The random draws come
    from the seed and the study-wide sequence number, so the choice is reproducible but not predictable.
    """
    if not 0.5 <= probability <= 1.0:
        raise ValueError("the minimisation probability must be between 0.5 and 1")
    check_design(arms, [_unit(arms)])
    imbalance: dict[str, float] = {}
    for candidate in arms:
        total = 0.0
        for factor, level in factors.items():
            level_counts = counts.get(factor, {}).get(level, {})
            # Counts divided by the arm's ratio weight: balanced means equal per unit of ratio.
            scaled = [
                (level_counts.get(a.code, 0) + (1 if a.code == candidate.code else 0)) / a.weight for a in arms
            ]
            total += max(scaled) - min(scaled)
        imbalance[candidate.code] = total
    rng = _rng(seed, "minimisation", str(sequence))
    best = min(imbalance.values())
    preferred = [a.code for a in arms if math.isclose(imbalance[a.code], best)]
    if len(preferred) == len(arms):
        return MinimisationChoice(rng.choice(preferred), imbalance, True)
    if rng.random() < probability:
        return MinimisationChoice(rng.choice(preferred), imbalance, True)
    others = [a.code for a in arms if a.code not in preferred]
    return MinimisationChoice(rng.choice(others), imbalance, False)


def severity_level(baseline: int | None, cutoff: int) -> str:
    """The baseline-severity stratum: 'high' at or above the cut-off, 'low' below, 'unknown' without score."""
    if baseline is None:
        return "unknown"
    return "high" if baseline >= cutoff else "low"


def stratum_key(factors: Mapping[str, str]) -> str:
    """A stable text key for a stratum, e.g. 'severity=high|site=north'; 'all' when not stratified."""
    if not factors:
        return "all"
    return "|".join(f"{name}={factors[name]}" for name in sorted(factors))
