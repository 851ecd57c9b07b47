"""Dose–response (pure): ordinary least squares of an outcome change on a practice dose, with R's confidence band.

The fit is R's `lm(change ~ dose)`; the band is `predict(fit, newdata, interval = "confidence")`:

    ŷ(x0) ± t(0.975, n − 2) · s · √(1/n + (x0 − x̄)² / Sxx),    s² = RSS / (n − 2)

It is observational: mothers choose how much they practise, so a slope is an association, never an effect of the
dose (mothers who feel better may simply practise more). Checked against R in
tests/fixtures/dose_response/make_fixture.R.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from bondwell.stats.pairs import complete_pairs
from bondwell.stats.results import Reported

OBSERVATIONAL_NOTE = (
    "Observational: mothers choose how much they practise, so this line shows an association, not an effect "
    "of practice."
)


@dataclass(frozen=True)
class ConfidenceBand:
    """Fitted values with the lower and upper limits of their confidence interval, one per requested dose."""

    x: NDArray[np.float64]
    fit: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    level: float


@dataclass(frozen=True)
class DoseResponseFit(Reported):
    """`lm(y ~ x)` on the complete pairs: coefficients, their standard errors and the slope's test."""

    n: int
    intercept: float
    slope: float
    intercept_se: float
    slope_se: float
    residual_sd: float
    df: int
    r_squared: float
    slope_t: float
    slope_p: float
    x_mean: float
    sxx: float
    x_min: float
    x_max: float

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        """CI of the slope (R's `confint(fit)["x", ]`)."""
        half = float(stats.t.ppf(0.5 + level / 2, self.df)) * self.slope_se
        return self.slope - half, self.slope + half

    def predict(self, x: ArrayLike, level: float = 0.95) -> ConfidenceBand:
        """The fitted line and its confidence band at `x` (R's `predict(..., interval = "confidence")`)."""
        if not 0 < level < 1:
            raise ValueError("level must be between 0 and 1")
        x0 = np.asarray(x, dtype=np.float64).ravel()
        fit = self.intercept + self.slope * x0
        se_fit = self.residual_sd * np.sqrt(1.0 / self.n + (x0 - self.x_mean) ** 2 / self.sxx)
        half = float(stats.t.ppf(0.5 + level / 2, self.df)) * se_fit
        return ConfidenceBand(x=x0, fit=fit, lower=fit - half, upper=fit + half, level=level)

    def band(self, points: int = 50, level: float = 0.95) -> ConfidenceBand:
        """The band over the observed range of doses, for a chart (never extrapolated)."""
        return self.predict(np.linspace(self.x_min, self.x_max, points), level)

    def summary_text(self) -> str:
        low, high = self.conf_int()
        p_text = "< 0.001" if self.slope_p < 0.001 else f"= {self.slope_p:.3f}"
        return (
            f"Dose–response (n = {self.n}): change = {self.intercept:.2f} + {self.slope:.3f} × dose; "
            f"slope 95% CI {low:.3f} to {high:.3f}, t({self.df}) = {self.slope_t:.2f}, p {p_text}, "
            f"R² = {self.r_squared:.3f}. {OBSERVATIONAL_NOTE}"
        )


def fit_dose_response(dose: ArrayLike, change: ArrayLike) -> DoseResponseFit:
    """Fit change = a + b · dose by least squares; pairs with a missing value on either side are dropped."""
    x, y = complete_pairs(dose, change, names="dose and change", at_least=3,
                          too_few="at least three complete pairs are needed for a line with a confidence band")
    n = x.size
    x_mean, y_mean = float(x.mean()), float(y.mean())
    # Centred sums: numerically stable for large doses (minutes) with small changes (points).
    dx = x - x_mean
    sxx = float(dx @ dx)
    if sxx == 0:
        raise ValueError("every dose is the same: no slope can be estimated")
    slope = float(dx @ (y - y_mean)) / sxx
    intercept = y_mean - slope * x_mean
    residuals = y - (intercept + slope * x)
    df = n - 2
    rss = float(residuals @ residuals)
    s = float(np.sqrt(rss / df))
    tss = float((y - y_mean) @ (y - y_mean))
    slope_se = s / float(np.sqrt(sxx))
    intercept_se = s * float(np.sqrt(1.0 / n + x_mean**2 / sxx))
    slope_t = slope / slope_se if slope_se > 0 else float("inf") * np.sign(slope)
    return DoseResponseFit(
        n=n, intercept=intercept, slope=slope, intercept_se=intercept_se, slope_se=slope_se, residual_sd=s,
        df=df, r_squared=1.0 - rss / tss if tss > 0 else 1.0, slope_t=float(slope_t),
        slope_p=float(2 * stats.t.sf(abs(slope_t), df)), x_mean=x_mean, sxx=sxx, x_min=float(x.min()),
        x_max=float(x.max()),
    )
