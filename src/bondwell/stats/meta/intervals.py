"""Predictions (metafor's `predict.rma`) and the Q-profile confidence interval for τ² (`confint.rma.uni`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from bondwell.stats.effect_sizes import read_only
from bondwell.stats.meta._distributions import chi2_isf, chi2_ppf
from bondwell.stats.meta._projection import FloatArray
from bondwell.stats.meta._zeroin import R_TOL, RootNotFound, uniroot
from bondwell.stats.meta.model import MetaResult
from bondwell.stats.meta.tau2 import q_statistic


@dataclass(frozen=True)
class Prediction:
    """Predicted (pooled or fitted) effects with confidence and prediction intervals, one entry per row."""

    pred: FloatArray
    se: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    pi_low: FloatArray
    pi_high: FloatArray
    transformed: bool = False


def predict(result: MetaResult, newmods: ArrayLike | None = None, transform: bool = False) -> Prediction:
    """Intercept-only: the pooled effect. With moderators: fitted values (or values at `newmods`)."""
    if newmods is None:
        X_new = np.asarray(result.X) if result.p > 1 else np.ones((1, 1))
    else:
        mods = np.atleast_2d(np.asarray(newmods, dtype=np.float64))
        if result.p > 1 and mods.shape[1] != result.p - 1:
            mods = mods.T if mods.shape[0] == result.p - 1 else mods
        X_new = np.column_stack([np.ones(mods.shape[0]), mods])
        if X_new.shape[1] != result.p:
            raise ValueError(f"newmods must have {result.p - 1} column(s)")
    pred = X_new @ result.beta
    vpred = np.einsum("ij,jk,ik->i", X_new, result.vcov, X_new)
    se = np.sqrt(vpred)
    crit = result.critical_value()
    # A fixed-effect model has τ² = 0, so its prediction interval is its confidence interval (metafor >= 4).
    half_pi = crit * np.sqrt(vpred + result.tau2)
    bounds = [pred, se, pred - crit * se, pred + crit * se, pred - half_pi, pred + half_pi]
    if transform:
        if not result.is_ratio:
            raise ValueError("only ratio measures (RR, OR) are back-transformed")
        bounds = [np.exp(b) if i != 1 else np.full_like(b, math.nan) for i, b in enumerate(bounds)]
    pred, se, ci_low, ci_high, pi_low, pi_high = (read_only(b) for b in bounds)
    return Prediction(pred, se, ci_low, ci_high, pi_low, pi_high, transformed=transform)


Triple = tuple[float, float, float]


@dataclass(frozen=True)
class Tau2Interval:
    """metafor's confint(res, level): (estimate, lower, upper) for each coefficient, and the Q-profile intervals
    for τ², τ, I² (%) and H² (None for a fixed-effect model, which has no random-effects component, or k = 1)."""

    tau2: Triple | None
    tau: Triple | None
    i2: Triple | None
    h2: Triple | None
    level: float = 0.95
    coefficients: dict[str, Triple] | None = None


def q_profile(result: MetaResult, level: float | None = None) -> Tau2Interval:
    """The τ² values where the generalised Q statistic meets the χ²(k − p) quantiles, as confint(rma)."""
    level = result.level if level is None else level
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level}")
    crit = result.critical_value(level)
    coefficients = {
        name: (float(b), float(b - crit * se), float(b + crit * se))
        for name, b, se in zip(result.coef_names, result.beta, result.se_beta, strict=True)
    }
    if result.method == "FE" or result.k == 1:
        return Tau2Interval(None, None, None, None, level, coefficients)
    y, v, X = np.asarray(result.yi), np.asarray(result.vi), np.asarray(result.X)
    df = result.k - result.p
    alpha = 1 - level
    tau2_min = min(0.0, result.tau2)
    tau2_max = max(100.0, result.tau2 * 10, tau2_min * 10)
    crit_upper = chi2_isf(alpha / 2, df)
    crit_lower = chi2_ppf(alpha / 2, df)
    q_at_max = q_statistic(tau2_max, y, v, X)
    q_at_min = q_statistic(tau2_min, y, v, X)

    def root(objective: float) -> float:
        try:
            return uniroot(lambda t: q_statistic(t, y, v, X) - objective, tau2_min, tau2_max, R_TOL, 1000)
        except RootNotFound:
            return math.nan

    lower = upper = math.nan
    if q_at_min < crit_lower:
        lower = upper = tau2_min
    elif q_at_max > crit_lower:
        upper = tau2_max
    else:
        upper = root(crit_lower)
    if q_at_max > crit_upper:
        lower = upper = tau2_max
    elif q_at_min < crit_upper:
        lower = tau2_min
    else:
        lower = root(crit_upper)
    vt = result.vt
    return Tau2Interval(
        tau2=(result.tau2, lower, upper),
        tau=(math.sqrt(result.tau2), math.sqrt(lower), math.sqrt(upper)),
        i2=(result.i2, 100 * lower / (vt + lower), 100 * upper / (vt + upper)),
        h2=(result.h2, lower / vt + 1, upper / vt + 1),
        level=level,
        coefficients=coefficients,
    )
