"""The primary trial analysis: intention-to-treat, with an optional per-protocol sensitivity analysis.

Intention-to-treat analyses everyone as randomised. The per-protocol sensitivity analysis keeps every
control participant and the intervention participants whose adherence (the mean of their non-missing adherence
values, e.g. minutes of home massage per week) reaches the threshold; control mothers are not offered the
programme, so their adherence is not a protocol criterion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bondwell.stats.results import Reported
from bondwell.stats.trial.ancova import AncovaResult, ancova_by_week
from bondwell.stats.trial.data import TrialData
from bondwell.stats.trial.mixed import MixedModelResult, NotIdentifiableError, fit_mixed_model
from bondwell.stats.trial.outcomes import (
    BelowCutoffResult,
    HedgesGResult,
    below_cutoff_by_week,
    hedges_g_by_week,
)
from bondwell.stats.trial.reliability import EPDS_CUTOFF

INTENTION_TO_TREAT = "intention-to-treat"
PER_PROTOCOL = "per-protocol (sensitivity)"


@dataclass(frozen=True)
class TrialReport(Reported):
    """Every between-arm result for one analysis population."""

    label: str
    ancova: AncovaResult
    mixed_model: MixedModelResult | None  # None when the model is not identifiable (see `notes`)
    hedges_g: HedgesGResult
    below_cutoff: BelowCutoffResult
    notes: tuple[str, ...] = ()

    def summary_text(self) -> str:
        mixed = self.mixed_model.summary_text() if self.mixed_model else "Linear mixed model: not fitted"
        parts = [self.ancova.summary_text(), mixed, self.hedges_g.summary_text(), self.below_cutoff.summary_text()]
        return "\n\n".join(parts + [f"Note: {n}" for n in self.notes])

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (the `bondwell analyse trial --format json` shape)."""
        m = self.mixed_model
        mixed: dict[str, Any] | None = None
        if m is not None:
            mixed = {
                "effects": [
                    {"week": e.week, "estimate": e.estimate, "se": e.se, "ci_low": e.ci_low,
                     "ci_high": e.ci_high}
                    for e in m.effects
                ],
                "sigma2": m.sigma2,
                "tau2": m.tau2,
                "n_participants": m.n_participants,
                "n_observations": m.n_observations,
                "dropped_columns": list(m.dropped_columns),
            }
        return {
            "analysis": self.label,
            "ancova": [
                {"week": e.week, "estimate": e.estimate, "se": e.se, "ci_low": e.ci_low,
                 "ci_high": e.ci_high, "p": e.p, "n": e.n}
                for e in self.ancova.effects
            ],
            "mixed_model": mixed,
            "hedges_g": [
                {"week": w.week, "g": w.g, "variance": w.variance, "ci_low": w.ci_low, "ci_high": w.ci_high,
                 "n_control": w.n_control, "n_intervention": w.n_intervention}
                for w in self.hedges_g.weeks
            ],
            "below_cutoff": {
                "cutoff": self.below_cutoff.cutoff,
                "weeks": [
                    {"week": w.week, "control_below": w.control_below, "control_n": w.control_n,
                     "control_proportion": w.control_proportion, "intervention_below": w.intervention_below,
                     "intervention_n": w.intervention_n, "intervention_proportion": w.intervention_proportion}
                    for w in self.below_cutoff.weeks
                ],
            },
            "weeks_left_out": self.weeks_left_out(),
            "no_baseline": list(self.ancova.no_baseline),
            "notes": list(self.notes),
        }

    def weeks_left_out(self) -> dict[str, list[dict[str, Any]]]:
        """Per analysis, the weeks whose arm effect could not be estimated, with the reason."""
        parts: dict[str, Any] = {"ancova": self.ancova, "mixed_model": self.mixed_model, "hedges_g": self.hedges_g}
        return {
            name: [{"week": s.week, "reason": s.reason} for s in result.skipped] if result is not None else []
            for name, result in parts.items()
        }


@dataclass(frozen=True)
class TrialAnalysis(Reported):
    intention_to_treat: TrialReport
    per_protocol: TrialReport | None = None
    per_protocol_min: float | None = None

    def summary_text(self) -> str:
        text = self.intention_to_treat.summary_text()
        if self.per_protocol is not None:
            text += (
                f"\n\nPer-protocol sensitivity analysis: intervention participants with mean adherence "
                f">= {self.per_protocol_min:g}, all controls\n\n" + self.per_protocol.summary_text()
            )
        return text

    def as_dict(self) -> dict[str, Any]:
        result = self.intention_to_treat.as_dict()
        if self.per_protocol is not None:
            result["per_protocol"] = {"min_adherence": self.per_protocol_min, **self.per_protocol.as_dict()}
        return result


def report(data: TrialData, label: str = INTENTION_TO_TREAT, cutoff: float = EPDS_CUTOFF) -> TrialReport:
    notes: list[str] = []
    if data.no_baseline:
        n = len(data.no_baseline)
        notes.append(
            f"{n} participant{'s' if n != 1 else ''} without a baseline value left out of the ANCOVA and the "
            f"mixed model (as R's na.omit): {', '.join(data.no_baseline)}"
        )
    try:
        mixed: MixedModelResult | None = fit_mixed_model(data, label)
    except (NotIdentifiableError, ValueError) as error:
        mixed = None
        notes.append(f"mixed model not fitted: {error}")
    return TrialReport(
        label=label,
        ancova=ancova_by_week(data, label),
        mixed_model=mixed,
        hedges_g=hedges_g_by_week(data, label),
        below_cutoff=below_cutoff_by_week(data, cutoff, label),
        notes=tuple(notes),
    )


def per_protocol_subset(data: TrialData, min_adherence: float) -> TrialData:
    """Controls plus the intervention participants whose mean adherence is at least `min_adherence`."""
    frame = data.frame
    if "adherence" not in frame.columns:
        raise ValueError("per-protocol analysis needs an adherence column")
    adherence = frame.groupby("participant")["adherence"].mean()
    adherent = adherence[adherence >= min_adherence].index
    keep = (frame["arm"] == "control") | frame["participant"].isin(adherent)
    return TrialData(frame=frame[keep].reset_index(drop=True), outcome=data.outcome)


def analyse_trial(
    data: TrialData, per_protocol_min: float | None = None, cutoff: float = EPDS_CUTOFF
) -> TrialAnalysis:
    """Intention-to-treat analysis, plus the per-protocol sensitivity analysis when a threshold is given."""
    itt = report(data, INTENTION_TO_TREAT, cutoff)
    if per_protocol_min is None:
        return TrialAnalysis(itt)
    subset = per_protocol_subset(data, per_protocol_min)
    return TrialAnalysis(itt, report(subset, PER_PROTOCOL, cutoff), per_protocol_min)
