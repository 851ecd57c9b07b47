"""What the record page shows of one mother, part by part, as the viewer's role allows.

Each part is read only when the role may use its purpose (`bondwell.accounts.roles.ALLOWED_PURPOSES`); the view
has already opened (and audited) the record itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from bondwell.accounts.access import may
from bondwell.accounts.models import AuditEvent, Mother, User
from bondwell.accounts.roles import Purpose
from bondwell.workspace import reliable_change, timeline_chart
from bondwell.workspace.models import Concern

RESULTS = 200
ROWS = 25


@dataclass(frozen=True)
class InstrumentHistory:
    name: str
    title: str
    chart: str
    rows: list[tuple[reliable_change.Point, str, reliable_change.Step | None]]  # point, band label, step into it
    threshold: str


@dataclass(frozen=True)
class Note:
    at: datetime | date
    what: str
    text: str


def histories(mother: Mother) -> list[InstrumentHistory]:
    """Every questionnaire she has a scored result of, oldest result first, with bands and reliable change."""
    from bondwell.screening.models import Assessment
    from bondwell.screening.questionnaires import load_instrument

    found: dict[str, list[tuple[reliable_change.Point, str]]] = {}
    for pk, name, answered, total, band in (
        Assessment.objects.current().filter(mother=mother, complete=True, total__isnull=False)
        .order_by("answered_on", "id").values_list("id", "instrument", "answered_on", "total", "band_key")[:RESULTS]
    ):
        found.setdefault(name, []).append((reliable_change.Point(answered, int(total or 0), pk), band))
    out = []
    for name in sorted(found):
        definition = load_instrument(name, mother.site)
        labels = {b.key: b.label for b in definition.bands}
        points = [p for p, _ in found[name]]
        steps = reliable_change.steps(name, points)
        into = {s.after.assessment_id: s for s in steps}
        threshold = reliable_change.THRESHOLDS.get(name)
        out.append(InstrumentHistory(
            name=name, title=definition.title,
            chart=timeline_chart.chart(definition.title, points, definition.bands, steps),
            rows=[(p, labels.get(band, ""), into.get(p.assessment_id)) for p, band in found[name]],
            threshold=(f"Reliable change: {threshold.points} points or more ({threshold.source})." if threshold
                       else reliable_change.NO_THRESHOLD),
        ))
    return out


def sections(mother: Mother, user: User) -> dict[str, Any]:
    clinical, alerts, programme, audit_ = (may(user, p) for p in (Purpose.CLINICAL, Purpose.ALERTS,
                                                                   Purpose.PROGRAMME, Purpose.AUDIT))
    context: dict[str, Any] = {
        "clinical": clinical, "alerts_shown": alerts, "programme": programme, "audit_shown": audit_,
        "today": timezone.localdate(),
    }
    notes: list[Note] = []
    if clinical:
        from bondwell.screening.models import Assessment
        from bondwell.screening.questionnaires import PAPER_INSTRUMENTS

        context["histories"] = histories(mother)
        context["assessments"] = list(
            Assessment.objects.filter(mother=mother).order_by("-answered_on", "-id")[:ROWS])
        context["scheduled"] = list(mother.scheduled_questionnaires.order_by("-due_on", "-id")[:ROWS])
        context["paper_instruments"] = PAPER_INSTRUMENTS
    if alerts:
        from bondwell.pathway.models import FollowUp
        from bondwell.screening.models import RiskAlert

        risk = list(RiskAlert.objects.filter(mother=mother).order_by("-raised_at", "-id")[:ROWS])
        follow_ups = list(FollowUp.objects.filter(mother=mother).order_by("status", "due_at", "id")[:ROWS])
        context["risk_alerts"], context["follow_ups"] = risk, follow_ups
        notes += [Note(a.action_at, f"Alert: {a.get_action_display()}", a.action_note)
                  for a in risk if a.action_note and a.action_at]
        notes += [Note(f.closed_at, f"Follow-up closed: {f.get_outcome_display()}", f.outcome_detail)
                  for f in follow_ups if f.outcome_detail and f.closed_at]
        shown = Concern.objects.filter(mother=mother)
    else:
        shown = Concern.objects.filter(mother=mother, raised_by=user)  # an educator: the concerns she raised
    context["concerns"] = list(shown.select_related("raised_by").order_by("-raised_at", "-id")[:ROWS])
    notes += [Note(c.closed_at, "Concern closed", c.outcome) for c in context["concerns"] if c.closed_at]
    if programme:
        from bondwell.programme.models import Attendance, Booking, Observation, PracticeLog

        context["bookings"] = list(Booking.objects.filter(mother=mother).select_related("course")
                                   .order_by("-course__starts_on")[:10])
        context["attendance"] = list(Attendance.objects.filter(mother=mother)
                                     .select_related("session__course").order_by("-session__starts_at")[:ROWS])
        context["practice"] = list(PracticeLog.objects.filter(mother=mother).order_by("-started_at", "-id")[:10])
        context["observations"] = list(Observation.objects.filter(mother=mother)
                                       .select_related("session__course", "observed_by")[:ROWS])
        notes += [Note(a.recorded_at, "Class note", a.note) for a in context["attendance"] if a.note]
        notes += [Note(o.recorded_at, "Observation note", o.note) for o in context["observations"] if o.note]
    context["notes"] = sorted(notes, key=lambda n: _moment(n.at), reverse=True)[:ROWS]
    if audit_:
        context["audit_events"] = list(AuditEvent.objects.filter(mother=mother).select_related("actor")[:10])
    return context


def _moment(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime(value.year, value.month, value.day))
