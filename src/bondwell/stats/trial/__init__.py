"""Trial analysis (pure): ANCOVA per week, random-intercept mixed model, effect sizes, reliable change,
paired pre/post summaries, sample size and synthetic trials. Checked against R (lm, lme4, metafor, t.test,
power.t.test); see tests/fixtures/trial/make_fixtures.R.
"""

# Names load on first use (PEP 562), so a command that only needs the sample-size formula, or `bondwell --help`,
# does not import pandas and scipy.stats for the whole trial toolkit.
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bondwell.stats.trial.analysis import (
        INTENTION_TO_TREAT,
        PER_PROTOCOL,
        TrialAnalysis,
        TrialReport,
        analyse_trial,
        per_protocol_subset,
    )
    from bondwell.stats.trial.ancova import AncovaResult, WeekEffect, ancova_by_week
    from bondwell.stats.trial.data import TrialData, TrialDataError, load_trial_csv, prepare_trial
    from bondwell.stats.trial.mixed import (
        MixedModelResult,
        MixedWeekEffect,
        NotIdentifiableError,
        fit_mixed_model,
    )
    from bondwell.stats.trial.outcomes import (
        BelowCutoffResult,
        HedgesGResult,
        WeekBelowCutoff,
        WeekHedgesG,
        below_cutoff_by_week,
        hedges_g_by_week,
    )
    from bondwell.stats.trial.paired import PairedChange, paired_change
    from bondwell.stats.trial.power import SampleSize, sample_size, t_test_power
    from bondwell.stats.trial.reliability import (
        EPDS_CUTOFF,
        EPDS_RELIABILITY,
        EPDS_RELIABLE_CHANGE_POINTS,
        ReliableChangeResult,
        reliable_change,
    )
    from bondwell.stats.trial.synth import synth_trial

_LAZY: dict[str, str] = {
    "AncovaResult": "bondwell.stats.trial.ancova",
    "BelowCutoffResult": "bondwell.stats.trial.outcomes",
    "EPDS_CUTOFF": "bondwell.stats.trial.reliability",
    "EPDS_RELIABILITY": "bondwell.stats.trial.reliability",
    "EPDS_RELIABLE_CHANGE_POINTS": "bondwell.stats.trial.reliability",
    "HedgesGResult": "bondwell.stats.trial.outcomes",
    "INTENTION_TO_TREAT": "bondwell.stats.trial.analysis",
    "MixedModelResult": "bondwell.stats.trial.mixed",
    "MixedWeekEffect": "bondwell.stats.trial.mixed",
    "NotIdentifiableError": "bondwell.stats.trial.mixed",
    "PER_PROTOCOL": "bondwell.stats.trial.analysis",
    "PairedChange": "bondwell.stats.trial.paired",
    "ReliableChangeResult": "bondwell.stats.trial.reliability",
    "SampleSize": "bondwell.stats.trial.power",
    "TrialAnalysis": "bondwell.stats.trial.analysis",
    "TrialData": "bondwell.stats.trial.data",
    "TrialDataError": "bondwell.stats.trial.data",
    "TrialReport": "bondwell.stats.trial.analysis",
    "WeekBelowCutoff": "bondwell.stats.trial.outcomes",
    "WeekEffect": "bondwell.stats.trial.ancova",
    "WeekHedgesG": "bondwell.stats.trial.outcomes",
    "analyse_trial": "bondwell.stats.trial.analysis",
    "ancova_by_week": "bondwell.stats.trial.ancova",
    "below_cutoff_by_week": "bondwell.stats.trial.outcomes",
    "fit_mixed_model": "bondwell.stats.trial.mixed",
    "hedges_g_by_week": "bondwell.stats.trial.outcomes",
    "load_trial_csv": "bondwell.stats.trial.data",
    "paired_change": "bondwell.stats.trial.paired",
    "per_protocol_subset": "bondwell.stats.trial.analysis",
    "prepare_trial": "bondwell.stats.trial.data",
    "reliable_change": "bondwell.stats.trial.reliability",
    "sample_size": "bondwell.stats.trial.power",
    "synth_trial": "bondwell.stats.trial.synth",
    "t_test_power": "bondwell.stats.trial.power",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EPDS_CUTOFF",
    "EPDS_RELIABILITY",
    "EPDS_RELIABLE_CHANGE_POINTS",
    "INTENTION_TO_TREAT",
    "PER_PROTOCOL",
    "AncovaResult",
    "BelowCutoffResult",
    "HedgesGResult",
    "MixedModelResult",
    "MixedWeekEffect",
    "NotIdentifiableError",
    "PairedChange",
    "ReliableChangeResult",
    "SampleSize",
    "TrialAnalysis",
    "TrialData",
    "TrialDataError",
    "TrialReport",
    "WeekBelowCutoff",
    "WeekEffect",
    "WeekHedgesG",
    "analyse_trial",
    "ancova_by_week",
    "below_cutoff_by_week",
    "fit_mixed_model",
    "hedges_g_by_week",
    "load_trial_csv",
    "paired_change",
    "per_protocol_subset",
    "prepare_trial",
    "reliable_change",
    "sample_size",
    "synth_trial",
    "t_test_power",
]
