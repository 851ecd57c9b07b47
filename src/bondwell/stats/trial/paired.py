"""Paired pre/post summary for a programme dashboard (no control group).

The mean change and its CI are R's `t.test(post, pre, paired = TRUE)`. Hedges' g for pre/post is the
standardised mean change with raw-score standardisation (Becker 1988), metafor's `escalc("SMCR")`:

    g = c(n − 1) · (mean_post − mean_pre) / SD_pre,    var = 2(1 − r)/n + g²/(2n)

with c the exact small-sample correction. Standardising by the pre-test SD (not the SD of the differences)
keeps g on the same scale as a between-groups g, so it is not inflated by a high pre/post correlation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from bondwell.stats.effect_sizes import small_sample_correction
from bondwell.stats.pairs import complete_pairs
from bondwell.stats.results import Reported
from bondwell.stats.trial.tables import Z95, format_table


@dataclass(frozen=True)
class PairedChange(Reported):
    """Change from pre to post (post minus pre) among people measured at both."""

    n: int
    mean_pre: float
    mean_post: float
    mean_change: float
    se: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p: float
    hedges_g: float
    hedges_g_variance: float
    correlation: float
    label: str = "pre/post"

    @property
    def hedges_g_ci(self) -> tuple[float, float]:
        half = Z95 * float(np.sqrt(self.hedges_g_variance))
        return self.hedges_g - half, self.hedges_g + half

    def summary_text(self) -> str:
        g_low, g_high = self.hedges_g_ci
        p_text = "< 0.001" if self.p < 0.001 else f"= {self.p:.3f}"
        rows = [
            ("mean before", f"{self.mean_pre:.2f}"),
            ("mean after", f"{self.mean_post:.2f}"),
            ("mean change (95% CI)", f"{self.mean_change:.2f} ({self.ci_low:.2f} to {self.ci_high:.2f})"),
            ("paired t, p", f"t({self.df}) = {self.t:.2f}, p {p_text}"),
            ("Hedges' g (95% CI)", f"{self.hedges_g:.2f} ({g_low:.2f} to {g_high:.2f})"),
        ]
        note = "g standardised by the SD before (metafor SMCR, bias-corrected)"
        return format_table(f"Paired change, {self.label} (n = {self.n})", ("", "value"), rows, note)


def paired_change(pre: ArrayLike, post: ArrayLike, label: str = "pre/post") -> PairedChange:
    """Summarise paired measurements; pairs with a missing value on either side are dropped."""
    x1, x2 = complete_pairs(pre, post, names="pre and post", at_least=3,
                            too_few="at least three complete pairs are needed")
    n = x1.size
    diff = x2 - x1
    mean_change = float(diff.mean())
    se = float(diff.std(ddof=1) / np.sqrt(n))
    if se == 0 or float(np.std(x1)) == 0:
        raise ValueError("no variation: the change or the pre-test scores are all identical")
    df = n - 1
    t_value = mean_change / se
    t_crit = float(stats.t.ppf(0.975, df))
    sd_pre = float(x1.std(ddof=1))
    r = float(np.corrcoef(x1, x2)[0, 1])
    g = float(small_sample_correction(df)) * (float(x2.mean()) - float(x1.mean())) / sd_pre
    return PairedChange(
        n=n, mean_pre=float(x1.mean()), mean_post=float(x2.mean()), mean_change=mean_change, se=se,
        ci_low=mean_change - t_crit * se, ci_high=mean_change + t_crit * se, t=t_value, df=df,
        p=float(2 * stats.t.sf(abs(t_value), df)), hedges_g=g,
        hedges_g_variance=2 * (1 - r) / n + g * g / (2 * n), correlation=r, label=label,
    )
