"""Between-study variance τ², estimated as metafor 3.8 `rma.uni` does it, step for step.

Each estimator returns τ² (truncated at 0, as metafor's tau2.min = 0) and its standard error by metafor's
formula. The iterative ones copy metafor's control defaults: Fisher scoring for ML/REML starts at the
Hedges (HE) value and stops when τ² changes by at most 1e-5 × max(1, τ²/1e6) (at most 100 steps, step halving
to stay ≥ 0): metafor's absolute threshold 1e-5 up to τ² = 1e6 (identical steps to metafor there), relative to
τ²'s size above it (1e-11 × τ²), where an absolute 1e-5 nears the rounding of τ² itself and whether it is
reached becomes a matter of the last bits (outcomes in the hundreds of thousands);
Paule–Mandel solves Q(τ²) = k − p with R's uniroot (tol = ε^¼) on [0, max(100, 10·mad(y)²)].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bondwell.stats.meta._projection import FloatArray, Projection
from bondwell.stats.meta._zeroin import R_TOL, RootNotFound, uniroot

Method = Literal["FE", "DL", "REML", "ML", "PM", "SJ", "HE"]
METHODS: tuple[Method, ...] = ("FE", "DL", "REML", "ML", "PM", "SJ", "HE")

THRESHOLD = 1e-5
# Above this τ² the stop is relative: |Δτ²| ≤ THRESHOLD × τ² / RELATIVE_FROM (1e-11 of τ²). Below it the stop
# is metafor's absolute one, so every fit on ordinary scales stops at the very step metafor stops at.
RELATIVE_FROM = 1e6
MAX_ITER = 100


class ConvergenceError(ArithmeticError):
    """An iterative estimator did not converge (metafor stops with an error in the same situation)."""


@dataclass(frozen=True)
class Tau2Estimate:
    tau2: float
    se: float
    iterations: int = 0


def mad(y: FloatArray) -> float:
    """R's mad(): 1.4826 × median absolute deviation from the median."""
    return float(1.4826 * np.median(np.abs(y - np.median(y))))


def estimate_tau2(yi: FloatArray, vi: FloatArray, X: FloatArray, method: str) -> Tau2Estimate:
    """τ² and its standard error for `method` (one of METHODS); k = 1 gives τ² = 0 as in metafor."""
    k, p = int(X.shape[0]), int(X.shape[1])
    if method == "FE":
        return Tau2Estimate(0.0, math.nan)
    if k == 1:
        return Tau2Estimate(0.0, math.nan)
    # metafor centres y before estimating τ² (its Ymc); with an intercept in X this changes nothing.
    y = yi - yi.mean()
    estimator = {
        "DL": _dersimonian_laird,
        "HE": _hedges,
        "SJ": _sidik_jonkman,
        "PM": _paule_mandel,
        "ML": _fisher_scoring,
        "REML": _fisher_scoring,
    }.get(method)
    if estimator is None:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    return estimator(y, vi, X, k, p, method)


def _hedges_raw(y: FloatArray, v: FloatArray, X: FloatArray, k: int, p: int) -> tuple[float, Projection]:
    ols = Projection(np.ones_like(v), X)
    return (ols.quadratic(y) - ols.trace_pv(v)) / (k - p), ols


def _hedges(
    y: FloatArray, v: FloatArray, X: FloatArray, k: int, p: int, method: str
) -> Tau2Estimate:
    raw, ols = _hedges_raw(y, v, X, k, p)
    tau2 = max(0.0, raw)
    tr_pv = ols.trace_pv(v)
    var = (2 * ols.trace_pvpv(v) + 4 * tau2 * tr_pv + 2 * tau2**2 * (k - p)) / (k - p) ** 2
    return Tau2Estimate(tau2, math.sqrt(var))


def _dersimonian_laird(
    y: FloatArray, v: FloatArray, X: FloatArray, k: int, p: int, method: str
) -> Tau2Estimate:
    proj = Projection(1 / v, X)
    tr_p = proj.trace()
    tau2 = max(0.0, (proj.quadratic(y) - (k - p)) / tr_p)
    var = (2 * (k - p) + 4 * tau2 * tr_p + 2 * tau2**2 * proj.trace_squared()) / tr_p**2
    return Tau2Estimate(tau2, math.sqrt(var))


def _sidik_jonkman(
    y: FloatArray, v: FloatArray, X: FloatArray, k: int, p: int, method: str
) -> Tau2Estimate:
    # Initial value: the variance of y with divisor k (metafor: var(ymci) * (k - 1)/k).
    tau2_0 = float(np.mean((y - y.mean()) ** 2))
    proj = Projection(1 / (v + tau2_0), X)
    tau2 = max(0.0, tau2_0 * proj.quadratic(y) / (k - p))
    var = (
        tau2_0**2
        / (k - p) ** 2
        * (2 * proj.trace_pvpv(v) + 4 * tau2 * proj.trace_ppv(v) + 2 * tau2**2 * proj.trace_squared())
    )
    return Tau2Estimate(tau2, math.sqrt(var))


def q_statistic(tau2: float, y: FloatArray, v: FloatArray, X: FloatArray) -> float:
    """Generalised Q: the weighted residual sum of squares with weights 1/(v + τ²) (metafor's .QE.func)."""
    return Projection(1 / (v + tau2), X).quadratic(y)


def _paule_mandel(
    y: FloatArray, v: FloatArray, X: FloatArray, k: int, p: int, method: str
) -> Tau2Estimate:
    target = k - p
    tau2_max = max(100.0, 10 * mad(y) ** 2)
    if q_statistic(0.0, y, v, X) < target:
        tau2 = 0.0
    elif q_statistic(tau2_max, y, v, X) > target:
        raise ConvergenceError("Value of 'tau2.max' too low for the Paule-Mandel estimator.")
    else:
        try:
            tau2 = uniroot(lambda t: q_statistic(t, y, v, X) - target, 0.0, tau2_max, tol=R_TOL, maxiter=100)
        except RootNotFound as error:
            raise ConvergenceError(f"Paule-Mandel: {error}") from None
    w = 1 / (v + tau2)
    return Tau2Estimate(tau2, math.sqrt(2 * k**2 / (k - p) / float(np.sum(w)) ** 2))


def _log_likelihood(y: FloatArray, v: FloatArray, X: FloatArray, tau2: float, reml: bool) -> float:
    k, p = int(X.shape[0]), int(X.shape[1])
    proj = Projection(1 / (v + tau2), X)
    rss = proj.quadratic(y)
    log_det_v: float = float(np.sum(np.log(v + tau2)))
    if reml:
        return -0.5 * (k - p) * math.log(2 * math.pi) - 0.5 * log_det_v - 0.5 * proj.log_det() - 0.5 * rss
    return -0.5 * k * math.log(2 * math.pi) - 0.5 * log_det_v - 0.5 * rss


def _fisher_scoring(
    y: FloatArray, v: FloatArray, X: FloatArray, k: int, p: int, method: str
) -> Tau2Estimate:
    reml = method == "REML"
    tau2 = max(0.0, _hedges_raw(y, v, X, k, p)[0])
    change, iteration = THRESHOLD + 1, 0
    while change > THRESHOLD:
        iteration += 1
        previous = tau2
        w = 1 / (v + tau2)
        proj = Projection(w, X)
        py = proj.apply(y)
        ypp_y = float(np.sum(py**2))
        if reml:
            adj = (ypp_y - proj.trace()) / proj.trace_squared()
        else:
            adj = (ypp_y - float(np.sum(w))) / float(np.sum(w**2))
        if math.isnan(adj):
            adj = 0.0
        while tau2 + adj < 0:
            adj /= 2
        tau2 += adj
        change = abs(previous - tau2) / max(1.0, tau2 / RELATIVE_FROM)
        if iteration > MAX_ITER:
            raise ConvergenceError("Fisher scoring algorithm did not converge.")
    # metafor's ll0check: fall back to τ² = 0 when the likelihood there is clearly higher (a local maximum).
    if tau2 > THRESHOLD:
        drop = _log_likelihood(y, v, X, 0.0, reml) - _log_likelihood(y, v, X, tau2, reml)
        if drop > R_TOL:
            tau2 = 0.0
    w = 1 / (v + tau2)
    information = Projection(w, X).trace_squared() if reml else float(np.sum(w**2))
    se = math.sqrt(2 / information)
    return Tau2Estimate(tau2, se, iteration)
