"""Sample size for a two-arm trial with a continuous outcome.

`n_per_arm` is R's `power.t.test(delta = d, sd = 1, power = P, sig.level = A)` (two-sample, two-sided,
strict = FALSE) rounded up: the smallest n for which the noncentral-t power

    P(T′ > t_{1−A/2, 2(n−1)}),   T′ ~ t(2(n−1), ncp = d·√(n/2))

reaches P. We solve for n with Brent's method to full precision (R's uniroot stops at ~1e-4).

`n_per_arm_adjusted` then applies, in this order, to the unrounded n:
- ANCOVA on a baseline that correlates r with the outcome: × (1 − r²) (Borm et al. 2007, J Clin Epidemiol
  60:1234, the "design factor" for baseline adjustment);
- clustering in groups (massage classes) of M mothers with intra-class correlation ICC: × 1 + (M − 1)·ICC;
- attrition F: ÷ (1 − F), so that the expected completers number n;
and rounds up. `n_total` = 2 × `n_per_arm_adjusted`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import optimize, stats

from bondwell.stats.results import Reported
from bondwell.stats.trial.tables import format_table

_N_MIN, _N_MAX = 2.0, 1e7  # R's search interval


def t_test_power(n: float, smd: float, alpha: float) -> float:
    """Power of the two-sided two-sample t-test with n per arm (R's power.t.test, strict = FALSE)."""
    nu = 2.0 * (n - 1.0)
    critical = stats.t.isf(alpha / 2.0, nu)
    return float(stats.nct.sf(critical, nu, math.sqrt(n / 2.0) * abs(smd)))


@dataclass(frozen=True)
class SampleSize(Reported):
    smd: float
    power: float
    alpha: float
    baseline_correlation: float
    attrition: float
    icc: float
    cluster_size: float
    n_exact: float
    n_per_arm: int
    n_per_arm_adjusted: int
    n_total: int

    @property
    def design_effect(self) -> float:
        return 1.0 + (self.cluster_size - 1.0) * self.icc

    def summary_text(self) -> str:
        rows = [
            ("standardised difference", f"{self.smd:g}"),
            ("power, two-sided alpha", f"{self.power:g}, {self.alpha:g}"),
            ("n per arm (t-test)", f"{self.n_per_arm}"),
            ("ANCOVA factor 1 − r²", f"{1 - self.baseline_correlation**2:.3f}"),
            ("design effect 1 + (M − 1)·ICC", f"{self.design_effect:.3f}"),
            ("attrition", f"{self.attrition:.0%}"),
            ("n per arm (adjusted)", f"{self.n_per_arm_adjusted}"),
            ("n total", f"{self.n_total}"),
        ]
        return format_table("Sample size, two-arm trial", ("", "value"), rows)


def _check(name: str, value: float, low: float, high: float, closed_low: bool = False) -> None:
    inside = (low <= value if closed_low else low < value) and value < high
    if not inside or math.isnan(value):
        raise ValueError(f"{name} must be in {'[' if closed_low else '('}{low:g}, {high:g}), got {value:g}")


def sample_size(
    smd: float,
    power: float = 0.8,
    alpha: float = 0.05,
    baseline_correlation: float = 0.0,
    attrition: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1.0,
) -> SampleSize:
    """Participants per arm and in total for a standardised difference `smd` (Cohen's d)."""
    if smd == 0 or math.isnan(smd):
        raise ValueError("smd must be a non-zero standardised difference")
    _check("power", power, 0.0, 1.0)
    _check("alpha", alpha, 0.0, 1.0)
    if power <= alpha / 2:
        raise ValueError("power must exceed alpha / 2")
    _check("baseline correlation", baseline_correlation, -1.0, 1.0)
    _check("attrition", attrition, 0.0, 1.0, closed_low=True)
    _check("ICC", icc, 0.0, 1.0, closed_low=True)
    if cluster_size < 1:
        raise ValueError("cluster size must be at least 1")

    def shortfall(n: float) -> float:
        return t_test_power(n, smd, alpha) - power

    if shortfall(_N_MIN) >= 0:
        # As power.t.test (uniroot with extendInt = "upX"): the root may lie below 2, down to just above 1
        # (where the t-test has no degrees of freedom left). n_per_arm still rounds it up to 2.
        # Walk the lower end down as uniroot extends its interval; very close to n = 1 the noncentral t is not
        # computed reliably, so the walk stops at 1.02.
        lower = next((n for n in (1.75, 1.5, 1.25, 1.1, 1.05, 1.02) if shortfall(n) < 0), None)
        if lower is None:
            raise ValueError("the difference is so large that the t-test reaches the power with fewer than 1.02 "
                             "per arm; no sample-size calculation is meaningful")
        n_exact = float(optimize.brentq(shortfall, lower, _N_MIN, xtol=1e-12, rtol=1e-14, maxiter=500))
    else:
        if shortfall(_N_MAX) < 0:
            raise ValueError("the difference is too small: more than 10 million per arm would be needed")
        n_exact = float(optimize.brentq(shortfall, _N_MIN, _N_MAX, xtol=1e-12, rtol=1e-14, maxiter=500))
    design_effect = 1.0 + (cluster_size - 1.0) * icc
    adjusted = n_exact * (1.0 - baseline_correlation**2) * design_effect / (1.0 - attrition)
    n_per_arm = math.ceil(n_exact)
    n_per_arm_adjusted = math.ceil(adjusted)
    return SampleSize(
        smd=smd, power=power, alpha=alpha, baseline_correlation=baseline_correlation, attrition=attrition,
        icc=icc, cluster_size=cluster_size, n_exact=n_exact, n_per_arm=n_per_arm,
        n_per_arm_adjusted=n_per_arm_adjusted, n_total=2 * n_per_arm_adjusted,
    )
