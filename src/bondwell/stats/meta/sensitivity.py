"""Leave-one-out and cumulative meta-analysis (metafor's `leave1out`, `cumul`) and subgroup analysis."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from bondwell.stats.effect_sizes import EffectSizes, read_only
from bondwell.stats.meta._distributions import chi2_sf
from bondwell.stats.meta._projection import FloatArray
from bondwell.stats.meta.model import MetaResult, rma
from bondwell.stats.meta.tau2 import ConvergenceError

FIELDS = ("estimate", "se", "statistic", "pval", "ci_low", "ci_high", "q", "q_pvalue", "tau2", "i2", "h2")


@dataclass(frozen=True)
class StudyTable:
    """One refit per row: `slab[i]` names the study left out (leave-one-out) or last added (cumulative)."""

    slab: tuple[str, ...]
    estimate: FloatArray
    se: FloatArray
    statistic: FloatArray
    pval: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    q: FloatArray
    q_pvalue: FloatArray
    tau2: FloatArray
    i2: FloatArray
    h2: FloatArray

    def rows(self) -> list[dict[str, float | str]]:
        return [
            {"study": label, **{name: float(getattr(self, name)[i]) for name in FIELDS}}
            for i, label in enumerate(self.slab)
        ]


def _table(slab: Sequence[str], fits: Sequence[MetaResult | None]) -> StudyTable:
    columns = {
        name: read_only([math.nan if f is None else float(getattr(f, name)) for f in fits]) for name in FIELDS
    }
    return StudyTable(slab=tuple(slab), **columns)


def _refit(result: MetaResult, keep: FloatArray) -> MetaResult | None:
    try:
        return rma(result.yi[keep], result.vi[keep], result.method, result.test, measure=result.measure,
                   level=result.level)
    except (ValueError, ConvergenceError, np.linalg.LinAlgError):
        return None  # metafor records NA for a refit that fails


def leave_one_out(result: MetaResult) -> StudyTable:
    """Refit without each study in turn (metafor's leave1out)."""
    result.require_intercept_only("refits leaving out or adding studies are made for")
    fits = [_refit(result, np.arange(result.k) != i) for i in range(result.k)]
    return _table(result.slab, fits)


def cumulative(result: MetaResult, order: ArrayLike | None = None) -> StudyTable:
    """Add studies one at a time, in data order or sorted by `order` (metafor's cumul)."""
    result.require_intercept_only("refits leaving out or adding studies are made for")
    index = np.arange(result.k) if order is None else np.argsort(np.asarray(order), kind="stable")
    fits: list[MetaResult | None] = []
    for i in range(1, result.k + 1):
        keep = index[:i]
        try:
            fits.append(rma(result.yi[keep], result.vi[keep], method=result.method, test=result.test,
                            level=result.level))
        except (ValueError, ConvergenceError, np.linalg.LinAlgError):
            fits.append(None)
    return _table([result.slab[j] for j in index], fits)


@dataclass(frozen=True)
class SubgroupResult:
    """A separate model per subgroup, and the test of subgroup differences.

    The test is the Q statistic of a fixed-effect model over the subgroup estimates and their standard errors
    (χ² on groups − 1 df): subgroups keep their own τ², as in Borenstein et al. (2009, ch. 19) and in
    metafor's documented recipe `rma(estimates, sei = ses, method = "FE")`.
    """

    levels: tuple[str, ...]
    results: tuple[MetaResult, ...]
    q_between: float
    df_between: int
    p_between: float

    def __getitem__(self, level: str) -> MetaResult:
        return self.results[self.levels.index(level)]


def subgroup(
    effects: EffectSizes | ArrayLike,
    groups: Sequence[object],
    vi: ArrayLike | None = None,
    method: str = "REML",
    test: str = "z",
) -> SubgroupResult:
    """Fit each subgroup (levels in order of first appearance) and test whether their effects differ."""
    if isinstance(effects, EffectSizes):
        y, v, measure, slab = effects.yi, effects.vi, effects.measure, effects.slab
    else:
        if vi is None:
            raise ValueError("vi is required when effects is not an EffectSizes")
        y, v = np.asarray(effects, dtype=np.float64), np.asarray(vi, dtype=np.float64)
        measure, slab = "GEN", ()
    labels = np.array([str(g) for g in groups])
    if labels.size != y.size:
        raise ValueError("groups must have one entry per study")
    levels = tuple(dict.fromkeys(labels.tolist()))
    if len(levels) < 2:
        raise ValueError("subgroup analysis needs at least two groups")
    results = []
    for level in levels:
        mask = labels == level
        names = [slab[i] for i in np.flatnonzero(mask)] if slab else None
        results.append(rma(y[mask], v[mask], method=method, test=test, slab=names, measure=measure))
    between = rma([r.estimate for r in results], [r.se**2 for r in results], method="FE")
    df = len(levels) - 1
    return SubgroupResult(levels, tuple(results), between.q, df, chi2_sf(between.q, df))
