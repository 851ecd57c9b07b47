"""The pool of a published version: Hedges' g on the EPDS, main analysis and two sensitivity analyses.

No statistics are computed here: effect sizes and the random-effects fit come from `bondwell.stats.meta`
(metafor's escalc SMD, and rma with REML and Hartung–Knapp with the ad hoc correction, `test="adhoc"`: the
interval is never narrower than the z interval; Cochrane Handbook chapter 10; Röver, Knapp & Friede 2015).
This module chooses the rows, calls the fit, and turns the result into sentences that do not overstate: with
fewer than two studies there is no pooled estimate, no prediction interval and no word "pooled". No Django.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bondwell.evidence.review.extraction import NUMBERS, poolable_data
from bondwell.stats.meta import MetaResult, escalc, rma

METHOD = "REML"
TEST = "adhoc"
MIN_POOLED = 2


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


def row_of(study: Mapping[str, Any]) -> PoolRow | None:
    """The pool row of a snapshot study, or None when it is not poolable (a number missing or a reason given)."""
    if not poolable_data(study):
        return None
    n1, m1, s1, n2, m2, s2 = (float(study[n]) for n in NUMBERS)
    return PoolRow(str(study["key"]), str(study["label"]), int(n1), m1, s1, int(n2), m2, s2)


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


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


EMPTY = {
    "main": "No study has complete EPDS numbers (group sizes, means and SDs) for both arms, so there is no estimate.",
    "rct": "No randomised trial has complete EPDS numbers for both arms, so there is no estimate.",
    "low_risk": "No study with complete EPDS numbers has been judged at low risk of bias, so there is no estimate.",
}


def analysis(name: str, title: str, rows: Sequence[PoolRow], result: MetaResult | None = None) -> dict[str, Any]:
    """One analysis as plain data (stored in the published version, so its numbers never change). `result` is
    the fit of these rows when the caller already has it (it is fitted here otherwise)."""
    if result is None:
        result = fit_pool(rows)
    data: dict[str, Any] = {"name": name, "title": title, "k": len(rows), "method": METHOD, "test": TEST,
                            "empty": EMPTY.get(name, EMPTY["main"]),
                            "women": sum(r.n_massage + r.n_control for r in rows), "studies": []}  # fmt: skip
    if result is None:
        return data
    for row, y, v, w in zip(rows, result.yi, result.vi, result.weights, strict=True):
        own = rma([float(y)], [float(v)], method="FE")  # the study's own 95% interval, as metafor's forest draws it
        data["studies"].append({"key": row.key, "label": row.label, "yi": float(y), "vi": float(v),
                                "ci_low": own.ci_low, "ci_high": own.ci_high, "weight": float(w)})  # fmt: skip
    if len(rows) >= MIN_POOLED:
        data.update(
            estimate=result.estimate, ci_low=result.ci_low, ci_high=result.ci_high, pi_low=_finite(result.pi_low),
            pi_high=_finite(result.pi_high), tau2=result.tau2, i2=result.i2, q=result.q, q_df=result.q_df,
            q_pvalue=result.q_pvalue, df=result.ddf,
        )  # fmt: skip
    return data


def analyses(studies: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The main analysis (every poolable study) and, beside it, RCTs only and low risk of bias only.

    Each distinct set of studies is fitted once: a sensitivity analysis with the same studies as the main one
    (every study an RCT, say) reuses its fit."""
    pairs = [(s, row_of(s)) for s in studies]
    poolable = [(s, r) for s, r in pairs if r is not None]
    plans = (
        ("main", "All studies with complete numbers", [r for _, r in poolable]),
        ("rct", "Randomised trials only", [r for s, r in poolable if s.get("design") == "rct"]),
        ("low_risk", "Low risk of bias only", [r for s, r in poolable if (s.get("rob") or {}).get("overall") == "low"]),
    )
    fits: dict[tuple[str, ...], MetaResult | None] = {}
    done = []
    for name, title, rows in plans:
        keys = tuple(r.key for r in rows)
        if keys not in fits:
            fits[keys] = fit_pool(rows)
        done.append(analysis(name, title, rows, fits[keys]))
    return done


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


def effect_words(a: Mapping[str, Any]) -> str:
    k = int(a["k"])
    if k == 0:
        return str(a.get("empty") or EMPTY["main"])
    if k == 1:
        s = a["studies"][0]
        return (
            f"Only one study ({s['label']}) has complete numbers: its own Hedges' g is {fmt(s['yi'])} (95% CI "
            f"{fmt(s['ci_low'])} to {fmt(s['ci_high'])}). One study cannot show how results vary between settings, "
            "so no combined estimate is given."
        )
    g, low, high = a["estimate"], a["ci_low"], a["ci_high"]
    direction = "lower (better)" if g < 0 else "higher (worse)"
    sure = (
        "The 95% interval does not include zero (no difference)."
        if high < 0 or low > 0
        else "The 95% interval includes zero, so the data are also compatible with no effect."
    )
    return (
        f"Pooled from {k} studies: Hedges' g = {fmt(g)} (95% CI {fmt(low)} to {fmt(high)}), EPDS scores {direction} "
        f"with massage than with the comparator, a {_size_word(g)} difference by the usual rule of thumb. {sure} "
        "Random effects (REML) with Hartung–Knapp intervals and the ad hoc correction."
    )


def heterogeneity_words(a: Mapping[str, Any]) -> str:
    if int(a["k"]) < MIN_POOLED:
        return "With fewer than two studies, how much results differ between studies cannot be estimated."
    i2 = float(a["i2"])
    if i2 < 25:
        spread = "little of the spread between studies is beyond what chance alone would give"
    elif i2 < 50:
        spread = "some of the spread between studies is beyond chance"
    elif i2 < 75:
        spread = "much of the spread between studies is beyond chance"
    else:
        spread = "most of the spread between studies is beyond chance: they disagree substantially"
    return (
        f"I² = {i2:.0f}% (τ² = {a['tau2']:.3f}; Q = {a['q']:.2f} on {a['q_df']} df, p = {a['q_pvalue']:.3f}): "
        f"{spread}. With only {a['k']} studies these measures are themselves very uncertain."
    )


def prediction_words(a: Mapping[str, Any]) -> str:
    if int(a["k"]) < MIN_POOLED or a.get("pi_low") is None:
        return "A prediction interval needs at least two studies (and is only informative with many more)."
    low, high = float(a["pi_low"]), float(a["pi_high"])
    if high < 0:
        verdict = "all of it on the side of benefit, though with few studies this interval is itself uncertain"
    else:
        verdict = "which includes no effect (and harm), so a new setting might see no benefit"
    return (
        f"A new study in a setting like these might find g between {fmt(low)} and {fmt(high)} "
        f"(95% prediction interval), {verdict}."
    )
