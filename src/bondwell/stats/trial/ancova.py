"""ANCOVA per follow-up week: R's `lm(outcome ~ baseline + arm)` among those measured at that week."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from bondwell.stats.results import Reported
from bondwell.stats.trial.data import TrialData
from bondwell.stats.trial.tables import (
    NotEstimable,
    SkippedWeek,
    WeekInterval,
    check_level,
    format_table,
    skipped_note,
)


@dataclass(frozen=True)
class WeekEffect:
    """Adjusted difference, intervention minus control, at one follow-up week (t-based 95% CI)."""

    week: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p: float
    n: int


@dataclass(frozen=True)
class AncovaResult(Reported):
    """One `WeekEffect` per follow-up week, from separate baseline-adjusted regressions."""

    effects: tuple[WeekEffect, ...]
    outcome: str
    label: str = "intention-to-treat"
    skipped: tuple[SkippedWeek, ...] = ()  # weeks whose arm effect cannot be estimated, with the reason
    no_baseline: tuple[str, ...] = ()  # participants left out for a blank baseline (R's na.omit)
    level: float = 0.95

    def conf_int(self, level: float | None = None) -> tuple[WeekInterval, ...]:
        """Per week, the t interval at `level` (default the fit's), as R's confint(lm, level = ...)."""
        level = check_level(self.level if level is None else level)
        out = []
        for e in self.effects:
            half = float(stats.t.ppf(0.5 + level / 2, e.n - 3)) * e.se
            out.append(WeekInterval(e.week, e.estimate, e.estimate - half, e.estimate + half, level))
        return tuple(out)

    def summary_text(self) -> str:
        rows = [
            (f"{e.week}", f"{e.n}", f"{e.estimate:.2f}", f"{e.se:.2f}",
             f"{e.ci_low:.2f} to {e.ci_high:.2f}", _p_text(e.p))
            for e in self.effects
        ]
        title = f"ANCOVA of {self.outcome} adjusted for baseline ({self.label}); intervention minus control"
        return format_table(title, ("week", "n", "difference", "SE", "95% CI", "p"), rows, skipped_note(self))


def _p_text(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def ancova_week(baseline: np.ndarray, arm: np.ndarray, y: np.ndarray, week: int) -> WeekEffect:
    """Least squares on [1, baseline, arm]; `arm` is 1 for intervention, 0 for control.

    Raises `NotEstimable` (a ValueError) naming the reason when lm() could not estimate the arm effect.
    """
    n = y.size
    design = np.column_stack([np.ones(n), baseline, arm])
    arms = int(np.unique(arm).size)
    if arms < 2:
        raise NotEstimable(week, f"only one arm measured (n = {n})")
    if np.linalg.matrix_rank(design) < 3:
        raise NotEstimable(week, f"the baseline does not vary within the arms measured (n = {n})")
    if n <= 3:
        raise NotEstimable(week, f"too few participants measured (n = {n}; the model needs at least 4)")
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    df = n - 3
    sigma2 = float(residual @ residual) / df
    # Solve through a QR factor: the same numerics lm() uses, and stable for near-collinear baselines.
    _, r = np.linalg.qr(design)
    r_inv = np.linalg.inv(r)
    se = float(np.sqrt(sigma2 * (r_inv[2] @ r_inv[2])))
    estimate = float(coef[2])
    t_crit = float(stats.t.ppf(0.975, df))
    # An exact fit leaves se = 0: R's summary.lm then reports t = ±Inf (p = 0), or NaN when the estimate is 0 too.
    t_value = estimate / se if se > 0 else (np.inf if estimate != 0 else np.nan)
    p = float(2 * stats.t.sf(abs(t_value), df))
    return WeekEffect(week, estimate, se, estimate - t_crit * se, estimate + t_crit * se, p, n)


def ancova_by_week(data: TrialData, label: str = "intention-to-treat") -> AncovaResult:
    """Baseline-adjusted arm difference at each follow-up week, among those measured at that week.

    Weeks where R's lm() cannot estimate the arm effect are listed in `skipped` with the reason; participants
    without a baseline are left out (`no_baseline`), as lm's na.omit does.
    """
    follow = data.modelled
    effects = []
    skipped = []
    for week in data.weeks:
        rows = follow[follow["week"] == week]
        try:
            effects.append(
                ancova_week(
                    rows["baseline"].to_numpy(float),
                    (rows["arm"] == "intervention").to_numpy(float),
                    rows["value"].to_numpy(float),
                    week,
                )
            )
        except NotEstimable as error:
            skipped.append(error.skipped)
    return AncovaResult(tuple(effects), data.outcome, label, tuple(skipped), data.no_baseline)
