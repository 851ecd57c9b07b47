"""A study's analysis: the long frame handed to bondwell.stats.trial (no statistics are computed here).

Intention-to-treat is the default: everyone as randomised. The per-protocol sensitivity analysis keeps the
controls and the intervention mothers who reached the study's adherence rule: the mean home-practice minutes
a week it sets, or, when it sets none, having received the intervention at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from io import BytesIO

import matplotlib
import numpy as np
import pandas as pd
from django.db import DEFAULT_DB_ALIAS
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bondwell.stats.trial import (
    EPDS_CUTOFF,
    PairedChange,
    TrialAnalysis,
    TrialDataError,
    analyse_trial,
    paired_change,
    prepare_trial,
)
from bondwell.studies.frame import from_snapshot, long_frame
from bondwell.studies.models import DatabaseLock, Study

# Fixed SVG element ids: the same data draws the same file (matplotlib salts them randomly otherwise). One
# process-wide constant set at import (never toggled per drawing, which threads could observe half-way).
matplotlib.rcParams["svg.hashsalt"] = "bondwell"

ARM_LABELS = {"intervention": "Infant massage", "control": "Control"}

LIMITS = (
    "Observational follow-ups are only as complete as the questionnaires mothers return: the analysis uses "
    "those measured at each week (ANCOVA) and all available measurements (mixed model), which assumes data "
    "missing at random given baseline and arm.",
    "Outcomes are self-reported EPDS totals, a screening measure, not a diagnosis.",
    "Mothers and staff know the allocation (massage cannot be blinded); expectation effects cannot be excluded.",
    "The per-protocol analysis is a sensitivity analysis: adherent mothers may differ from the others in ways "
    "randomisation no longer balances.",
    "Small studies give wide intervals; read the confidence intervals, not only the p-values.",
)


@dataclass(frozen=True)
class Trajectory:
    arm: str
    week: int
    n: int
    mean: float
    sd: float


@dataclass(frozen=True)
class StudyAnalysis:
    study_code: str
    frame: pd.DataFrame
    trajectories: tuple[Trajectory, ...]
    trial: TrialAnalysis | None = None
    single_arm: tuple[tuple[int, PairedChange], ...] = ()
    per_protocol_rule: str = ""
    problems: tuple[str, ...] = field(default_factory=tuple)
    # Secondary outcomes: (instrument, intention-to-treat analysis or None, problems), same models as the EPDS.
    secondary: tuple[tuple[str, TrialAnalysis | None, tuple[str, ...]], ...] = ()

    @property
    def n_participants(self) -> int:
        return int(self.frame["participant"].nunique()) if not self.frame.empty else 0


def trajectories(frame: pd.DataFrame) -> tuple[Trajectory, ...]:
    measured = frame[frame["epds"].notna()]
    out = []
    for key, group in measured.groupby(["arm", "week"], sort=True):
        arm, week = tuple(key)  # type: ignore[arg-type]
        values = group["epds"].to_numpy(float)
        sd = float(np.std(values, ddof=1)) if values.size > 1 else float("nan")
        out.append(Trajectory(str(arm), int(str(week)), int(values.size), float(values.mean()), sd))
    return tuple(out)


def _per_protocol(study: Study, frame: pd.DataFrame) -> tuple[pd.DataFrame, float, str]:
    if study.per_protocol_minutes is not None:
        rule = f"intervention mothers averaging at least {study.per_protocol_minutes:g} minutes of practice a week"
        return frame.assign(adherence_used=frame["adherence"]), float(study.per_protocol_minutes), rule
    received = frame["received"].map(lambda r: 1.0 if r is True else 0.0)
    return frame.assign(adherence_used=received), 1.0, "intervention mothers who received the intervention"


def study_frame(study: Study) -> pd.DataFrame:
    """The frozen snapshot once the database is locked (the final analysis), else the live long frame.
    Whether it is locked is read on the primary, where the lock was written, even inside `reporting()`: a lagging
    replica must not show a just-locked study's live data as its analysis."""
    lock = DatabaseLock.objects.using(DEFAULT_DB_ALIAS).filter(study=study).only("snapshot").first()
    return from_snapshot(lock.snapshot) if lock is not None else long_frame(study)


def analyse_study(study: Study) -> StudyAnalysis:
    frame = study_frame(study)
    paths = trajectories(frame)
    if frame.empty:
        return StudyAnalysis(study.code, frame, paths, problems=("No participants to analyse yet.",))
    if not study.is_randomised:
        return _single_arm(study, frame, paths)
    secondary = tuple(_secondary(frame, name) for name in study.secondary if name in frame.columns)
    primary = _primary(study, frame, paths)
    return replace(primary, secondary=secondary) if secondary else primary


# Cut-offs for the "below the cut-off" table of secondary outcomes (scores below it): GAD-7 and PHQ-9 at 10
# (Spitzer et al. 2006; Kroenke et al. 2001). Other instruments get no such table.
SECONDARY_CUTOFFS = {"gad7": 10.0, "phq9": 10.0}


def _secondary(frame: pd.DataFrame, name: str) -> tuple[str, TrialAnalysis | None, tuple[str, ...]]:
    """Intention-to-treat analysis of a secondary outcome with the primary outcome's models."""
    try:
        data = prepare_trial(frame[["participant", "arm", "week", name]], name)
        return name, analyse_trial(data, cutoff=SECONDARY_CUTOFFS.get(name, float("nan"))), ()
    except TrialDataError as error:
        return name, None, tuple(error.problems)
    except ValueError as error:
        return name, None, (f"Not analysable yet: {error}",)


def _primary(study: Study, frame: pd.DataFrame, paths: tuple[Trajectory, ...]) -> StudyAnalysis:
    pp_frame, threshold, rule = _per_protocol(study, frame)
    try:
        data = prepare_trial(
            pp_frame.rename(columns={"epds": "epds_total"})[["participant", "arm", "week", "epds_total",
                                                              "adherence_used"]],
            "epds_total", "adherence_used",
        )
    except TrialDataError as error:
        return StudyAnalysis(study.code, frame, paths, problems=tuple(error.problems))
    problems: list[str] = []
    try:
        trial = analyse_trial(data, per_protocol_min=threshold, cutoff=EPDS_CUTOFF)
    except ValueError as error:
        problems.append(f"Per-protocol analysis not possible: {error}")
        try:
            trial = analyse_trial(data, cutoff=EPDS_CUTOFF)
        except ValueError as itt_error:
            return StudyAnalysis(study.code, frame, paths, problems=(f"Not analysable yet: {itt_error}",))
    return StudyAnalysis(study.code, frame, paths, trial=trial, per_protocol_rule=rule, problems=tuple(problems))


def _single_arm(study: Study, frame: pd.DataFrame, paths: tuple[Trajectory, ...]) -> StudyAnalysis:
    baseline = frame[frame["week"] == 0].set_index("participant")["epds"]
    changes = []
    problems = []
    for week in sorted(w for w in frame["week"].unique() if w > 0):
        post = frame[frame["week"] == week].set_index("participant")["epds"]
        both = pd.concat([baseline, post], axis=1, keys=["pre", "post"]).dropna()
        if len(both) < 3:
            problems.append(f"Week {week}: fewer than three mothers measured at baseline and this week.")
            continue
        changes.append((int(week), paired_change(both["pre"].to_numpy(float), both["post"].to_numpy(float))))
    return StudyAnalysis(study.code, frame, paths, single_arm=tuple(changes), problems=tuple(problems))


def trajectory_figure(analysis: StudyAnalysis, fmt: str) -> bytes:
    """Mean EPDS by week and arm with ±1 SE bars, as SVG or PNG bytes.

    An object-oriented Figure with its own Agg canvas: no pyplot, so no global figure state shared between
    the web server's threads."""
    figure = Figure(figsize=(6.4, 3.6))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for arm in ("intervention", "control"):
        points = [t for t in analysis.trajectories if t.arm == arm]
        if not points:
            continue
        weeks = [t.week for t in points]
        means = [t.mean for t in points]
        errors = [t.sd / np.sqrt(t.n) if t.n > 1 else 0.0 for t in points]
        axes.errorbar(weeks, means, yerr=errors, marker="o", capsize=3, label=ARM_LABELS[arm])
    axes.axhline(EPDS_CUTOFF, color="grey", linestyle=":", linewidth=1, label=f"EPDS {EPDS_CUTOFF:g}")
    axes.set_xlabel("Weeks after the start of the schedule")
    axes.set_ylabel("Mean EPDS total (± SE)")
    axes.set_ylim(0, 30)
    axes.legend(frameon=False, fontsize=8)
    figure.tight_layout()
    buffer = BytesIO()
    # No creation date in the SVG: the same data gives the same page.
    figure.savefig(buffer, format=fmt, dpi=150, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
