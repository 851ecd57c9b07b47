"""Meta-analysis as R's metafor computes it (checked against metafor 3.8-1 to 1e-6).

    from bondwell.stats.meta import escalc, rma, leave_one_out, cumulative, subgroup, regtest, trimfill
    es = escalc("SMD", m1i=..., sd1i=..., n1i=..., m2i=..., sd2i=..., n2i=..., slab=names)
    res = rma(es, method="REML", test="knha")          # or rma(yi, vi, ..., mods=..., slab=...)
    res.estimate, res.ci_low, res.ci_high, res.tau2, res.i2, res.pi_low, res.pi_high
    res.conf_int(); res.predict(); res.summary(); res.forest("forest.svg"); res.funnel("funnel.png")
    leave_one_out(res); cumulative(res); subgroup(es, groups); regtest(res); trimfill(res)

Pure: numpy and scipy only (matplotlib is imported lazily by the plotting methods); no Django.
"""

from bondwell.stats.effect_sizes import EffectSizes, escalc
from bondwell.stats.meta.intervals import Prediction, Tau2Interval
from bondwell.stats.meta.model import MetaResult, rma
from bondwell.stats.meta.sensitivity import StudyTable, SubgroupResult, cumulative, leave_one_out, subgroup
from bondwell.stats.meta.small_study import RegTest, TrimFill, regtest, trimfill
from bondwell.stats.meta.tau2 import METHODS, ConvergenceError

__all__ = [
    "METHODS",
    "ConvergenceError",
    "EffectSizes",
    "MetaResult",
    "Prediction",
    "RegTest",
    "StudyTable",
    "SubgroupResult",
    "Tau2Interval",
    "TrimFill",
    "cumulative",
    "escalc",
    "leave_one_out",
    "regtest",
    "rma",
    "subgroup",
    "trimfill",
]
