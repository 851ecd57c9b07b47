"""The long data frame of a study, from the database: one row per participant × scheduled timepoint.

This is the single table behind the analysis, the report and every export, so they cannot disagree. It holds
study codes only (no names or contacts). Dates are true dates here; exports shift them (see exports.py).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from django.utils import timezone

from bondwell.studies import sources
from bondwell.studies.models import Participant, Study, Visit

COLUMNS = [
    "participant", "site", "arm", "week", "timepoint", "due_on", "assessed_on", "epds", "baseline_epds",
    "adherence",  # practice minutes per week since enrolment (the name is kept: locked snapshots carry it)
    "received", "status", "withdrawal_scope", "consent_version", "enrolled_on", "shift",
    "stratum", "sequence",
]


def analysed_participants(study: Study) -> list[Participant]:
    """Randomised participants (randomised design) or every enrolled participant (single-arm cohort)."""
    participants = Participant.objects.filter(study=study).select_related("site", "allocation__arm")
    if study.is_randomised:
        participants = participants.filter(allocation__isnull=False)
    return list(participants.order_by("code"))


def _minutes_per_week(minutes_by_day: list[tuple[date, float]], start: date, end: date) -> float:
    """Mean minutes of home practice a week from enrolment to the visit (NaN at the baseline)."""
    days = (end - start).days
    if days <= 0:
        return float("nan")
    total = sum(m for day, m in minutes_by_day if start <= day < end)
    return total / (days / 7.0)


def long_frame(study: Study) -> pd.DataFrame:
    participants = analysed_participants(study)
    visits = (
        Visit.objects.filter(participant__in=participants).select_related("timepoint")
        .prefetch_related("secondary").order_by("participant_id", "timepoint__week")
    )
    secondary = study.secondary
    by_participant: dict[int, list[Visit]] = {}
    for visit in visits:
        by_participant.setdefault(visit.participant_id, []).append(visit)
    today = timezone.localdate()
    rows = []
    for p in participants:
        allocation = p.allocation if study.is_randomised else None
        arm = allocation.arm.code if allocation is not None else "intervention"
        enrolled_on = timezone.localdate(p.enrolled_at)
        last_due = max((v.due_on for v in by_participant.get(p.pk, [])), default=enrolled_on)
        practice = sources.practice_log_rows(p.mother_id, enrolled_on, min(last_due, today) + _ONE_DAY)
        for visit in by_participant.get(p.pk, []):
            assessed_on = visit.assessed_on
            end = assessed_on or min(visit.due_on, today)
            rows.append({
                "participant": p.code, "site": p.site.slug, "arm": arm, "week": visit.timepoint.week,
                "timepoint": visit.timepoint.label, "due_on": visit.due_on, "assessed_on": assessed_on,
                "epds": float(visit.epds_total) if visit.epds_total is not None else np.nan,
                "baseline_epds": float(p.baseline_epds) if p.baseline_epds is not None else np.nan,
                "adherence": np.nan if visit.timepoint.week == 0 else _minutes_per_week(practice, enrolled_on, end),
                "received": p.received_intervention, "status": p.status,
                "withdrawal_scope": p.withdrawal_scope, "consent_version": p.consent_version,
                "enrolled_on": enrolled_on, "shift": p.date_shift_days if study.shift_dates else 0,
                "stratum": allocation.stratum if allocation is not None else "",
                "sequence": allocation.sequence if allocation is not None else np.nan,
                **_secondary_values(visit, secondary),
            })
    return pd.DataFrame(rows, columns=[*COLUMNS, *secondary])


def _secondary_values(visit: Visit, instruments: tuple[str, ...]) -> dict[str, float]:
    """One column per secondary outcome (its instrument name), NaN where the visit has no result."""
    totals = {o.instrument: o.total for o in visit.secondary.all()}
    return {name: float(totals[name]) if name in totals else np.nan for name in instruments}


_ONE_DAY = pd.Timedelta(days=1).to_pytimedelta()


def snapshot_csv(frame: pd.DataFrame) -> str:
    """The frame as the CSV kept in the database lock (the final analysis reads it back with `from_snapshot`)."""
    return frame.to_csv(index=False, lineterminator="\n")


def from_snapshot(text: str) -> pd.DataFrame:
    """The long frame as it was at the database lock (types as long_frame gives them)."""
    from io import StringIO

    raw = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    frame = pd.DataFrame(index=raw.index)
    secondary = [c for c in raw.columns if c not in COLUMNS]  # secondary outcomes, one column each
    for column in secondary:
        frame[column] = pd.to_numeric(raw[column], errors="coerce")
    for column in COLUMNS:
        values = raw[column] if column in raw.columns else pd.Series([""] * len(raw), index=raw.index)
        if column in ("week", "shift"):
            frame[column] = values.astype(int)
        elif column in ("epds", "baseline_epds", "adherence", "sequence"):
            frame[column] = pd.to_numeric(values, errors="coerce")  # blank cells are missing
        elif column in ("due_on", "assessed_on", "enrolled_on"):
            frame[column] = [date.fromisoformat(v) if v else None for v in values]
        elif column == "received":
            frame[column] = [{"True": True, "False": False}.get(v) for v in values]
        else:
            frame[column] = values
    return frame[[*COLUMNS, *secondary]]
