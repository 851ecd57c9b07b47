"""Small-study checks: Egger's regression test and trim-and-fill, as metafor's `regtest` and `trimfill`."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

from bondwell.stats.meta.model import MetaResult, rma


@dataclass(frozen=True)
class RegTest:
    """Egger's test: the slope on the standard error in a meta-regression (z, or t with `ddf` df for knha)."""

    statistic: float
    pval: float
    ddf: int | None
    estimate: float
    ci_low: float
    ci_high: float
    fit: MetaResult


def regtest(result: MetaResult) -> RegTest:
    """metafor::regtest(res, model="rma", predictor="sei"): same method and test as the model."""
    result.require_intercept_only("this check applies to")
    fit = rma(result.yi, result.vi, method=result.method, test=result.test, mods=np.sqrt(result.vi),
              mod_names=["sei"], measure=result.measure)  # fmt: skip
    # The intercept is the effect expected for a study of infinite size (standard error 0).
    return RegTest(
        statistic=float(fit.statistic_beta[1]),
        pval=float(fit.pval_beta[1]),
        ddf=fit.ddf,
        estimate=fit.estimate,
        ci_low=fit.ci_low,
        ci_high=fit.ci_high,
        fit=fit,
    )


@dataclass(frozen=True)
class TrimFill:
    """Trim-and-fill: `k0` studies imputed on `side`; `result` is the model refitted with them (`filled`)."""

    k0: int
    se_k0: float
    side: str
    result: MetaResult
    filled: NDArray[np.bool_]


def trimfill(result: MetaResult, estimator: str = "L0", maxiter: int = 100) -> TrimFill:
    """metafor::trimfill defaults: L0 estimator; the side opposite to the sign of Egger's slope.

    As in metafor, the side is chosen and the trimmed models refitted with the model's method but test="z",
    and the final filled model uses test="z" too (metafor does not pass the test on).
    """
    result.require_intercept_only("this check applies to")
    if estimator not in ("L0", "R0"):
        raise ValueError("estimator must be L0 or R0")
    y0, v0 = np.asarray(result.yi), np.asarray(result.vi)
    slope = rma(y0, v0, method=result.method, mods=np.sqrt(v0)).beta[1]
    side = "right" if slope < 0 else "left"
    y = -y0 if side == "right" else y0.copy()
    order = np.argsort(y, kind="stable")
    y, v = y[order], v0[order]
    k = y.size
    k0, previous, iteration = 0, -1, 0
    se_k0 = float("nan")
    beta = 0.0
    centred = y
    while k0 != previous:
        previous = k0
        iteration += 1
        if iteration > maxiter:
            raise ArithmeticError("Trim and fill algorithm did not converge.")
        beta = rma(y[: k - k0], v[: k - k0], method=result.method).estimate
        centred = _ties_to_zero(y - beta, y, beta)
        signed_rank = np.sign(centred) * rankdata(np.abs(centred), method="ordinal")
        if estimator == "L0":
            sr = float(np.sum(signed_rank[signed_rank > 0]))
            k0_raw = (4 * sr - k * (k + 1)) / (2 * k - 1)
            var_sr = (
                k * (k + 1) * (2 * k + 1) + 10 * k0_raw**3 + 27 * k0_raw**2 + 17 * k0_raw
                - 18 * k * k0_raw**2 - 18 * k * k0_raw + 6 * k**2 * k0_raw
            ) / 24  # fmt: skip
            se_k0 = 4 * math.sqrt(var_sr) / (2 * k - 1) if var_sr >= 0 else math.nan  # R: NaN
        else:
            k0_raw = (k - float(np.max(-signed_rank[signed_rank < 0]))) - 1
            se_k0 = float(np.sqrt(2 * max(0.0, k0_raw) + 2))
        k0 = max(0, int(np.round(k0_raw)))
        se_k0 = max(0.0, se_k0)
    if k0 == 0:
        return TrimFill(0, se_k0, side, result, _flags(k, 0))
    mirrored = -(centred - beta) if side == "right" else centred - beta
    y_fill = np.concatenate([y0, -mirrored[k - k0 :]])
    v_fill = np.concatenate([v0, v[k - k0 :]])
    slab = (*result.slab, *(f"Filled {i + 1}" for i in range(k0)))
    filled_fit = rma(y_fill, v_fill, method=result.method, slab=slab, measure=result.measure)
    return TrimFill(k0, se_k0, side, filled_fit, _flags(k, k0))


TIE_ULPS = 8


def _ties_to_zero(centred: NDArray[np.float64], y: NDArray[np.float64], beta: float) -> NDArray[np.float64]:
    """A study at the pooled estimate has sign 0 in the rank step. The difference of two equal quantities
    computed along different paths can be a few ulps instead of 0, which would flip k0 by one (e.g. metafor
    itself gives k0 = 1 on a symmetric set whose estimate comes out as −7e-18 instead of 0); within
    TIE_ULPS units in the last place of the larger magnitude it is a tie."""
    scale = max(float(np.max(np.abs(y))), abs(beta))
    tied = np.abs(centred) <= TIE_ULPS * np.spacing(scale)
    return np.where(tied, 0.0, centred)


def _flags(k: int, k0: int) -> NDArray[np.bool_]:
    flags: NDArray[np.bool_] = np.concatenate([np.zeros(k, dtype=bool), np.ones(k0, dtype=bool)])
    flags.setflags(write=False)
    return flags
