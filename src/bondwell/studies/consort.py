"""The CONSORT 2010 flow of a study, counted from the database and drawn with matplotlib (SVG and PDF)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from io import BytesIO

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from bondwell.studies.models import (
    ExclusionReason,
    Participant,
    ParticipantStatus,
    ScreeningEntry,
    Study,
    Visit,
)

matplotlib.use("Agg")
# Fixed SVG element ids: the same data draws the same file (matplotlib salts them randomly otherwise).
matplotlib.rcParams["svg.hashsalt"] = "bondwell"

@dataclass(frozen=True)
class ArmFlow:
    code: str
    label: str
    allocated: int
    received: int
    not_received: int
    received_unknown: int
    lost: tuple[tuple[str, int], ...]  # reason, count
    withdrawn: tuple[tuple[str, int], ...]
    analysed: int

    @property
    def excluded_from_analysis(self) -> int:
        return self.allocated - self.analysed


@dataclass(frozen=True)
class ConsortFlow:
    study_title: str
    randomised_design: bool
    assessed: int
    excluded: tuple[tuple[str, int], ...]  # reason label, count
    randomised: int
    arms: tuple[ArmFlow, ...]

    @property
    def excluded_total(self) -> int:
        return sum(n for _, n in self.excluded)


def _reasons(values: list[str], empty: str) -> tuple[tuple[str, int], ...]:
    counts = Counter(v.strip() or empty for v in values)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def consort_flow(study: Study) -> ConsortFlow:
    entries = ScreeningEntry.objects.filter(study=study)
    assessed = entries.count()
    enrolled_ids = set(Participant.objects.filter(study=study).values_list("screening_id", flat=True))
    labels = dict(ExclusionReason.choices)
    excluded: Counter[str] = Counter()
    for entry_id, reason in entries.values_list("id", "exclusion_reason"):
        if entry_id in enrolled_ids:
            continue
        excluded[labels.get(reason, "Eligible, consent not recorded")] += 1
    participants = Participant.objects.filter(study=study).select_related("allocation__arm")
    if study.is_randomised:
        participants = participants.filter(allocation__isnull=False)
    measured = set(
        Visit.objects.filter(participant__study=study, timepoint__week__gt=0, epds_total__isnull=False)
        .values_list("participant_id", flat=True)
    )
    by_arm: dict[str, list[Participant]] = {}
    for p in participants:
        code = p.allocation.arm.code if study.is_randomised else "intervention"
        by_arm.setdefault(code, []).append(p)
    arms = []
    for arm in study.arms.all():
        group = by_arm.get(arm.code, [])
        arms.append(ArmFlow(
            code=arm.code, label=arm.label, allocated=len(group),
            received=sum(p.received_intervention is True for p in group),
            not_received=sum(p.received_intervention is False for p in group),
            received_unknown=sum(p.received_intervention is None for p in group),
            lost=_reasons([p.status_reason for p in group if p.status == ParticipantStatus.LOST], "no reason given"),
            withdrawn=_reasons(
                [p.status_reason for p in group if p.status == ParticipantStatus.WITHDRAWN], "no reason given"
            ),
            # Analysed (ITT): measured at baseline and at least one follow-up.
            analysed=sum(p.pk in measured and p.baseline_epds is not None for p in group),
        ))
    excluded_rows = tuple(sorted(excluded.items(), key=lambda item: (-item[1], item[0])))
    return ConsortFlow(study.title, study.is_randomised, assessed, excluded_rows,
                       sum(a.allocated for a in arms), tuple(arms))


def _lines(title: str, n: int, details: tuple[tuple[str, int], ...] = ()) -> str:
    return "\n".join([f"{title} (n={n})", *[f"  • {reason} (n={count})" for reason, count in details]])


def _box(axes: Axes, x: float, y: float, text: str, width: float) -> None:
    height = 0.03 + 0.022 * (text.count("\n") + 1)
    axes.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.005",
                                  linewidth=0.8, edgecolor="black", facecolor="white"))
    axes.text(x, y, text, ha="center", va="center", fontsize=7, wrap=True, family="DejaVu Sans")


def _arrow(axes: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    axes.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "linewidth": 0.8})


def draw(flow: ConsortFlow, fmt: str) -> bytes:
    """The CONSORT 2010 diagram as SVG, PDF or PNG bytes."""
    if fmt not in {"svg", "pdf", "png"}:
        raise ValueError("format must be svg, pdf or png")
    figure = Figure(figsize=(8.27, 9.5))  # no pyplot: no global figure state shared between threads
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.axis("off")
    axes.text(0.5, 0.975, f"CONSORT 2010 flow diagram: {flow.study_title}", ha="center", fontsize=10,
              weight="bold")
    _box(axes, 0.35, 0.9, _lines("Assessed for eligibility", flow.assessed), 0.36)
    _box(axes, 0.77, 0.82, _lines("Excluded", flow.excluded_total, flow.excluded), 0.42)
    _arrow(axes, (0.35, 0.875), (0.35, 0.75))
    _arrow(axes, (0.35, 0.82), (0.56, 0.82))
    top = "Randomised" if flow.randomised_design else "Enrolled"
    _box(axes, 0.35, 0.73, _lines(top, flow.randomised), 0.3)
    count = max(len(flow.arms), 1)
    xs = [0.25, 0.75] if count == 2 else [0.5]
    for x, arm in zip(xs, flow.arms, strict=False):
        _arrow(axes, (0.35, 0.71), (x, 0.64))
        alloc = _lines(
            f"Allocated to {arm.label}", arm.allocated,
            (("Received allocated intervention", arm.received),
             ("Did not receive allocated intervention", arm.not_received),
             ("Receipt not yet recorded", arm.received_unknown)),
        )
        _box(axes, x, 0.58, "Allocation\n" + alloc, 0.46)
        _arrow(axes, (x, 0.52), (x, 0.45))
        follow = _lines("Lost to follow-up", sum(n for _, n in arm.lost), arm.lost) + "\n" + _lines(
            "Discontinued (withdrew)", sum(n for _, n in arm.withdrawn), arm.withdrawn
        )
        _box(axes, x, 0.38, "Follow-up\n" + follow, 0.46)
        _arrow(axes, (x, 0.31), (x, 0.24))
        analysis = _lines("Analysed", arm.analysed, (
            ("Excluded from analysis: no follow-up EPDS", arm.excluded_from_analysis),
        ))
        _box(axes, x, 0.19, "Analysis\n" + analysis, 0.46)
    buffer = BytesIO()
    metadata = {"svg": {"Creator": "Bondwell", "Date": None}, "pdf": {"Creator": "Bondwell"}}.get(fmt)
    figure.savefig(buffer, format=fmt, metadata=metadata, dpi=120)
    return buffer.getvalue()
