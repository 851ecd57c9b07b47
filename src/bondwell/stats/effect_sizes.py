"""Effect sizes computed exactly as R's `metafor::escalc` (version 3.8) computes them, with its defaults.

Each function returns an `EffectSizes` with read-only arrays `yi` (the effect, ratio measures on the log
scale) and `vi` (its sampling variance). Pooling lives elsewhere (`bondwell.stats.meta`): effect sizes are
computed apart from pooling so that trial analysis and meta-analysis share one definition.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Measure = Literal["SMD", "MD", "RR", "OR", "RD", "GEN"]
MEASURES: tuple[Measure, ...] = ("SMD", "MD", "RR", "OR", "RD", "GEN")
RATIO_MEASURES: frozenset[str] = frozenset({"RR", "OR"})


def read_only(values: ArrayLike) -> FloatArray:
    """A read-only float64 copy: the arrays of every frozen result object of bondwell.stats."""
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class EffectSizes:
    """Per-study effects `yi` and sampling variances `vi` (read-only arrays of equal length)."""

    yi: FloatArray
    vi: FloatArray
    measure: str = "GEN"
    slab: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "yi", read_only(self.yi))
        object.__setattr__(self, "vi", read_only(self.vi))
        if self.yi.ndim != 1 or self.yi.shape != self.vi.shape:
            raise ValueError("yi and vi must be one-dimensional and of equal length")
        if self.slab and len(self.slab) != self.yi.size:
            raise ValueError("slab must have one label per study")
        object.__setattr__(self, "slab", tuple(str(s) for s in self.slab))

    @property
    def k(self) -> int:
        return int(self.yi.size)

    @property
    def sei(self) -> FloatArray:
        return read_only(np.sqrt(self.vi))

    @property
    def is_ratio(self) -> bool:
        """True for measures pooled on the log scale (back-transform with exp)."""
        return self.measure in RATIO_MEASURES


def _arrays(*values: ArrayLike) -> list[FloatArray]:
    arrays = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in values]
    if len({a.shape for a in arrays}) != 1 or arrays[0].ndim != 1:
        raise ValueError("all inputs must be one-dimensional vectors of the same length")
    return arrays


def small_sample_correction(mi: ArrayLike) -> FloatArray:
    """Hedges' exact correction c(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2)), as metafor's `.cmicalc` (via lgamma)."""
    from scipy.special import gammaln

    m = np.asarray(mi, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        cmi = np.exp(gammaln(m / 2) - np.log(np.sqrt(m / 2)) - gammaln((m - 1) / 2))
    return np.where(m <= 1, np.nan, cmi)


def _two_groups(*columns: ArrayLike) -> list[FloatArray]:
    """The six columns of `smd` and `md` (m1i, sd1i, n1i, m2i, sd2i, n2i) as arrays, refused as metafor refuses."""
    m1, s1, n1, m2, s2, n2 = _arrays(*columns)
    if np.any(np.concatenate([s1, s2]) < 0):
        raise ValueError("One or more standard deviations are negative.")
    if np.any(np.concatenate([n1, n2]) <= 0):
        raise ValueError("One or more group sizes are <= 0.")
    return [m1, s1, n1, m2, s2, n2]


def smd(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    slab: Sequence[str] = (),
) -> EffectSizes:
    """Standardised mean difference, Hedges' g: `escalc(measure="SMD")` with vtype "LS".

    g = c(m)·(m1 − m2)/s_pooled with m = n1 + n2 − 2; vi = 1/n1 + 1/n2 + g²/(2(n1 + n2)).
    """
    m1, s1, n1, m2, s2, n2 = _two_groups(m1i, sd1i, n1i, m2i, sd2i, n2i)
    mi = n1 + n2 - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        sdpi = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / mi)
        yi = small_sample_correction(mi) * (m1 - m2) / sdpi
        vi = 1 / n1 + 1 / n2 + yi**2 / (2 * (n1 + n2))
    return EffectSizes(yi, vi, "SMD", tuple(slab))


def md(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    slab: Sequence[str] = (),
) -> EffectSizes:
    """Raw mean difference: `escalc(measure="MD")`, vi = sd1²/n1 + sd2²/n2 (unequal variances)."""
    m1, s1, n1, m2, s2, n2 = _two_groups(m1i, sd1i, n1i, m2i, sd2i, n2i)
    return EffectSizes(m1 - m2, s1**2 / n1 + s2**2 / n2, "MD", tuple(slab))


def _two_by_two(
    ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike, add: float, drop00: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Cells after metafor's zero-cell rule (to="only0"): `add` goes to every cell of a study with a zero."""
    a, b, c, d = _arrays(ai, bi, ci, di)
    if np.any(np.concatenate([a, b, c, d]) < 0):
        raise ValueError("One or more counts are negative.")
    if drop00:
        # Studies without events (or without non-events) in both arms carry no information on the ratio.
        double_zero = ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))
        for cell in (a, b, c, d):
            cell[double_zero] = np.nan
    has_zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    return a + add * has_zero, b + add * has_zero, c + add * has_zero, d + add * has_zero


def binary(
    measure: str,
    ai: ArrayLike,
    bi: ArrayLike,
    ci: ArrayLike,
    di: ArrayLike,
    slab: Sequence[str] = (),
    add: float = 0.5,
    drop00: bool = False,
) -> EffectSizes:
    """A 2×2-table measure as `escalc(measure=...)`; ai/bi events/non-events in group 1, ci/di in group 2.

    RR: log risk ratio, vi = 1/a − 1/n1 + 1/c − 1/n2. OR: log odds ratio, vi = 1/a + 1/b + 1/c + 1/d.
    RD: risk difference with vtype "LS" (cells of zero-cell studies also get +1/2).
    """
    a, b, c, d = _two_by_two(ai, bi, ci, di, add, drop00)
    n1, n2 = a + b, c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = a / n1, c / n2
        if measure == "RR":
            yi, vi = np.log(p1) - np.log(p2), 1 / a - 1 / n1 + 1 / c - 1 / n2
        elif measure == "OR":
            yi, vi = np.log(p1 / (1 - p1)) - np.log(p2 / (1 - p2)), 1 / a + 1 / b + 1 / c + 1 / d
        elif measure == "RD":
            yi, vi = p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
        else:
            raise ValueError(f"unknown 2×2 measure {measure!r}; expected RR, OR or RD")
    return EffectSizes(yi, vi, measure, tuple(slab))


log_rr = functools.partial(binary, "RR")
log_or = functools.partial(binary, "OR")
rd = functools.partial(binary, "RD")


def generic(yi: ArrayLike, vi: ArrayLike, slab: Sequence[str] = (), measure: str = "GEN") -> EffectSizes:
    """Precomputed effects and variances, checked (variances must not be negative)."""
    y, v = _arrays(yi, vi)
    if np.any(v < 0):
        raise ValueError("One or more sampling variances are negative.")
    return EffectSizes(y, v, measure, tuple(slab))


def escalc(measure: str, slab: Sequence[str] = (), **columns: ArrayLike) -> EffectSizes:
    """Dispatch on metafor's measure name with metafor's argument names (m1i, sd1i, ..., ai, ..., yi, vi)."""
    needed = {"SMD": CONTINUOUS_COLUMNS, "MD": CONTINUOUS_COLUMNS, "GEN": GENERIC_COLUMNS}.get(
        measure, BINARY_COLUMNS
    )
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}")
    missing = [name for name in needed if name not in columns]
    if missing:
        raise ValueError(f"measure {measure} needs column {missing[0]}")
    v = [columns[name] for name in needed]
    if measure == "SMD":
        return smd(v[0], v[1], v[2], v[3], v[4], v[5], slab=slab)
    if measure == "MD":
        return md(v[0], v[1], v[2], v[3], v[4], v[5], slab=slab)
    if measure == "GEN":
        return generic(v[0], v[1], slab=slab)
    return binary(measure, v[0], v[1], v[2], v[3], slab=slab)


CONTINUOUS_COLUMNS = ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")
BINARY_COLUMNS = ("ai", "bi", "ci", "di")
GENERIC_COLUMNS = ("yi", "vi")
