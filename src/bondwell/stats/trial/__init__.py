"""Trial analysis (pure): ANCOVA per week, random-intercept mixed model, effect sizes, reliable change,
paired pre/post summaries, sample size and synthetic trials. Checked against R (lm, lme4, metafor, t.test,
power.t.test); see tests/fixtures/trial/make_fixtures.R.
"""

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
from bondwell.stats.trial.reliable_change import (
    EPDS_CUTOFF,
    EPDS_RELIABILITY,
    EPDS_RELIABLE_CHANGE_POINTS,
    ReliableChangeResult,
    reliable_change,
)
from bondwell.stats.trial.synth import synth_trial

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
