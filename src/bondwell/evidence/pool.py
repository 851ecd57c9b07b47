"""The living pool: Hedges' g on the EPDS from every poolable study, and what it means in plain words.

No statistics are computed here: effect sizes and the random-effects fit come from `bondwell.stats.meta`
(metafor's escalc SMD and rma with REML and the Hartung–Knapp adjustment). This module only chooses the
rows, calls the fit, and turns the result into sentences. It imports no Django.
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bondwell.evidence.data import PublishedStudy
from bondwell.stats.meta import MetaResult, escalc, rma

logger = logging.getLogger(__name__)

METHOD = "REML"
TEST = "knha"


@dataclass(frozen=True)
class PoolRow:
    """The summary numbers of one study's primary EPDS outcome (massage arm first)."""

    key: str
    label: str
    n_massage: int
    mean_massage: float
    sd_massage: float
    n_control: int
    mean_control: float
    sd_control: float


@dataclass(frozen=True)
class Pool:
    """The fit (None when no study is poolable), the rows it used, and the plain-words reading."""

    rows: tuple[PoolRow, ...]
    result: MetaResult | None
    effect_text: str
    heterogeneity_text: str
    prediction_text: str

    @property
    def k(self) -> int:
        return len(self.rows)

    @property
    def women(self) -> int:
        return sum(r.n_massage + r.n_control for r in self.rows)

    def study_effects(self) -> list[tuple[PoolRow, float, float, float, float]]:
        """Each row with its own g, 95% CI (normal) and weight in the pool (%)."""
        if self.result is None:
            return []
        z = 1.959963984540054
        fit = self.result
        return [
            (row, float(y), float(y - z * math.sqrt(v)), float(y + z * math.sqrt(v)), float(w))
            for row, y, v, w in zip(self.rows, fit.yi, fit.vi, fit.weights, strict=True)
        ]


def shipped_row(study: PublishedStudy) -> PoolRow | None:
    """The pool row of a shipped study's primary outcome, or None when it is not poolable."""
    outcome = study.primary_outcome
    m, c = outcome.massage, outcome.control
    if not outcome.poolable or m.n is None or m.mean is None or m.sd is None:
        return None
    if c.n is None or c.mean is None or c.sd is None:
        return None
    return PoolRow(study.key, study.short, m.n, m.mean, m.sd, c.n, c.mean, c.sd)


def fit_pool(rows: Sequence[PoolRow]) -> MetaResult | None:
    if not rows:
        return None
    effects = escalc(
        "SMD",
        slab=[r.label for r in rows],
        m1i=[r.mean_massage for r in rows],
        sd1i=[r.sd_massage for r in rows],
        n1i=[r.n_massage for r in rows],
        m2i=[r.mean_control for r in rows],
        sd2i=[r.sd_control for r in rows],
        n2i=[r.n_control for r in rows],
    )
    return rma(effects, method=METHOD, test=TEST)


def pool(rows: Sequence[PoolRow]) -> Pool:
    ordered = tuple(rows)
    result = fit_pool(ordered)
    return Pool(
        rows=ordered,
        result=result,
        effect_text=effect_words(result),
        heterogeneity_text=heterogeneity_words(result),
        prediction_text=prediction_words(result),
    )


def fmt(value: float) -> str:
    """Two decimals with a true minus sign, as the page prints every effect."""
    return f"{value:.2f}".replace("-", "−")


def _size_word(g: float) -> str:
    size = abs(g)
    if size < 0.2:
        return "very small"
    if size < 0.5:
        return "small"
    if size < 0.8:
        return "moderate"
    return "large"


def effect_words(result: MetaResult | None) -> str:
    if result is None:
        return (
            "No study yet has complete EPDS numbers (group sizes, means and SDs) for both arms, "
            "so nothing is pooled."
        )
    g, low, high = result.estimate, result.ci_low, result.ci_high
    direction = "lower (better)" if g < 0 else "higher (worse)"
    sure = (
        "The 95% interval does not include zero (no difference)."
        if high < 0 or low > 0
        else "The 95% interval includes zero, so the data are also compatible with no effect."
    )
    scope = (
        "This is one study's own result, not a pooled one."
        if result.k == 1
        else f"Pooled from {result.k} studies (random effects, REML, Hartung–Knapp intervals)."
    )
    return (
        f"Hedges' g = {fmt(g)} (95% CI {fmt(low)} to {fmt(high)}): EPDS scores {direction} with massage than "
        f"with the comparator, a {_size_word(g)} difference by the usual rule of thumb. {sure} {scope}"
    )


def heterogeneity_words(result: MetaResult | None) -> str:
    if result is None:
        return ""
    if result.k == 1:
        return "With a single study, how much results differ between studies cannot be estimated."
    i2 = result.i2
    if i2 < 25:
        spread = "little of the spread between studies is beyond what chance alone would give"
    elif i2 < 50:
        spread = "some of the spread between studies is beyond chance"
    elif i2 < 75:
        spread = "much of the spread between studies is beyond chance: they disagree more than chance would"
    else:
        spread = "most of the spread between studies is beyond chance: they disagree substantially"
    return (
        f"I² = {i2:.0f}% (τ² = {result.tau2:.3f}; Q = {result.q:.2f} on {result.q_df} df, "
        f"p = {result.q_pvalue:.3f}): {spread}. "
        f"With only {result.k} studies these measures are themselves very uncertain."
    )


def prediction_words(result: MetaResult | None) -> str:
    if result is None or result.k == 1 or not math.isfinite(result.pi_low):
        return "A prediction interval needs at least two studies (and is only informative with many more)."
    low, high = result.pi_low, result.pi_high
    verdict = (
        "so a new setting like these would be expected to see some benefit"
        if high < 0
        else "which includes no effect (and harm), so a new setting might see no benefit"
    )
    return (
        f"A new study in a setting like these would be expected to find g between {fmt(low)} and {fmt(high)} "
        f"(95% prediction interval), {verdict}."
    )


@lru_cache(maxsize=32)
def _forest_svg_cached(rows: tuple[PoolRow, ...]) -> str:
    result = fit_pool(rows)
    if result is None:
        return ""
    with tempfile.TemporaryDirectory() as folder:
        title = "Infant massage vs comparator: EPDS (Hedges' g)"
        path = result.forest(Path(folder) / "forest.svg", title=title)
        text = path.read_text(encoding="utf-8")
    # Inline in HTML: drop the XML declaration and DOCTYPE that precede <svg.
    start = text.find("<svg")
    svg = text[start:] if start >= 0 else ""
    return re.sub(r"<!--.*?-->", "", svg, flags=re.S)


def forest_svg(rows: Sequence[PoolRow]) -> str:
    """The forest plot of `bondwell.stats.meta` as inline SVG text (cached: the same rows draw the same plot).

    A plot that cannot be drawn is logged and left out, so that the numbers and the studies table, which
    carry the evidence, still reach the reader; the page then says the plot is missing.
    """
    try:
        return _forest_svg_cached(tuple(rows))
    except Exception:
        logger.exception("forest plot failed for %d studies", len(rows))
        return ""
