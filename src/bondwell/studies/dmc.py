"""The data-monitoring committee (DMC) report: recruitment, retention, safety events and alerts, and outcomes,
by arm, as PDF. It is unblinded, so only the study's trial statistician downloads it (audited) until the
database is locked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from bondwell.screening.questionnaires import short_name
from bondwell.security.pdf import plain
from bondwell.studies import sources
from bondwell.studies.analysis import ARM_LABELS, analyse_study
from bondwell.studies.followup import attrition_by_arm, follow_up_table
from bondwell.studies.models import Allocation, Participant, ParticipantStatus, Study
from bondwell.studies.report import ReportTable, _table, trial_tables


@dataclass(frozen=True)
class DmcReport:
    study: Study
    made_on: date
    tables: list[ReportTable]
    notes: list[str]


def _recruitment(study: Study) -> list[ReportTable]:
    screened = study.screening_entries.count()
    eligible = study.screening_entries.filter(eligible=True, exclusion_reason="").count()
    enrolled = study.participants.count()
    allocations = list(Allocation.objects.filter(study=study).select_related("arm"))
    by_arm: Counter[str] = Counter(a.arm.code for a in allocations)
    months: Counter[tuple[str, str]] = Counter((a.allocated_at.strftime("%Y-%m"), a.arm.code) for a in allocations)
    arms = [a.code for a in study.arms.all()]
    tables: list[ReportTable] = [
        ("Recruitment", ("screened", "eligible", "enrolled", *(f"randomised: {ARM_LABELS.get(a, a)}" for a in arms)),
         [(str(screened), str(eligible), str(enrolled), *(str(by_arm.get(a, 0)) for a in arms))]),
        ("Randomised by month and arm", ("month", *(ARM_LABELS.get(a, a) for a in arms)),
         [(m, *(str(months.get((m, a), 0)) for a in arms)) for m in sorted({m for m, _ in months})]),
    ]
    return tables


def _retention(study: Study, today: date) -> list[ReportTable]:
    rows = follow_up_table(study, today)
    return [
        ("Follow-up visits by timepoint and arm", ("timepoint", "arm", "completed", "due", "overdue", "missed",
                                                   "upcoming", "stopped"),
         [(r.label, ARM_LABELS.get(r.arm, r.arm), *(str(r.counts[s]) for s in
           ("completed", "due", "overdue", "missed", "upcoming", "stopped"))) for r in rows]),
        ("Retention by arm", ("arm", "allocated", "withdrawn", "lost", "attrition"),
         [(a.arm, str(a.allocated), str(a.withdrawn), str(a.lost), f"{100 * a.rate:.0f}%")
          for a in attrition_by_arm(study)]),
    ]


def _safety(study: Study) -> list[ReportTable]:
    participants = list(
        Participant.objects.filter(study=study, allocation__isnull=False).select_related("allocation__arm")
    )
    if not participants:
        return [("Safety events and alerts by arm", ("arm", "kind", "raised", "still open"), [])]
    arm_of = {p.mother_id: p.allocation.arm.code for p in participants}
    since = min(p.enrolled_at for p in participants)
    enrolled = {p.mother_id: p.enrolled_at for p in participants}
    raised: Counter[tuple[str, str]] = Counter()
    still_open: Counter[tuple[str, str]] = Counter()
    for alert in sources.risk_alerts(arm_of, since):
        if alert.raised_at < enrolled[alert.mother_id]:
            continue  # raised before she joined the study
        key = (arm_of[alert.mother_id], alert.kind)
        raised[key] += 1
        still_open[key] += 0 if alert.closed else 1
    withdrawn: Counter[str] = Counter(
        p.allocation.arm.code for p in participants if p.status == ParticipantStatus.WITHDRAWN
    )
    rows: list[tuple[str, ...]] = [(ARM_LABELS.get(arm, arm), kind, str(n), str(still_open[(arm, kind)]))
            for (arm, kind), n in sorted(raised.items())]
    return [
        ("Safety events and alerts by arm (raised after enrolment)", ("arm", "kind", "raised", "still open"),
         rows),
        ("Withdrawals from all further contact by arm", ("arm", "withdrawn"),
         [(ARM_LABELS.get(a.code, a.code), str(withdrawn.get(a.code, 0))) for a in study.arms.all()]),
    ]


def build(study: Study) -> DmcReport:
    today = timezone.localdate()
    tables = _recruitment(study) + _retention(study, today) + _safety(study)
    analysis = analyse_study(study)
    tables.append((
        "Mean EPDS by arm and week", ("arm", "week", "n", "mean", "SD"),
        [(ARM_LABELS.get(t.arm, t.arm), str(t.week), str(t.n), f"{t.mean:.1f}", f"{t.sd:.1f}")
         for t in analysis.trajectories],
    ))
    notes = list(analysis.problems)
    if analysis.trial is not None:
        tables += trial_tables(analysis.trial.intention_to_treat)
        notes += list(analysis.trial.intention_to_treat.notes)
    for name, secondary, problems in analysis.secondary:
        if secondary is not None:
            tables += trial_tables(secondary.intention_to_treat, f"{short_name(name)} (secondary outcome)")
        notes += [f"{short_name(name)}: {p}" for p in problems]
    return DmcReport(study, today, tables, notes)


def render_pdf(report: DmcReport) -> bytes:
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    study = report.study
    document = SimpleDocTemplate(buffer, pagesize=A4, title=f"{study.title}: DMC report", author="Bondwell",
                                 leftMargin=1.8 * cm, rightMargin=1.8 * cm)
    locked = hasattr(study, "database_lock")
    story: list[object] = [
        Paragraph(plain(f"{study.title}: data-monitoring committee report"), styles["Title"]),
        Paragraph(f"Study {study.code} · {study.get_status_display()}"
                  f"{' · database locked' if locked else ''} · made {report.made_on:%Y-%m-%d}", styles["Normal"]),
        Paragraph("Closed report: results by arm. For the trial statistician and the data-monitoring committee "
                  "only; do not share with recruiting staff while the trial runs.", styles["Italic"]),
        Spacer(1, 0.4 * cm),
    ]
    for title, header, rows in report.tables:
        story += [Paragraph(plain(title), styles["Heading3"]), _table(header, rows), Spacer(1, 0.3 * cm)]
    for note in report.notes:
        story.append(Paragraph(plain(note), styles["Italic"]))
    document.build(story)
    return buffer.getvalue()
