"""The programme dashboard's figures as shown: every count and everything derived from it passed through the one
small-number rule (`bondwell.progress.small_numbers`), with one sentence saying why a hidden figure is hidden.

`bondwell.progress.dashboard` computes; this module decides what may be shown. Templates print only what is
here, so a figure cannot reach the page around the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from bondwell.progress.dashboard import Figures, Share
from bondwell.progress.small_numbers import REASON, Count, disclose
from bondwell.stats.trial import EPDS_CUTOFF


@dataclass(frozen=True)
class Shown:
    label: str
    value: str  # "" when hidden
    detail: str  # what the value rests on, or why it is hidden
    hidden: bool


@dataclass
class Column:
    enrolled: Shown
    participation: list[Shown]
    outcomes: list[Shown]
    follow_up: list[Shown]
    alerts: Shown
    change_shown: bool
    change_detail: str
    dose_shown: bool
    before_after: str
    counts_shown: dict[str, list[int]] = field(default_factory=dict)  # unit -> every count printed


def _counts(f: Figures) -> list[Count]:
    """Every count the dashboard could print, most important first, each with its unit."""
    fu = [(label, share) for label, share in f.follow_up.items() if label != "end of course"]
    baseline_n = f.follow_up["end of course"].n if "end of course" in f.follow_up else 0
    return [
        # The outcome first (what a lead most needs), then what it rests on, then participation.
        Count("pairs", f.pairs), Count("below", f.below_cutoff_end.count), Count("improved", f.improved.count),
        Count("deteriorated", f.deteriorated.count), Count("with_baseline", baseline_n),
        *(c for label, share in fu for c in (Count(f"due:{label}", share.n), Count(f"fu:{label}", share.count))),
        Count("enrolled", f.enrolled), Count("ended", f.finished.n), Count("finished", f.finished.count),
        Count("dosed", f.dose_reached.n), Count("reached", f.dose_reached.count),
        Count("held", f.attendance.n, "classes"), Count("present", f.attendance.count, "classes"),
        Count("raised", f.alerts.raised, "alerts"), Count("acknowledged", f.alerts.acknowledged, "alerts"),
        Count("within", f.alerts.within_target, "alerts"),
    ]


def present(f: Figures) -> Column:
    counts = _counts(f)
    ok = disclose(counts)
    values = {c.key: c for c in counts}
    printed: dict[str, list[int]] = {}

    def show(*keys: str) -> bool:
        if not all(k in ok for k in keys):
            return False
        for k in keys:
            printed.setdefault(values[k].unit, []).append(values[k].value)
        return True

    def share(label: str, s: Share, count_key: str, n_key: str, unit: str, *, gate: bool = True) -> Shown:
        if s.n == 0:
            return Shown(label, "", f"No {unit} yet.", True)
        if gate and show(count_key, n_key):
            return Shown(label, f"{100.0 * s.count / s.n:.0f}%", f"{s.count} of {s.n} {unit}", False)
        return Shown(label, "", REASON, True)

    enrolled = (Shown("Mothers enrolled", str(f.enrolled), "booked on a course in the period", False)
                if show("enrolled") else Shown("Mothers enrolled", "", REASON, True))
    participation = [
        share("Classes attended", f.attendance, "present", "held", "classes held",
              gate=not (0 < f.attendance_mothers < 5)),
        share("Practised at least 80% of the suggested minutes", f.dose_reached, "reached", "dosed",
              "mothers whose dose weeks are over"),
        share("Finished the course (half the classes or more)", f.finished, "finished", "ended",
              "mothers whose course has ended"),
    ]
    change_shown = f.change is not None and show("pairs")
    change_detail = (f"Mothers who finished a course with an EPDS before and after: n = {f.pairs}" if change_shown
                     else REASON if f.pairs else "No mother who finished has an EPDS before and after yet.")
    outcomes = [
        share(f"Below the cut-off (EPDS under {EPDS_CUTOFF:g}) at the end", f.below_cutoff_end, "below", "pairs",
              "mothers"),
        share("Reliable improvement (Jacobson & Truax)", f.improved, "improved", "pairs", "mothers"),
        share("Reliable deterioration", f.deteriorated, "deteriorated", "pairs", "mothers"),
    ]
    follow_up = [share("EPDS at the end of the course", f.follow_up["end of course"], "pairs", "with_baseline",
                       "mothers with a baseline")] if "end of course" in f.follow_up else []
    follow_up += [share(f"EPDS at {label}", s, f"fu:{label}", f"due:{label}", "mothers with a baseline, window "
                        "closed") for label, s in f.follow_up.items() if label != "end of course"]
    a = f.alerts
    if a.raised and show("raised", "acknowledged", "within") and a.median_minutes is not None:
        alerts = Shown("Alert response", f"{a.median_minutes:.0f} min", f"median time to acknowledge; "
                       f"{a.within_target} of {a.raised} alerts acknowledged in time, {a.acknowledged} in all", False)
    else:
        alerts = Shown("Alert response", "", REASON if a.raised else "No alerts in the period.", True)
    return Column(
        enrolled=enrolled, participation=participation, outcomes=outcomes, follow_up=follow_up, alerts=alerts,
        change_shown=change_shown, change_detail=change_detail,
        dose_shown=change_shown and f.dose_response is not None,
        before_after=before_after_chart(f.change.mean_pre, f.change.mean_post, f.pairs)
        if change_shown and f.change is not None else "",
        counts_shown=printed,
    )


def before_after_chart(before: float, after: float, n: int) -> str:
    """Mean EPDS before and after the course as two bars, with the cut-off as a dashed line (SVG, no script)."""
    width, height, top, bottom, left = 320, 200, 16, 30, 36
    scale = (height - top - bottom) / 30

    def y(value: float) -> float:
        return height - bottom - value * scale

    bars = []
    for index, (label, value, fill) in enumerate((("Before", before, "#bbbbbb"), ("After", after, "#555555"))):
        x = left + 30 + index * 110
        bars.append(f'<rect x="{x}" y="{y(value):.1f}" width="70" height="{value * scale:.1f}" fill="{fill}" '
                    f'stroke="#000"/><text x="{x + 35}" y="{y(value) - 4:.1f}" text-anchor="middle" font-size="12" '
                    f'fill="#000">{value:.1f}</text><text x="{x + 35}" y="{height - 12}" text-anchor="middle" '
                    f'font-size="12" fill="#000">{label}</text>')
    cut = y(EPDS_CUTOFF)
    label = (f"Mean EPDS before the course {before:.1f}, after {after:.1f}, {n} mothers; the dashed line is the "
             f"cut-off of {EPDS_CUTOFF:g}. Lower is better. Without a control group this is not proof the course "
             "caused the change.")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" role="img" '
            f'aria-label="{escape(label)}">' + "".join(bars)
            + f'<line x1="{left}" x2="{width - 10}" y1="{cut:.1f}" y2="{cut:.1f}" stroke="#000" '
              f'stroke-dasharray="5 4"/><text x="{width - 10}" y="{cut - 4:.1f}" text-anchor="end" font-size="11" '
              f'fill="#000">cut-off {EPDS_CUTOFF:g}</text>'
            + f'<text x="{left - 4}" y="{y(0) + 4:.1f}" text-anchor="end" font-size="11" fill="#000">0</text>'
            + f'<text x="{left - 4}" y="{y(30) + 4:.1f}" text-anchor="end" font-size="11" fill="#000">30</text>'
            + "</svg>")
