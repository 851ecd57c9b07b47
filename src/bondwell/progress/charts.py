"""Charts as inline SVG (matplotlib, Agg, no pyplot state), readable in greyscale: every series has its own
marker or hatch pattern, never colour alone. Each page also shows the same numbers in a table."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import matplotlib

matplotlib.use("Agg")
from django.utils.translation import gettext, gettext_noop
from matplotlib import rcParams
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from bondwell.instruments import Band
from bondwell.progress.dashboard import DoseBin
from bondwell.progress.series import CourseSpan, PracticeWeek, ScorePoint
from bondwell.stats.dose_response import DoseResponseFit

rcParams["svg.hashsalt"] = "bondwell"  # stable element ids: the same data gives the same SVG
rcParams["svg.fonttype"] = "none"  # text stays text (smaller, selectable, read by assistive technology)
rcParams["font.size"] = 9

BAND_HATCHES = ("", "..", "//", "xx")
BAND_GREYS = ("#ffffff", "#eeeeee", "#dddddd", "#cccccc")


def _svg(figure: Figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    # The table below each chart carries the numbers; the SVG gets a name for screen readers.
    return text.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" class="chart" ', 1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _day(value: date) -> float:
    return float(date2num(value))  # type: ignore[no-untyped-call]


def _date_axis(axes: Any) -> None:
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _figure(width: float = 6.4, height: float = 3.0) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def score_chart(
    points: Sequence[ScorePoint],
    bands: Sequence[Band],
    *,
    title: str,
    courses: Sequence[CourseSpan] = (),
    y_max: int | None = None,
    cutoff: float | None = None,
) -> str:
    """Scores over time on shaded, hatched bands, with each course marked as a labelled span."""
    figure = _figure()
    axes = figure.add_subplot()
    top = y_max or max((b.maximum for b in bands), default=30)
    for index, band in enumerate(bands):
        axes.axhspan(band.minimum - 0.5, min(band.maximum, top) + 0.5, facecolor=BAND_GREYS[index % 4],
                     hatch=BAND_HATCHES[index % 4], edgecolor="#999999", linewidth=0, label=band.label, zorder=0)
    if points:
        days = [p.answered_on for p in points]
        axes.plot([_day(d) for d in days], [p.total for p in points], marker="o", color="black", linewidth=1.5,
                  label="Score", zorder=3)
        left, right = min(days), max(days)
    else:
        left, right = date.today() - timedelta(days=30), date.today()
    for course in courses:
        axes.axvspan(_day(course.starts_on), _day(course.ends_on + timedelta(days=1)), facecolor="none", hatch="\\\\",
                     edgecolor="#555555", linewidth=0.8, zorder=1, label=f"Course: {course.title}")
        left, right = min(left, course.starts_on), max(right, course.ends_on)
    if cutoff is not None:
        axes.axhline(cutoff, linestyle="--", color="black", linewidth=1, label=f"Cut-off {cutoff:g}", zorder=2)
    axes.set_xlim(_day(left - timedelta(days=7)), _day(right + timedelta(days=7)))
    _date_axis(axes)
    axes.set_ylim(-0.5, top + 0.5)
    axes.set_ylabel("Score (lower is better)")
    # Below the plot, one entry a line: the chart keeps its full width on a phone.
    axes.legend(loc="upper left", bbox_to_anchor=(0, -0.18), fontsize=8, frameon=False, ncol=1)
    return _svg(figure, title)


def practice_chart(weeks: Sequence[PracticeWeek], *, title: str, target: int | None = None) -> str:
    """Minutes of home practice per week as hatched bars, with the prescribed weekly minutes as a dashed line."""
    figure = _figure(height=2.6)
    axes = figure.add_subplot()
    axes.bar([_day(w.week) for w in weeks], [w.minutes for w in weeks], width=5, facecolor="#dddddd", hatch="//",
             edgecolor="black", linewidth=0.5, label="Minutes that week")
    if target:
        axes.axhline(target, linestyle="--", color="black", linewidth=1, label=f"Suggested: {target} min a week")
    axes.set_ylabel("Minutes")
    axes.legend(loc="upper left", fontsize=7, frameon=False)
    _date_axis(axes)
    return _svg(figure, title)


def dose_response_chart(fit: DoseResponseFit | None, bins: Sequence[DoseBin], *, title: str) -> str:
    """The fitted line with its 95% confidence band (dotted), and the mean change of each group of mothers by
    practice (squares). Aggregates only: no mother's own point is drawn."""
    figure = _figure(height=3.2)
    axes = figure.add_subplot()
    if fit is None:
        axes.text(0.5, 0.5, "Not shown: fewer than 5 mothers", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return _svg(figure, title)
    band = fit.band()
    axes.fill_between(band.x, band.lower, band.upper, facecolor="#eeeeee", hatch="..", edgecolor="#777777",
                      linewidth=0, label="95% confidence band")
    axes.plot(band.x, band.fit, color="black", linewidth=1.5, label="Fitted line (OLS)")
    axes.plot([b.mean_minutes for b in bins], [b.mean_change for b in bins], linestyle="none", marker="s",
              markerfacecolor="white", markeredgecolor="black", label="Mean change of a group of mothers")
    axes.axhline(0, color="#777777", linewidth=0.8, linestyle=":")
    axes.set_xlabel("Practice minutes per week during the course's dose weeks")
    axes.set_ylabel("EPDS change (after − before)")
    axes.legend(loc="upper right", fontsize=7, frameon=False)
    return _svg(figure, title)


# ---- the mother's phone: chart data drawn in her browser ---------------------------------------------------
# Her pages send the numbers as JSON (json_script) and progress/phone-charts.js draws them at the width of her
# screen, so the text stays at real CSS pixels (13 px) and the request costs no rendering at all. The same
# numbers are always in a table, shown first on small screens; without JavaScript the table is all she sees.

PHONE_BAND_WORDS = (
    ("Score in the usual range", gettext_noop("Usual range")),
    ("Score suggests symptoms worth talking about", gettext_noop("Worth talking about")),
    ("Score suggests a further conversation with a health professional",
     gettext_noop("Worth a conversation with a professional")),
)


def plain_band_label(label: str) -> str:
    """A band's label short enough for a chart key on a phone (the table keeps the full wording)."""
    for long, short in PHONE_BAND_WORDS:
        if label == long:
            return gettext(short)
    return label.removeprefix("Score ").capitalize() if label.startswith("Score ") else label


def score_chart_data(
    points: Sequence[ScorePoint],
    bands: Sequence[Band],
    *,
    title: str,
    description: str,
    y_max: int,
    courses: Sequence[CourseSpan] = (),
    cutoff: float | None = None,
) -> dict[str, Any]:
    """One series (her scores) over plain-language bands; courses as spans and a cut-off as a line, never a
    second series of data. Dates go as ISO strings and as the label shown in the table."""
    return {
        "kind": "scores", "title": title, "description": description, "y_max": y_max,
        "bands": [{"min": b.minimum, "max": min(b.maximum, y_max), "label": plain_band_label(b.label)}
                  for b in bands if b.minimum <= y_max],
        "points": [{"x": p.answered_on.isoformat(), "y": p.total} for p in points],
        "courses": [{"from": c.starts_on.isoformat(), "to": c.ends_on.isoformat(), "label": c.title}
                    for c in courses],
        "cutoff": cutoff,
    }


def practice_chart_data(
    weeks: Sequence[PracticeWeek], *, title: str, description: str, target: int | None = None
) -> dict[str, Any]:
    """Minutes per week as bars (one series) and the suggested weekly minutes as a line."""
    return {
        "kind": "bars", "title": title, "description": description, "target": target,
        "y_max": max([w.minutes for w in weeks] + [target or 0, 10]),
        "points": [{"x": w.week.isoformat(), "y": w.minutes} for w in weeks],
    }
