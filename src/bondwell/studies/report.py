"""The analysis report as PDF (reportlab): trajectories by arm, the effect tables, CONSORT counts and the limits.

The HTML page shows the same `report_tables`, so the two never disagree.
"""

from __future__ import annotations

import math
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bondwell.screening.questionnaires import short_name
from bondwell.security.pdf import plain
from bondwell.stats.trial import TrialReport
from bondwell.studies.analysis import ARM_LABELS, LIMITS, StudyAnalysis, trajectory_figure
from bondwell.studies.models import Study

ReportTable = tuple[str, tuple[str, ...], list[tuple[str, ...]]]


def _num(value: float, digits: int = 2) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _p(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def trial_tables(report: TrialReport, name: str = "EPDS") -> list[ReportTable]:
    tables: list[ReportTable] = []
    tables.append((
        f"ANCOVA, {name} adjusted for baseline ({report.label}): intervention minus control",
        ("week", "n", "difference", "95% CI", "p"),
        [(str(e.week), str(e.n), _num(e.estimate), f"{_num(e.ci_low)} to {_num(e.ci_high)}", _p(e.p))
         for e in report.ancova.effects],
    ))
    if report.mixed_model is not None:
        tables.append((
            f"Random-intercept mixed model, {name} ({report.label}): arm effect by week",
            ("week", "estimate", "95% CI"),
            [(str(e.week), _num(e.estimate), f"{_num(e.ci_low)} to {_num(e.ci_high)}")
             for e in report.mixed_model.effects],
        ))
    tables.append((
        f"Hedges' g, {name}, by week ({report.label}), unadjusted",
        ("week", "n control", "n intervention", "g", "95% CI"),
        [(str(w.week), str(w.n_control), str(w.n_intervention), _num(w.g), f"{_num(w.ci_low)} to {_num(w.ci_high)}")
         for w in report.hedges_g.weeks],
    ))
    if report.notes:
        tables.append((f"Notes ({name}, {report.label})", ("note",), [(note,) for note in report.notes]))
    left_out = [(name, s) for name, part in (("ANCOVA", report.ancova), ("mixed model", report.mixed_model),
                                             ("Hedges' g", report.hedges_g)) if part is not None
                for s in part.skipped]
    if left_out:
        tables.append((
            f"Weeks not estimated ({report.label})", ("analysis", "week", "reason"),
            [(name, str(s.week), s.reason) for name, s in left_out],
        ))
    cutoff = report.below_cutoff.cutoff
    if math.isnan(cutoff):
        return tables
    tables.append((
        f"{name} below {cutoff:g} ({report.label})",
        ("week", "control", "intervention"),
        [(str(w.week), f"{w.control_below}/{w.control_n}", f"{w.intervention_below}/{w.intervention_n}")
         for w in report.below_cutoff.weeks],
    ))
    return tables


def report_tables(analysis: StudyAnalysis) -> list[ReportTable]:
    tables: list[ReportTable] = [(
        "Mean EPDS by arm and week",
        ("arm", "week", "n", "mean", "SD"),
        [(ARM_LABELS.get(t.arm, t.arm), str(t.week), str(t.n), _num(t.mean, 1), _num(t.sd, 1))
         for t in analysis.trajectories],
    )]
    if analysis.trial is not None:
        tables += trial_tables(analysis.trial.intention_to_treat)
        if analysis.trial.per_protocol is not None:
            tables += trial_tables(analysis.trial.per_protocol)
    for name, secondary, problems in analysis.secondary:
        label = f"{short_name(name)} (secondary outcome)"
        if secondary is not None:
            tables += trial_tables(secondary.intention_to_treat, label)
        else:
            tables.append((label, ("problem",), [(p,) for p in problems]))
    for week, change in analysis.single_arm:
        tables.append((
            f"Week {week}: change from baseline (paired)",
            ("n", "mean before", "mean after", "change (95% CI)", "p"),
            [(str(change.n), _num(change.mean_pre), _num(change.mean_post),
              f"{_num(change.mean_change)} ({_num(change.ci_low)} to {_num(change.ci_high)})", _p(change.p))],
        ))
    return tables


def render_pdf(study: Study, analysis: StudyAnalysis, consort_png: bytes | None = None) -> bytes:
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=f"{study.title}: analysis report",
                                 author="Bondwell", leftMargin=1.8 * cm, rightMargin=1.8 * cm)
    story: list[object] = [
        Paragraph(plain(f"{study.title}: analysis report"), styles["Title"]),
        Paragraph(f"Study {study.code} · {study.get_design_display()} · {analysis.n_participants} participants "
                  "analysed · pseudonymised data only", styles["Normal"]),
        Spacer(1, 0.4 * cm),
        Paragraph("Trajectories by arm", styles["Heading2"]),
        Image(BytesIO(trajectory_figure(analysis, "png")), width=16 * cm, height=9 * cm),
    ]
    if analysis.per_protocol_rule:
        story.append(Paragraph(
            f"Primary analysis: intention-to-treat. Per-protocol sensitivity analysis: controls and "
            f"{analysis.per_protocol_rule}.", styles["Normal"]))
    for problem in analysis.problems:
        story.append(Paragraph(plain(problem), styles["Italic"]))
    for title, header, rows in report_tables(analysis):
        story += [Paragraph(plain(title), styles["Heading3"]), _table(header, rows), Spacer(1, 0.3 * cm)]
    if consort_png is not None:
        story += [Paragraph("CONSORT flow", styles["Heading2"]),
                  Image(BytesIO(consort_png), width=15 * cm, height=17 * cm)]
    story.append(Paragraph("Limits", styles["Heading2"]))
    story += [Paragraph(f"• {limit}", styles["Normal"]) for limit in LIMITS]
    document.build(story)
    return buffer.getvalue()


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    table = Table([list(header), *[list(r) for r in rows]] if rows else [list(header), ["no data"]])
    table.setStyle(TableStyle([
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ]))
    return table
