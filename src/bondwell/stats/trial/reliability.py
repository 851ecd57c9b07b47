"""Reliable change index (Jacobson & Truax 1991) with EPDS defaults.

    RCI = (x2 − x1) / S_diff,   S_diff = √2 · SD1 · √(1 − r)

and a change is reliable when |RCI| > 1.96. Sources of the EPDS defaults:

- EPDS_RELIABILITY = 0.87: the standardised internal-consistency coefficient (alpha) of the EPDS reported by
  Cox, Holden & Sagovsky (1987), "Detection of postnatal depression: development of the 10-item Edinburgh
  Postnatal Depression Scale", Br J Psychiatry 150:782–786, doi:10.1192/bjp.150.6.782 (its alpha of 0.87 is
  restated, citing Cox et al., in BMC Public Health 2009, 9:329, doi:10.1186/1471-2458-9-329).
- EPDS_RELIABLE_CHANGE_POINTS = 4: Matthey (2004), "Calculating clinically significant change in postnatal
  depression studies using the Edinburgh Postnatal Depression Scale", J Affect Disord 78:269–272,
  doi:10.1016/S0165-0327(02)00313-0, whose abstract gives the EPDS reliable change as four points. We could
  not check which SD and reliability Matthey used, so this constant is offered for reporting and cross-checks,
  not used inside `reliable_change`; with r = 0.87 a baseline SD of 4 gives 1.96 · S_diff = 4.0 points.
- EPDS_CUTOFF = 13: "below 13" (scores 0–12), the 12/13 cut-off for probable major depression in
  English-speaking women used by Cox et al. (1987) and by Matthey (2004).

SD1 defaults to the sample's own pre-treatment SD (Jacobson & Truax's choice when no normative SD is given).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from bondwell.stats.results import Reported
from bondwell.stats.trial.tables import format_table

EPDS_RELIABILITY = 0.87
EPDS_RELIABLE_CHANGE_POINTS = 4
EPDS_CUTOFF = 13.0
RCI_CRITICAL = float(stats.norm.ppf(0.975))  # 1.959964, Jacobson & Truax's 1.96

Category = Literal["improved", "no reliable change", "deteriorated"]
CATEGORIES: tuple[Category, ...] = ("improved", "no reliable change", "deteriorated")


@dataclass(frozen=True)
class ReliableChangeResult(Reported):
    """Per-person RCI and category, in input order, with the ingredients used."""

    rci: NDArray[np.float64]
    category: tuple[Category, ...]
    s_diff: float
    sd: float
    reliability: float
    lower_is_better: bool

    def count(self, category: Category) -> int:
        return sum(1 for c in self.category if c == category)

    @property
    def n(self) -> int:
        return len(self.category)

    @property
    def reliable_change_threshold(self) -> float:
        """Smallest raw change, in outcome points, that counts as reliable."""
        return RCI_CRITICAL * self.s_diff

    def summary_text(self) -> str:
        rows = [(c, f"{self.count(c)}", f"{100 * self.count(c) / self.n:.0f}%" if self.n else "-")
                for c in CATEGORIES]
        note = (
            f"Jacobson & Truax RCI: SD {self.sd:.2f}, reliability {self.reliability:.2f}, S_diff "
            f"{self.s_diff:.2f}; a change of {self.reliable_change_threshold:.1f} points or more is reliable"
        )
        return format_table(f"Reliable change (n = {self.n})", ("category", "n", "%"), rows, note)


def reliable_change(
    pre: ArrayLike,
    post: ArrayLike,
    sd: float | None = None,
    reliability: float = EPDS_RELIABILITY,
    lower_is_better: bool = True,
) -> ReliableChangeResult:
    """Classify each pre → post change; `sd` defaults to the SD (n − 1) of `pre`."""
    x1 = np.asarray(pre, dtype=np.float64)
    x2 = np.asarray(post, dtype=np.float64)
    if x1.shape != x2.shape or x1.ndim != 1:
        raise ValueError("pre and post must be one-dimensional and of equal length")
    if np.any(~np.isfinite(x1)) or np.any(~np.isfinite(x2)):
        raise ValueError("pre and post must be finite (drop missing pairs first)")
    if not 0 <= reliability < 1:
        raise ValueError("reliability must be in [0, 1)")
    if sd is None:
        if x1.size < 2:
            raise ValueError("at least two people are needed to estimate the SD; pass sd")
        sd = float(np.std(x1, ddof=1))
    if sd <= 0:
        raise ValueError("the SD must be positive")
    s_diff = float(np.sqrt(2.0) * sd * np.sqrt(1.0 - reliability))
    rci = (x2 - x1) / s_diff
    better = -rci if lower_is_better else rci
    category: tuple[Category, ...] = tuple(
        "improved" if b > RCI_CRITICAL else "deteriorated" if b < -RCI_CRITICAL else "no reliable change"
        for b in better
    )
    rci.setflags(write=False)
    return ReliableChangeResult(rci, category, s_diff, sd, reliability, lower_is_better)
