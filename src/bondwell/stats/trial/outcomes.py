"""Per-week descriptive outcomes between arms: Hedges' g and the proportion below a clinical cut-off."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from bondwell.stats.effect_sizes import smd
from bondwell.stats.results import Reported
from bondwell.stats.trial.data import TrialData
from bondwell.stats.trial.reliability import EPDS_CUTOFF
from bondwell.stats.trial.tables import Z95, SkippedWeek, WeekInterval, check_level, format_table, skipped_note


@dataclass(frozen=True)
class WeekHedgesG:
    """Hedges' g, intervention minus control, among those measured (metafor `escalc("SMD")`)."""

    week: int
    g: float
    variance: float
    ci_low: float
    ci_high: float
    n_control: int
    n_intervention: int


@dataclass(frozen=True)
class HedgesGResult(Reported):
    weeks: tuple[WeekHedgesG, ...]
    outcome: str
    label: str = "intention-to-treat"
    skipped: tuple[SkippedWeek, ...] = ()
    level: float = 0.95

    @property
    def no_baseline(self) -> tuple[str, ...]:
        return ()  # unadjusted: everyone measured counts

    def conf_int(self, level: float | None = None) -> tuple[WeekInterval, ...]:
        """Per week, g ± z·√v at `level` (default the fit's), as metafor's escalc/summary."""
        level = check_level(self.level if level is None else level)
        z = float(stats.norm.ppf(0.5 + level / 2))
        return tuple(WeekInterval(w.week, w.g, w.g - z * np.sqrt(w.variance), w.g + z * np.sqrt(w.variance), level)
                     for w in self.weeks)

    def summary_text(self) -> str:
        rows = [
            (f"{w.week}", f"{w.n_control}", f"{w.n_intervention}", f"{w.g:.2f}",
             f"{w.ci_low:.2f} to {w.ci_high:.2f}")
            for w in self.weeks
        ]
        title = f"Hedges' g for {self.outcome} ({self.label}); intervention minus control, unadjusted"
        return format_table(title, ("week", "n control", "n intervention", "g", "95% CI"), rows, skipped_note(self))


@dataclass(frozen=True)
class WeekBelowCutoff:
    """How many in each arm scored strictly below the cut-off at one week."""

    week: int
    control_below: int
    control_n: int
    intervention_below: int
    intervention_n: int

    @property
    def control_proportion(self) -> float:
        return self.control_below / self.control_n if self.control_n else float("nan")

    @property
    def intervention_proportion(self) -> float:
        return self.intervention_below / self.intervention_n if self.intervention_n else float("nan")


@dataclass(frozen=True)
class BelowCutoffResult(Reported):
    weeks: tuple[WeekBelowCutoff, ...]
    cutoff: float
    outcome: str
    label: str = "intention-to-treat"

    def summary_text(self) -> str:
        rows = [
            (f"{w.week}", f"{w.control_below}/{w.control_n} ({100 * w.control_proportion:.0f}%)",
             f"{w.intervention_below}/{w.intervention_n} ({100 * w.intervention_proportion:.0f}%)")
            for w in self.weeks
        ]
        title = f"{self.outcome} below {self.cutoff:g} by arm ({self.label})"
        return format_table(title, ("week", "control", "intervention"), rows)


def hedges_g_by_week(data: TrialData, label: str = "intention-to-treat") -> HedgesGResult:
    """Hedges' g at each follow-up week; negative values favour the intervention when lower is better."""
    follow = data.follow_up
    weeks = []
    skipped = []
    for week in data.weeks:
        at = follow[follow["week"] == week]
        treated = at.loc[at["arm"] == "intervention", "value"].to_numpy(float)
        control = at.loc[at["arm"] == "control", "value"].to_numpy(float)
        if treated.size < 2 or control.size < 2:
            reason = (f"needs at least two participants in each arm (control {control.size}, "
                      f"intervention {treated.size})")
            skipped.append(SkippedWeek(week, reason))
            continue
        effect = smd(treated.mean(), treated.std(ddof=1), treated.size,
                     control.mean(), control.std(ddof=1), control.size)
        g, variance = float(effect.yi[0]), float(effect.vi[0])
        half = Z95 * np.sqrt(variance)
        weeks.append(WeekHedgesG(week, g, variance, g - half, g + half, control.size, treated.size))
    return HedgesGResult(tuple(weeks), data.outcome, label, tuple(skipped))


def below_cutoff_by_week(
    data: TrialData, cutoff: float = EPDS_CUTOFF, label: str = "intention-to-treat"
) -> BelowCutoffResult:
    """Counts strictly below `cutoff` (EPDS default 13, i.e. scores 0–12) at baseline and every follow-up."""
    measured = data.frame[data.frame["value"].notna()]
    weeks = []
    for week in (0, *data.weeks):
        at = measured[measured["week"] == week]
        control = at.loc[at["arm"] == "control", "value"].to_numpy(float)
        treated = at.loc[at["arm"] == "intervention", "value"].to_numpy(float)
        weeks.append(WeekBelowCutoff(week, int(np.sum(control < cutoff)), control.size,
                                     int(np.sum(treated < cutoff)), treated.size))
    return BelowCutoffResult(tuple(weeks), cutoff, data.outcome, label)
