"""Forest and contour-enhanced funnel plots (matplotlib, Agg backend; SVG or PNG chosen by file extension)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from bondwell.stats.meta.model import MetaResult

FORMATS = {".svg": "svg", ".png": "png"}
MEASURE_LABELS = {
    "SMD": "Standardised mean difference (Hedges' g)",
    "MD": "Mean difference",
    "RR": "Risk ratio (log scale)",
    "OR": "Odds ratio (log scale)",
    "RD": "Risk difference",
    "GEN": "Effect size",
}
FUNNEL_LABELS = {"RR": "Log risk ratio", "OR": "Log odds ratio"}
INK = "#1f2933"
ACCENT = "#1f5f8b"
MUTED = "#7b8794"


def _figure(size: tuple[float, float]) -> Any:
    """A Figure on its own Agg canvas. No pyplot: pyplot keeps global state (current figure, open figures)
    that is not thread-safe, and the web process serves requests on several threads."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def _format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"plot files must end in .svg or .png, not {path.suffix or '(none)'}") from None


def save(fig: Any, path: str | Path) -> Path:
    """Write a figure to an .svg or .png file (format from the extension); reproducible SVG."""
    path = Path(path)
    fmt = _format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt, dpi=150 if fmt == "png" else None, metadata=_metadata(fmt))
    return path


def _metadata(fmt: str) -> dict[str, Any]:
    # Reproducible files: no creation date in SVG output.
    return {"Date": None} if fmt == "svg" else {}


def _interval_text(est: float, low: float, high: float, ratio: bool) -> str:
    if ratio:
        est, low, high = math.exp(est), math.exp(low), math.exp(high)
    return f"{est:.2f} [{low:.2f}, {high:.2f}]"


def forest_plot(res: MetaResult, path: Path | None = None, title: str | None = None) -> Any:
    """Studies with 95% CIs (squares sized by weight), the weights column, the pooled diamond and the PI."""
    res.require_intercept_only("forest plots are drawn for")
    if path is not None:
        _format(path)
    from matplotlib.patches import Polygon
    from matplotlib.transforms import blended_transform_factory

    k = res.k
    crit = float(stats.norm.isf(0.025))
    y_low, y_high = res.yi - crit * np.sqrt(res.vi), res.yi + crit * np.sqrt(res.vi)
    ratio = res.is_ratio
    to_axis = np.exp if ratio else (lambda x: x)
    has_pi = not math.isnan(res.pi_low) and res.method != "FE" and res.k > 1

    rows = np.arange(k, 0, -1) + 2.0  # studies from the top; pooled row at 1, PI row at 0
    fig_height = 1.6 + 0.28 * (k + 4)
    fig = _figure((11, fig_height))
    top = 1 - (0.75 if title else 0.35) / fig_height
    bottom = 0.75 / fig_height
    ax = fig.add_axes((0.34, bottom, 0.36, top - bottom))
    text = blended_transform_factory(fig.transFigure, ax.transData)

    sizes = 4 + 10 * np.sqrt(res.weights / res.weights.max())
    for y, lo, hi, est, size in zip(rows, y_low, y_high, res.yi, sizes, strict=True):
        ax.plot(to_axis([lo, hi]), [y, y], color=INK, linewidth=1)
        ax.plot(to_axis(est), y, marker="s", markersize=size, color=ACCENT, markeredgecolor=INK, linewidth=0)

    # Pooled estimate: a diamond spanning the confidence interval.
    diamond = [(res.ci_low, 1), (res.estimate, 1.35), (res.ci_high, 1), (res.estimate, 0.65)]
    corners = [(float(to_axis(x)), y) for x, y in diamond]
    ax.add_patch(Polygon(corners, closed=True, facecolor=INK, edgecolor=INK))
    if has_pi:
        ax.plot(to_axis([res.pi_low, res.pi_high]), [0, 0], color=MUTED, linewidth=3, solid_capstyle="butt")
        ends = to_axis([res.pi_low, res.pi_high])
        ax.plot(ends, [0, 0], color=MUTED, marker="|", markersize=10, linewidth=0)

    null = 1.0 if ratio else 0.0
    ax.axvline(null, color=MUTED, linestyle="--", linewidth=0.8)
    ax.axvline(float(to_axis(res.estimate)), color=ACCENT, linestyle=":", linewidth=0.8)
    if ratio:
        _log_ticks(ax)
    ax.set_ylim(-0.8 if has_pi else 0.2, k + 3.2)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(MEASURE_LABELS.get(res.measure, res.measure), color=INK)

    header_y = k + 2.9
    ax.text(0.02, header_y, "Study", transform=text, fontweight="bold", va="center")
    ax.text(0.76, header_y, "Weight", transform=text, fontweight="bold", va="center", ha="right")
    ax.text(0.985, header_y, "Estimate [95% CI]", transform=text, fontweight="bold", va="center", ha="right")
    for y, label, weight, est, lo, hi in zip(rows, res.slab, res.weights, res.yi, y_low, y_high, strict=True):
        ax.text(0.02, y, _shorten(label), transform=text, va="center", fontsize=9)
        ax.text(0.76, y, f"{weight:.1f}%", transform=text, va="center", ha="right", fontsize=9)
        interval = _interval_text(est, lo, hi, ratio)
        ax.text(0.985, y, interval, transform=text, va="center", ha="right", fontsize=9)
    model = "Fixed-effect model" if res.method == "FE" else f"Random-effects model ({res.method}"
    model += "" if res.method == "FE" else (", Hartung-Knapp)" if res.test in ("knha", "adhoc") else ")")
    ax.text(0.02, 1, model, transform=text, va="center", fontweight="bold", fontsize=9)
    ax.text(0.76, 1, "100%", transform=text, va="center", ha="right", fontsize=9, fontweight="bold")
    pooled = _interval_text(res.estimate, res.ci_low, res.ci_high, ratio)
    ax.text(0.985, 1, pooled, transform=text, va="center", ha="right", fontsize=9, fontweight="bold")
    if has_pi:
        ax.text(0.02, 0, "95% prediction interval", transform=text, va="center", fontsize=9, color=MUTED)
        pi_text = _interval_text(res.estimate, res.pi_low, res.pi_high, ratio).split(" ", 1)[1]
        ax.text(0.985, 0, pi_text, transform=text, va="center", ha="right", fontsize=9, color=MUTED)
    tau2_text = "" if res.method == "FE" else f"τ² = {res.tau2:.3f}, "
    heterogeneity = f"Heterogeneity: I² = {res.i2:.0f}%, {tau2_text}"
    heterogeneity += f"Q = {res.q:.2f} (df = {res.q_df}), p {_p(res.q_pvalue)}"
    fig.text(0.02, 0.25 / fig_height, heterogeneity, fontsize=8.5, color=MUTED)
    if title:
        fig.suptitle(title, x=0.02, y=1 - 0.2 / fig_height, ha="left", fontsize=12, fontweight="bold")
    if path is not None:
        save(fig, path)
    return fig


def _log_ticks(ax: Any) -> None:
    """Log axis labelled with plain ratios (0.25, 0.5, 1, 2, ...) rather than powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.set_xscale("log")
    low, high = ax.get_xlim()
    candidates = [0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 20, 50, 100]
    ticks = [t for t in candidates if low <= t <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_locator(NullLocator())


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _shorten(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# Significance contours (two-sided p for a test of no effect) and their shading, lightest where p is largest.
CONTOURS = ((0.10, "#ffffff"), (0.05, "#e4e7eb"), (0.01, "#c3ccd6"))
OUTSIDE = "#98a6b5"


def funnel_plot(res: MetaResult, path: Path | None = None, title: str | None = None) -> Any:
    """Effects against standard errors (inverted axis), with significance contours around zero and the
    pseudo 95% confidence funnel around the pooled estimate (Peters et al., 2008)."""
    res.require_intercept_only("funnel plots are drawn for")
    if path is not None:
        _format(path)
    sei = np.sqrt(res.vi)
    se_max = float(sei.max()) * 1.1
    se_grid = np.linspace(0, se_max, 200)
    fig = _figure((7.5, 6.6))
    ax = fig.add_subplot()
    z_outer = float(stats.norm.isf(0.01 / 2))
    z95 = float(stats.norm.isf(0.025))
    x_extent = max(
        float(np.max(np.abs(res.yi))) * 1.15, z_outer * se_max * 1.05, abs(res.estimate) + z95 * se_max * 1.02
    )
    ax.set_facecolor(OUTSIDE)  # beyond the 1% contour: p < 0.01
    for p_level, colour in reversed(CONTOURS):
        half = float(stats.norm.isf(p_level / 2)) * se_grid
        ax.fill_betweenx(se_grid, -half, half, color=colour, linewidth=0)
    half95 = float(stats.norm.isf(0.025)) * se_grid
    ax.plot(res.estimate - half95, se_grid, color=INK, linestyle="--", linewidth=0.9)
    ax.plot(res.estimate + half95, se_grid, color=INK, linestyle="--", linewidth=0.9)
    ax.axvline(res.estimate, color=INK, linewidth=1)
    filled = np.array([label.startswith("Filled ") for label in res.slab])
    ax.scatter(res.yi[~filled], sei[~filled], s=36, color=INK, edgecolor="white", linewidth=0.6, zorder=3,
               label="Studies")  # fmt: skip
    if filled.any():
        ax.scatter(res.yi[filled], sei[filled], s=36, facecolor="white", edgecolor=INK, zorder=3,
                   label="Filled (trim-and-fill)")  # fmt: skip
    ax.set_xlim(-x_extent, x_extent)
    ax.set_ylim(se_max, 0)
    ax.set_ylabel("Standard error")
    ax.set_xlabel(FUNNEL_LABELS.get(res.measure) or MEASURE_LABELS.get(res.measure, res.measure))
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor="#ffffff", edgecolor=MUTED, label="p > 0.10"),
        Patch(facecolor=CONTOURS[1][1], edgecolor=MUTED, label="0.05 < p ≤ 0.10"),
        Patch(facecolor=CONTOURS[2][1], edgecolor=MUTED, label="0.01 < p ≤ 0.05"),
        Patch(facecolor=OUTSIDE, edgecolor=MUTED, label="p ≤ 0.01"),
        *ax.get_legend_handles_labels()[0],
    ]
    # Below the axes, so that no study is hidden behind the legend.
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3, fontsize=8, frameon=False)
    ax.set_title(title or "Contour-enhanced funnel plot", loc="left", fontsize=12, fontweight="bold")
    fig.tight_layout()
    if path is not None:
        save(fig, path)
    return fig
