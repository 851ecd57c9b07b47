"""Random-intercept linear mixed model fitted by REML, as lme4 fits

    lmer(outcome ~ baseline + arm * factor(week) + (1 | participant), REML = TRUE)

on all post-baseline measurements.

Why this is fast: with one random intercept, participant i's covariance is σ²(I + γJ) (compound symmetry,
γ = τ²/σ²), whose inverse and determinant have closed forms that depend only on the cluster size m_i.
Splitting the data into within-participant deviations and participant means gives

    X'V⁻¹X = W_xx + Σ_i m_i/(1 + m_i γ) · x̄_i x̄_i'        (V = I + γZZ', unit residual variance)

so after one pass over the data (per-participant sums with bincount, no Python loop over participants) each
evaluation of the profiled REML criterion costs only a p × p Cholesky per distinct cluster size. The criterion
is then minimised over θ = √γ (lme4's parameter) with a bounded 1-D optimiser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize, stats

from bondwell.stats.results import Reported
from bondwell.stats.trial.data import TrialData
from bondwell.stats.trial.tables import Z95, SkippedWeek, WeekInterval, check_level, format_table, skipped_note

FloatArray = NDArray[np.float64]
_T_MAX = 0.9999  # θ = t/(1 − t) ≤ 9999: a random-intercept SD ten thousand times the residual SD is not data.


class NotIdentifiableError(ValueError):
    """The data cannot separate participant and residual variance (lme4 refuses such fits too)."""


@dataclass(frozen=True)
class MixedWeekEffect:
    """Arm effect (intervention minus control) at one week: main effect plus that week's interaction."""

    week: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class MixedModelResult(Reported):
    """REML fit of the random-intercept model; CIs are Wald intervals with normal quantiles."""

    effects: tuple[MixedWeekEffect, ...]
    sigma2: float
    tau2: float
    n_participants: int
    n_observations: int
    coefficient_names: tuple[str, ...]
    coefficients: tuple[float, ...]
    reml_criterion: float
    outcome: str
    label: str = "intention-to-treat"
    skipped: tuple[SkippedWeek, ...] = ()  # weeks whose arm effect is not estimable, with the reason
    no_baseline: tuple[str, ...] = ()  # participants left out for a blank baseline (lme4's na.omit)
    dropped_columns: tuple[str, ...] = ()  # columns of a rank-deficient design dropped, as lme4 drops them
    level: float = 0.95

    def conf_int(self, level: float | None = None) -> tuple[WeekInterval, ...]:
        """Per week, the Wald interval (normal quantiles) at `level` (default the fit's)."""
        level = check_level(self.level if level is None else level)
        z = float(stats.norm.ppf(0.5 + level / 2))
        return tuple(WeekInterval(e.week, e.estimate, e.estimate - z * e.se, e.estimate + z * e.se, level)
                     for e in self.effects)

    def summary_text(self) -> str:
        rows = [
            (f"{e.week}", f"{e.estimate:.2f}", f"{e.se:.2f}", f"{e.ci_low:.2f} to {e.ci_high:.2f}")
            for e in self.effects
        ]
        icc = self.tau2 / (self.tau2 + self.sigma2) if self.tau2 + self.sigma2 > 0 else float("nan")
        title = (
            f"Linear mixed model of {self.outcome} ({self.label}): "
            "baseline + arm × week + (1 | participant), REML"
        )
        note = (
            f"participants {self.n_participants}, observations {self.n_observations}; "
            f"residual variance {self.sigma2:.3f}, participant variance {self.tau2:.3f} (ICC {icc:.2f}); "
            "Wald 95% CI"
        )
        if self.dropped_columns:
            note += f"; rank-deficient design, dropped as lme4 does: {', '.join(self.dropped_columns)}"
        extra = skipped_note(self)
        return format_table(title, ("week", "difference", "SE", "95% CI"), rows, note + ("\n" + extra if extra else ""))


@dataclass(frozen=True)
class _Decomposition:
    """Within-participant cross products plus between-participant ones grouped by cluster size."""

    n: int
    p: int
    within_xx: FloatArray
    within_xy: FloatArray
    within_yy: float
    sizes: FloatArray  # distinct cluster sizes s
    counts: FloatArray  # participants with each size
    between_xx: FloatArray  # (k, p, p): Σ s·x̄x̄' over participants of size s
    between_xy: FloatArray  # (k, p)
    between_yy: FloatArray  # (k,)


def _decompose(
    design: FloatArray, y: FloatArray, cluster: NDArray[np.intp], n_clusters: int
) -> _Decomposition:
    n, p = design.shape
    size = np.bincount(cluster, minlength=n_clusters).astype(float)
    stacked = np.column_stack([design, y])
    sums = np.column_stack([np.bincount(cluster, weights=stacked[:, j], minlength=n_clusters)
                            for j in range(p + 1)])
    means = sums / size[:, None]
    deviations = stacked - means[cluster]
    within = deviations.T @ deviations
    distinct, inverse = np.unique(size, return_inverse=True)
    k = distinct.size
    between = np.zeros((k, p + 1, p + 1))
    for index in range(k):
        rows = means[inverse == index]
        between[index] = distinct[index] * (rows.T @ rows)
    return _Decomposition(
        n=n, p=p, within_xx=within[:p, :p], within_xy=within[:p, p], within_yy=float(within[p, p]),
        sizes=distinct, counts=np.bincount(inverse).astype(float),
        between_xx=between[:, :p, :p], between_xy=between[:, :p, p], between_yy=between[:, p, p],
    )


@dataclass(frozen=True)
class _Fit:
    criterion: float
    beta: FloatArray
    xvx: FloatArray
    rss: float


def _fit_at(d: _Decomposition, theta: float) -> _Fit | None:
    gamma = theta * theta
    weight = 1.0 / (1.0 + d.sizes * gamma)
    xvx = d.within_xx + np.tensordot(weight, d.between_xx, axes=1)
    xvy = d.within_xy + weight @ d.between_xy
    yvy = d.within_yy + float(weight @ d.between_yy)
    try:
        chol = np.linalg.cholesky(xvx)
    except np.linalg.LinAlgError:
        return None
    beta = np.asarray(np.linalg.solve(xvx, xvy), dtype=np.float64)
    rss = yvy - float(xvy @ beta)
    if rss <= 0:
        return None
    dof = d.n - d.p
    log_det_v = float(d.counts @ np.log1p(d.sizes * gamma))
    log_det_xvx = 2.0 * float(np.sum(np.log(np.diag(chol))))
    # lme4's REML criterion: −2 × restricted log-likelihood with σ² profiled out.
    criterion = dof * (1.0 + np.log(2.0 * np.pi * rss / dof)) + log_det_v + log_det_xvx
    return _Fit(criterion, beta, xvx, rss)


def _criterion(d: _Decomposition, t: float) -> float:
    fit = _fit_at(d, t / (1.0 - t))
    return float(np.inf) if fit is None else float(fit.criterion)


def _optimise_theta(d: _Decomposition) -> float:
    grid = np.linspace(0.0, _T_MAX, 41)
    values = np.array([_criterion(d, t) for t in grid])
    best = int(np.argmin(values))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
    result = optimize.minimize_scalar(
        lambda t: _criterion(d, float(t)), bounds=(low, high), method="bounded",
        options={"xatol": 1e-12, "maxiter": 500},
    )
    # Brent never evaluates the bounds themselves; θ = 0 (a singular fit) must be allowed to win.
    candidates = [(float(result.fun), float(result.x)), (float(values[best]), float(grid[best]))]
    t_best = min(candidates)[1]
    return t_best / (1.0 - t_best)


def _design(follow: pd.DataFrame, weeks: tuple[int, ...]) -> tuple[FloatArray, tuple[str, ...]]:
    arm = (follow["arm"] == "intervention").to_numpy(float)
    week_index = np.searchsorted(np.asarray(weeks), follow["week"].to_numpy())
    dummies = (week_index[:, None] == np.arange(1, len(weeks))[None, :]).astype(float)
    design = np.column_stack([np.ones(arm.size), follow["baseline"].to_numpy(float), arm, dummies,
                              dummies * arm[:, None]])
    names = ("(Intercept)", "baseline", "armintervention",
             *(f"factor(week){w}" for w in weeks[1:]),
             *(f"armintervention:factor(week){w}" for w in weeks[1:]))
    return design, names


def _independent_columns(design: FloatArray, tol: float = 1e-7) -> NDArray[np.bool_]:
    """Columns kept by R's qr(X, tol = 1e-7, LAPACK = FALSE), which lme4 uses to drop a rank-deficient design's
    columns: in order, a column whose part not explained by the columns kept before it is below `tol` of its
    own norm is dropped (LINPACK dqrdc2's limited pivoting moves exactly those to the end)."""
    # einsum rather than BLAS: for one tall column at a time it is as fast and does not wake BLAS's threads.
    n, p = design.shape
    keep = np.zeros(p, dtype=bool)
    basis = np.zeros((p, n))  # orthonormal rows
    rank = 0
    for j in range(p):
        column = np.ascontiguousarray(design[:, j])
        norm = float(np.sqrt(np.einsum("i,i->", column, column)))
        residual = column
        for _ in range(2):  # classical Gram-Schmidt, re-orthogonalised once
            coefs = np.einsum("ki,i->k", basis[:rank], residual)
            residual = residual - np.einsum("ki,k->i", basis[:rank], coefs)
        rest = float(np.sqrt(np.einsum("i,i->", residual, residual)))
        if norm > 0 and rest > tol * norm:
            keep[j] = True
            basis[rank] = residual / rest
            rank += 1
    return keep


def fit_mixed_model(data: TrialData, label: str = "intention-to-treat") -> MixedModelResult:
    """Fit the random-intercept model to every post-baseline measurement (REML)."""
    follow = data.modelled
    weeks = tuple(int(w) for w in np.sort(follow["week"].unique()))
    if not weeks:
        raise ValueError("no post-baseline measurements with a baseline to model")
    design, names = _design(follow, weeks)
    keep = _independent_columns(design)
    dropped = tuple(name for name, kept in zip(names, keep, strict=True) if not kept)
    arms_per_week = follow.groupby("week")["arm"].nunique()
    cluster, participants = pd.factorize(follow["participant"])
    if len(participants) >= len(follow):
        # As lme4: with at most one follow-up per participant, τ² and σ² cannot be told apart.
        raise NotIdentifiableError(
            "each participant has at most one follow-up measurement, so the random-intercept model is not "
            "identifiable; use the ANCOVA"
        )
    y = follow["value"].to_numpy(float)
    d = _decompose(design[:, keep], y, cluster.astype(np.intp), len(participants))
    if d.n <= d.p:
        raise ValueError("more model coefficients than observations")
    theta = _optimise_theta(d)
    fit = _fit_at(d, theta)
    if fit is None:
        raise ValueError("the model could not be fitted (collinear design)")
    sigma2 = fit.rss / (d.n - d.p)
    vcov = sigma2 * np.linalg.inv(fit.xvx)
    effects = []
    skipped = []
    for index, week in enumerate(weeks):
        if arms_per_week.get(week, 0) < 2:
            skipped.append(SkippedWeek(week, "only one arm measured, so the arm effect is not estimable"))
            continue
        full = np.zeros(len(names))
        full[2] = 1.0
        if index > 0:
            full[2 + (len(weeks) - 1) + index] = 1.0  # the arm:week interaction column
        # An estimable contrast has the same value whichever dependent column is dropped (its coefficient is 0).
        contrast = full[keep]
        estimate = float(contrast @ fit.beta)
        se = float(np.sqrt(contrast @ vcov @ contrast))
        effects.append(MixedWeekEffect(week, estimate, se, estimate - Z95 * se, estimate + Z95 * se))
    return MixedModelResult(
        effects=tuple(effects), sigma2=sigma2, tau2=theta * theta * sigma2,
        n_participants=len(participants), n_observations=d.n,
        coefficient_names=tuple(n for n, k in zip(names, keep, strict=True) if k),
        coefficients=tuple(float(b) for b in fit.beta),
        reml_criterion=fit.criterion, outcome=data.outcome, label=label,
        skipped=tuple(skipped), no_baseline=data.no_baseline, dropped_columns=dropped,
    )
