"""The pool of a published version: Hedges' g on the EPDS, main analysis and two sensitivity analyses.

No statistics are computed here: effect sizes and the random-effects fit come from `bondwell.stats.meta`
(metafor's escalc SMD, and rma with REML and Hartung–Knapp with the ad hoc correction, `test="adhoc"`: the
interval is never narrower than the z interval; Cochrane Handbook chapter 10; Röver, Knapp & Friede 2015).
This module chooses the rows, calls the fit, and turns the result into sentences that do not overstate: with
fewer than two studies there is no pooled estimate, no prediction interval and no word "pooled". Django only for
translation: the sentences go through gettext (named placeholders), and the English stored in a published version
(analysis titles, the "no estimate" sentences) is marked with gettext_noop and translated when it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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


EMPTY = {  # stored in English in the version; translated when shown (effect_words)
    "main": gettext_noop(
        "No study has complete EPDS numbers (group sizes, means and SDs) for both arms, so there is no estimate."
    ),
    "rct": gettext_noop("No randomised trial has complete EPDS numbers for both arms, so there is no estimate."),
    "low_risk": gettext_noop(
        "No study with complete EPDS numbers has been judged at low risk of bias, so there is no estimate."
    ),
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
        ("main", gettext_noop("All studies with complete numbers"), [r for _s, r in poolable]),
        ("rct", gettext_noop("Randomised trials only"), [r for s, r in poolable if s.get("design") == "rct"]),
        ("low_risk", gettext_noop("Low risk of bias only"),
         [r for s, r in poolable if (s.get("rob") or {}).get("overall") == "low"]),
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
        return _("very small")
    if size < 0.5:
        return _("small")
    if size < 0.8:
        return _("moderate")
    return _("large")


def effect_words(a: Mapping[str, Any]) -> str:
    k = int(a["k"])
    if k == 0:
        return _(str(a.get("empty") or EMPTY["main"]))
    if k == 1:
        s = a["studies"][0]
        return _(
            "Only one study (%(label)s) has complete numbers: its own Hedges' g is %(g)s (95%% CI "
            "%(low)s to %(high)s). One study cannot show how results vary between settings, "
            "so no combined estimate is given."
        ) % {"label": s["label"], "g": fmt(s["yi"]), "low": fmt(s["ci_low"]), "high": fmt(s["ci_high"])}
    g, low, high = a["estimate"], a["ci_low"], a["ci_high"]
    sure = (
        _("The 95% interval does not include zero (no difference).")
        if high < 0 or low > 0
        else _("The 95% interval includes zero, so the data are also compatible with no effect.")
    )
    values = {"k": k, "g": fmt(g), "low": fmt(low), "high": fmt(high), "size": _size_word(g), "sure": sure}
    if g < 0:
        text = _(
            "Pooled from %(k)s studies: Hedges' g = %(g)s (95%% CI %(low)s to %(high)s), EPDS scores lower (better) "
            "with massage than with the comparator, a %(size)s difference by the usual rule of thumb. %(sure)s "
            "Random effects (REML) with Hartung–Knapp intervals and the ad hoc correction."
        )
    else:
        text = _(
            "Pooled from %(k)s studies: Hedges' g = %(g)s (95%% CI %(low)s to %(high)s), EPDS scores higher (worse) "
            "with massage than with the comparator, a %(size)s difference by the usual rule of thumb. %(sure)s "
            "Random effects (REML) with Hartung–Knapp intervals and the ad hoc correction."
        )
    return text % values


def heterogeneity_words(a: Mapping[str, Any]) -> str:
    if int(a["k"]) < MIN_POOLED:
        return _("With fewer than two studies, how much results differ between studies cannot be estimated.")
    i2 = float(a["i2"])
    if i2 < 25:
        spread = _("little of the spread between studies is beyond what chance alone would give")
    elif i2 < 50:
        spread = _("some of the spread between studies is beyond chance")
    elif i2 < 75:
        spread = _("much of the spread between studies is beyond chance")
    else:
        spread = _("most of the spread between studies is beyond chance: they disagree substantially")
    return _(
        "I² = %(i2)s%% (τ² = %(tau2)s; Q = %(q)s on %(df)s df, p = %(p)s): "
        "%(spread)s. With only %(k)s studies these measures are themselves very uncertain."
    ) % {"i2": f"{i2:.0f}", "tau2": f"{a['tau2']:.3f}", "q": f"{a['q']:.2f}", "df": a["q_df"],
         "p": f"{a['q_pvalue']:.3f}", "spread": spread, "k": a["k"]}  # fmt: skip


def prediction_words(a: Mapping[str, Any]) -> str:
    if int(a["k"]) < MIN_POOLED or a.get("pi_low") is None:
        return _("A prediction interval needs at least two studies (and is only informative with many more).")
    low, high = float(a["pi_low"]), float(a["pi_high"])
    if high < 0:
        verdict = _("all of it on the side of benefit, though with few studies this interval is itself uncertain")
    else:
        verdict = _("which includes no effect (and harm), so a new setting might see no benefit")
    return _(
        "A new study in a setting like these might find g between %(low)s and %(high)s "
        "(95%% prediction interval), %(verdict)s."
    ) % {"low": fmt(low), "high": fmt(high), "verdict": verdict}
