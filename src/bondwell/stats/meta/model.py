"""Fixed- and random-effects models, with or without moderators: metafor's `rma.uni` with its defaults."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike

from bondwell.stats.effect_sizes import EffectSizes, read_only
from bondwell.stats.meta._distributions import chi2_sf, f_sf, norm_isf, norm_sf, t_isf, t_sf
from bondwell.stats.meta._projection import FloatArray, Projection
from bondwell.stats.meta.tau2 import METHODS, estimate_tau2
from bondwell.stats.results import Summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from bondwell.stats.meta.intervals import Prediction, Tau2Interval

Test = Literal["z", "knha", "adhoc"]
TESTS: tuple[Test, ...] = ("z", "knha", "adhoc")
T_TESTS = ("knha", "adhoc")  # tests that use t (and F) on k − p degrees of freedom
LEVEL = 0.95


@dataclass(frozen=True)
class MetaResult:
    """One fitted model. Numbers are on the analysis scale (log scale for RR and OR).

    `estimate`, `se`, `statistic`, `pval`, `ci_low`, `ci_high` describe the first coefficient (the pooled
    effect of an intercept-only model); the `*_beta` arrays hold every coefficient of a meta-regression.
    """

    k: int
    p: int
    method: str
    test: str
    measure: str
    estimate: float
    se: float
    statistic: float
    pval: float
    ci_low: float
    ci_high: float
    tau2: float
    tau2_se: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_pvalue: float
    pi_low: float
    pi_high: float
    weights: FloatArray
    beta: FloatArray
    se_beta: FloatArray
    statistic_beta: FloatArray
    pval_beta: FloatArray
    ci_low_beta: FloatArray
    ci_high_beta: FloatArray
    vcov: FloatArray
    coef_names: tuple[str, ...]
    qm: float
    qm_df: tuple[int, int | None]
    qm_pvalue: float
    vt: float
    s2w: float
    ddf: int | None
    r2: float | None
    yi: FloatArray
    vi: FloatArray
    X: FloatArray
    slab: tuple[str, ...]
    level: float = LEVEL
    iterations: int = 0
    omitted: tuple[str, ...] = ()  # labels of studies left out for a missing value (metafor's na.omit)

    @property
    def zval(self) -> float | None:
        """The Wald z statistic (None for Hartung–Knapp fits, which report `tval`)."""
        return self.statistic if self.test not in T_TESTS else None

    @property
    def tval(self) -> float | None:
        """The Hartung–Knapp t statistic on `ddf` degrees of freedom (None for z fits)."""
        return self.statistic if self.test in T_TESTS else None

    @property
    def intercept_only(self) -> bool:
        return self.p == 1

    def require_intercept_only(self, refused: str) -> None:
        """ValueError for a meta-regression, where there is no one pooled effect for a plot, a refit or a
        small-study check to describe: `refused` says which ("forest plots are drawn for")."""
        if not self.intercept_only:
            raise ValueError(f"{refused} models without moderators")

    @property
    def is_ratio(self) -> bool:
        return self.measure in ("RR", "OR")

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2)

    @property
    def sei(self) -> FloatArray:
        return read_only(np.sqrt(self.vi))

    def critical_value(self, level: float | None = None) -> float:
        """The multiplier of the standard error in intervals: normal, or t on k − p df for knha."""
        alpha = 1 - (self.level if level is None else level)
        if self.ddf is None:
            return norm_isf(alpha / 2)
        return t_isf(alpha / 2, self.ddf) if self.ddf > 0 else math.nan

    def predict(self, newmods: ArrayLike | None = None, transform: bool = False) -> Prediction:
        """As metafor's `predict(res)`: pooled effect (or fitted values), CI and prediction interval."""
        from bondwell.stats.meta.intervals import predict

        return predict(self, newmods, transform)

    def conf_int(self, level: float | None = None) -> Tau2Interval:
        """As metafor's `confint(res, level)`: the coefficients' CIs and, for random-effects models, Q-profile
        CIs for τ², τ, I² and H² (None for FE models). Default: the fit's own `level`."""
        from bondwell.stats.meta.intervals import q_profile

        return q_profile(self, self.level if level is None else level)

    def summary(self) -> Summary:
        """A report laid out like metafor's print(rma): print it, or `.to_dict()` / `.to_json()` for numbers."""
        from bondwell.stats.meta.report import summary_text

        return Summary(summary_text(self), self.to_dict())

    def forest(self, path: str | Path | None = None, title: str | None = None) -> Figure:
        """Forest plot: studies, weights, pooled diamond and prediction interval. Returns the matplotlib Figure
        (no pyplot state); with `path` (.svg or .png) it is also written there."""
        from bondwell.stats.meta.plots import forest_plot

        figure: Figure = forest_plot(self, Path(path) if path is not None else None, title)
        return figure

    def funnel(self, path: str | Path | None = None, title: str | None = None) -> Figure:
        """Contour-enhanced funnel plot, as a Figure; with `path` (.svg or .png) also written there."""
        from bondwell.stats.meta.plots import funnel_plot

        figure: Figure = funnel_plot(self, Path(path) if path is not None else None, title)
        return figure

    def to_dict(self) -> dict[str, object]:
        """The scalar results as plain Python values (JSON-ready)."""
        keys = (
            "k", "p", "method", "test", "measure", "estimate", "se", "statistic", "pval", "ci_low", "ci_high",
            "tau2", "tau2_se", "i2", "h2", "q", "q_df", "q_pvalue", "pi_low", "pi_high", "qm", "qm_pvalue",
            "ddf", "level",
        )  # fmt: skip
        data: dict[str, object] = {key: getattr(self, key) for key in keys}
        data["weights"] = self.weights.tolist()
        data["slab"] = list(self.slab)
        if self.p > 1:
            columns = (self.beta, self.se_beta, self.pval_beta, self.ci_low_beta, self.ci_high_beta)
            names = ("estimate", "se", "pval", "ci_low", "ci_high")
            data["coefficients"] = {
                name: dict(zip(names, map(float, values), strict=True))
                for name, *values in zip(self.coef_names, *columns, strict=True)
            }
        return data


def _design(k: int, mods: ArrayLike | None, mod_names: Sequence[str] | None) -> tuple[FloatArray, tuple[str, ...]]:
    if mods is None:
        return np.ones((k, 1)), ("intrcpt",)
    M = np.asarray(mods, dtype=np.float64)
    if M.ndim == 1:
        M = M[:, None]
    if M.ndim != 2 or M.shape[0] != k:
        raise ValueError(f"mods must have one row per study ({k} rows), got shape {M.shape}")
    if np.any(np.isinf(M)):
        raise ValueError("mods contain infinite values")
    names = tuple(mod_names) if mod_names else tuple(f"mod{j + 1}" for j in range(M.shape[1]))
    if len(names) != M.shape[1]:
        raise ValueError("mod_names must name every column of mods")
    return np.column_stack([np.ones(k), M]), ("intrcpt", *names)


def _check(yi: FloatArray, vi: FloatArray, method: str, test: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}; expected one of {', '.join(TESTS)}")
    if yi.ndim != 1 or yi.shape != vi.shape or yi.size == 0:
        raise ValueError("yi and vi must be non-empty vectors of equal length")
    if np.any(np.isinf(yi)) or np.any(np.isinf(vi)):
        raise ValueError("yi and vi must be finite")


def rma(
    yi: ArrayLike | EffectSizes,
    vi: ArrayLike | None = None,
    method: str = "REML",
    test: str = "z",
    mods: ArrayLike | None = None,
    slab: Sequence[str] | None = None,
    mod_names: Sequence[str] | None = None,
    measure: str | None = None,
    level: float = LEVEL,
) -> MetaResult:
    """Fit `rma(yi, vi, method, test, mods, level)` as metafor does; `yi` may be an EffectSizes (then omit `vi`).
    `level` (default 0.95) sets every interval: coefficients, prediction interval and `conf_int()`."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level}")
    if isinstance(yi, EffectSizes):
        effects = yi
        y, v = np.asarray(effects.yi, dtype=np.float64), np.asarray(effects.vi, dtype=np.float64)
        measure = measure or effects.measure
        slab = slab or effects.slab or None
    else:
        if vi is None:
            raise ValueError("vi is required when yi is not an EffectSizes")
        y, v = np.asarray(yi, dtype=np.float64), np.asarray(vi, dtype=np.float64)
    _check(y, v, method, test)
    k_all = int(y.size)
    X, names = _design(k_all, mods, mod_names)
    labels = tuple(slab) if slab else tuple(f"Study {i + 1}" for i in range(k_all))
    if len(labels) != k_all:
        raise ValueError("slab must have one label per study")
    # metafor's default na.action: studies with a missing effect, variance or moderator are left out.
    missing = np.isnan(y) | np.isnan(v) | np.isnan(X).any(axis=1)
    if missing.all():
        raise ValueError("no study has a complete effect, variance and moderators")
    omitted = tuple(label for label, gone in zip(labels, missing, strict=True) if gone)
    y, v, X = y[~missing], v[~missing], X[~missing]
    labels = tuple(label for label, gone in zip(labels, missing, strict=True) if not gone)
    if np.any(v <= 0):
        raise ValueError("sampling variances vi must be positive")
    k = int(y.size)
    if k == 1:
        test = "z"  # as metafor: a single study has no residual variance to scale by
    p = X.shape[1]
    if method != "FE" and k > 1 and p + 1 > k:
        raise ValueError("Number of parameters to be estimated is larger than the number of observations.")
    if np.linalg.matrix_rank(X) < p:
        raise ValueError("Model matrix not of full rank. Cannot fit model.")
    result = fit(y, v, X, names, method, test, measure or "GEN", labels, level)
    return replace(result, omitted=omitted) if omitted else result


def fit(
    y: FloatArray,
    v: FloatArray,
    X: FloatArray,
    names: tuple[str, ...],
    method: str,
    test: str,
    measure: str,
    slab: tuple[str, ...],
    level: float = LEVEL,
) -> MetaResult:
    """The model fit proper, on validated inputs (metafor's rma.uni from τ² onwards)."""
    k, p = int(X.shape[0]), int(X.shape[1])
    tau = estimate_tau2(y, v, X, method)
    tau2 = tau.tau2
    w = 1 / (v + tau2)
    proj = Projection(w, X)
    beta = proj.coefficients(y)
    vb = proj.inverse
    rss = float(np.sum(w * (y - X @ beta) ** 2))
    s2w = 1.0
    ddf: int | None = None
    if test in T_TESTS:
        # Hartung–Knapp: scale the covariance by the weighted residual variance; "knha" does not truncate it
        # (metafor's default), "adhoc" uses max(1, s²) so the interval is never narrower than the z interval
        # (Knapp & Hartung 2003; Röver, Knapp & Friede 2015; metafor >= 4.0 test = "adhoc").
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / (k - p)
        if test == "adhoc":
            s2w = max(1.0, s2w)
        ddf = k - p
    vb = s2w * vb
    se = np.sqrt(np.diag(vb))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = beta / se
    btt = np.arange(1, p) if p > 1 else np.arange(1)
    try:
        qm = float(beta[btt] @ np.linalg.solve(vb[np.ix_(btt, btt)], beta[btt]))
    except np.linalg.LinAlgError:
        qm = math.nan
    m = btt.size
    if ddf is not None:
        qm /= m
        qm_pvalue = f_sf(qm, m, ddf) if ddf > 0 else math.nan
        pvals = 2 * t_sf(np.abs(stat), ddf) if ddf > 0 else np.full(p, math.nan)
        crit = t_isf((1 - level) / 2, ddf) if ddf > 0 else math.nan
    else:
        qm_pvalue = chi2_sf(qm, m)
        pvals = 2 * norm_sf(np.abs(stat))
        crit = norm_isf((1 - level) / 2)
    ci_low, ci_high = beta - crit * se, beta + crit * se

    q, q_pvalue, i2, h2, vt = _heterogeneity(y, v, X, tau2, method)
    r2 = _r2(y, v, X, tau2, method, test) if p > 1 else None

    # Prediction interval of an intercept-only model, as predict.rma (t on k − p df for knha/adhoc). With τ² = 0
    # (FE) it is the confidence interval, as metafor >= 4 reports it.
    pi_half = crit * math.sqrt(float(se[0]) ** 2 + tau2)
    return MetaResult(
        k=k, p=p, method=method, test=test, measure=measure,
        estimate=float(beta[0]), se=float(se[0]), statistic=float(stat[0]), pval=float(pvals[0]),
        ci_low=float(ci_low[0]), ci_high=float(ci_high[0]),
        tau2=tau2, tau2_se=tau.se, i2=i2, h2=h2, q=q, q_df=k - p, q_pvalue=q_pvalue,
        pi_low=float(beta[0]) - pi_half if p == 1 else math.nan,
        pi_high=float(beta[0]) + pi_half if p == 1 else math.nan,
        weights=read_only(100 * w / np.sum(w)),
        beta=read_only(beta), se_beta=read_only(se), statistic_beta=read_only(stat), pval_beta=read_only(pvals),
        ci_low_beta=read_only(ci_low), ci_high_beta=read_only(ci_high), vcov=read_only(vb), coef_names=names,
        qm=qm, qm_df=(m, ddf), qm_pvalue=qm_pvalue, vt=vt, s2w=s2w, ddf=ddf, r2=r2,
        yi=read_only(y), vi=read_only(v), X=read_only(X), slab=slab, iterations=tau.iterations, level=level,
    )  # fmt: skip


def _heterogeneity(
    y: FloatArray, v: FloatArray, X: FloatArray, tau2: float, method: str
) -> tuple[float, float, float, float, float]:
    """Q, its p-value, I², H² and the typical within-study variance vt, metafor's way (i2def "1")."""
    k, p = int(X.shape[0]), int(X.shape[1])
    if k <= p:
        return 0.0, 1.0, 0.0, 1.0, 0.0
    fe = Projection(1 / v, X)
    q = max(0.0, fe.quadratic(y - y.mean()))
    q_pvalue = chi2_sf(q, k - p)
    vt = (k - p) / fe.trace()
    if method == "FE":
        i2 = max(0.0, 100 * (q - (k - p)) / q) if q > 0 else 0.0
        h2 = q / (k - p)
    else:
        i2 = 100 * tau2 / (vt + tau2)
        h2 = tau2 / vt + 1
    return q, q_pvalue, i2, h2, vt


def _r2(y: FloatArray, v: FloatArray, X: FloatArray, tau2: float, method: str, test: str) -> float:
    """Pseudo R² of a meta-regression: share of τ² explained (metafor's r2def "1"; FE: weighted adj. R²)."""
    k, p = int(X.shape[0]), int(X.shape[1])
    if method == "FE":
        if k <= p:
            return math.nan  # no residual degrees of freedom: metafor reports R² as NA
        if np.var(y) == 0:
            return 0.0
        w = 1 / v
        residual = Projection(w, X).quadratic(y)
        total = float(np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2))
        adjusted = 1 - (residual / (k - p)) / (total / (k - 1))
        return max(0.0, 100 * adjusted)
    tau2_re = estimate_tau2(y, v, np.ones((k, 1)), method).tau2
    if tau2_re == 0:
        return 0.0
    return max(0.0, 100 * (tau2_re - tau2) / tau2_re)
