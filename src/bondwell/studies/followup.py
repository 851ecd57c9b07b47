"""Follow-up status of a study's visits, counted by timepoint and arm, and attrition by arm."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from bondwell.accounts.models import Mother
from bondwell.studies.models import Participant, ParticipantStatus, Study, Visit

STATES = ("completed", "due", "overdue", "missed", "upcoming", "stopped")


def visit_state(visit_due: date, opens: date, closes: date, completed: bool, stopped: bool, today: date) -> str:
    """completed; stopped (no further contact); upcoming (window not open); due (open, not yet due date);
    overdue (past the due date, window still open); missed (window closed without a result)."""
    if completed:
        return "completed"
    if stopped:
        return "stopped"
    if today < opens:
        return "upcoming"
    if today > closes:
        return "missed"
    return "overdue" if today > visit_due else "due"


@dataclass(frozen=True)
class TimepointRow:
    label: str
    arm: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Attrition:
    arm: str
    allocated: int
    withdrawn: int
    lost: int

    @property
    def rate(self) -> float:
        return (self.withdrawn + self.lost) / self.allocated if self.allocated else 0.0


def _arm_of(study: Study) -> dict[int, str]:
    participants = Participant.objects.filter(study=study)
    if not study.is_randomised:
        return dict.fromkeys(participants.values_list("pk", flat=True), "intervention")
    return dict(participants.filter(allocation__isnull=False).values_list("pk", "allocation__arm__code"))


POOLED = "all arms"


def follow_up_table(study: Study, today: date, *, pooled: bool = False) -> list[TimepointRow]:
    """Visit states per timepoint and arm; `pooled` counts all arms together (what blinded staff see)."""
    arm_of = _arm_of(study)
    if pooled:
        arm_of = dict.fromkeys(arm_of, POOLED)
    stopped = set(
        Participant.objects.filter(study=study)
        .exclude(status=ParticipantStatus.ACTIVE).values_list("pk", flat=True)
    )
    counts: dict[tuple[int, str, str], Counter[str]] = {}
    visits = Visit.objects.filter(participant__study=study, timepoint__week__gt=0).values_list(
        "participant_id", "timepoint__week", "timepoint__label", "due_on", "opens_on", "closes_on", "completed_at"
    )
    for pid, week, label, due, opens, closes, completed_at in visits:
        if pid not in arm_of:
            continue
        state = visit_state(due, opens, closes, completed_at is not None, pid in stopped, today)
        counts.setdefault((week, label, arm_of[pid]), Counter())[state] += 1
    return [
        TimepointRow(label, arm, {s: counter.get(s, 0) for s in STATES})
        for (_, label, arm), counter in sorted(
            counts.items(), key=lambda item: (item[0][0], item[0][2] != "intervention")
        )
    ]


def attrition_by_arm(study: Study, *, pooled: bool = False) -> list[Attrition]:
    arm_of = _arm_of(study)
    statuses = dict(Participant.objects.filter(pk__in=arm_of).values_list("pk", "status"))
    if pooled:
        members = list(arm_of)
        return [Attrition(POOLED, len(members),
                          sum(statuses[p] == ParticipantStatus.WITHDRAWN for p in members),
                          sum(statuses[p] == ParticipantStatus.LOST for p in members))]
    rows = []
    for arm in study.arms.all():
        members = [pid for pid, code in arm_of.items() if code == arm.code]
        rows.append(Attrition(
            arm.label, len(members),
            sum(statuses[p] == ParticipantStatus.WITHDRAWN for p in members),
            sum(statuses[p] == ParticipantStatus.LOST for p in members),
        ))
    return rows


def open_visits(study: Study, mothers: QuerySet[Mother], today: date, limit: int = 100) -> list[Visit]:
    """Due and overdue follow-ups of these mothers (staff's own-site list), soonest first."""
    return list(
        Visit.objects.filter(
            participant__study=study, participant__mother__in=mothers,
            participant__status=ParticipantStatus.ACTIVE,
            completed_at__isnull=True, timepoint__week__gt=0, opens_on__lte=today, closes_on__gte=today,
        ).select_related("participant__mother", "timepoint").order_by("due_on", "id")[:limit]
    )
