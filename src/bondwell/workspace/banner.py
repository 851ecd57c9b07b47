"""The patient banner: who she is and how to reach her, on every staff page about a mother.

What it shows follows the role's purposes (`bondwell.accounts.roles`): everyone with the record sees her name,
date of birth, baby's age, phone, preferred contact times and site; alerts and follow-ups only the roles that
receive alerts; study status only clinicians and site leads (never the arm: studies stay blinded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from bondwell.accounts.access import may
from bondwell.accounts.models import Mother, User
from bondwell.accounts.roles import Purpose, Role


@dataclass(frozen=True)
class Banner:
    mother: Mother
    age_years: int | None
    baby: str
    tel: str
    show_alerts: bool
    open_alerts: int = 0
    first_alert_id: int | None = None
    open_follow_ups: int = 0
    open_concerns: int = 0
    studies: list[str] = field(default_factory=list)


def years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def baby_age(born: date, today: date) -> str:
    """Plain words: '9 days', '7 weeks', '5 months'."""
    days = (today - born).days
    if days < 0:
        return "not born yet"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 7 * 13:
        return f"{days // 7} weeks"
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    return f"{months} months"


def tel_link(phone: str) -> str:
    """The dialable form of a number as typed ('0491 570 156' → '0491570156'); '' when none."""
    digits = re.sub(r"[^0-9+]", "", phone)
    return digits if len(digits.lstrip("+")) >= 3 else ""


def build(mother: Mother, user: User, today: date | None = None) -> Banner:
    today = today or timezone.localdate()
    babies = list(mother.babies.order_by("-birth_date")[:3])
    baby = "; ".join(f"{b.name}, {baby_age(b.birth_date, today)}" + (" (preterm)" if b.born_preterm else "")
                     for b in babies) or "No baby recorded"
    show_alerts = may(user, Purpose.ALERTS)
    banner = Banner(
        mother=mother, baby=baby, tel=tel_link(mother.phone), show_alerts=show_alerts,
        age_years=years_between(mother.date_of_birth, today) if mother.date_of_birth else None,
    )
    if not show_alerts:
        return banner
    from bondwell.pathway.models import FollowUp
    from bondwell.screening.alerts import open_alerts
    from bondwell.studies.models import Participant
    from bondwell.workspace.models import Concern

    alerts = open_alerts(mother).order_by(
        "priority", "ack_due_at", "id")
    first = alerts.values_list("id", flat=True).first()
    studies = [
        f"{title}: {dict(Participant._meta.get_field('status').choices or []).get(status, status)} ({code})"
        for title, status, code in Participant.objects.filter(mother=mother).values_list(
            "study__title", "status", "code")[:5]
    ] if user.role in {Role.CLINICIAN, Role.SITE_LEAD} else []
    return Banner(
        mother=mother, baby=baby, tel=banner.tel, show_alerts=True, age_years=banner.age_years,
        open_alerts=alerts.count(), first_alert_id=first,
        open_follow_ups=FollowUp.objects.filter(mother=mother, status=FollowUp.Status.OPEN).count(),
        open_concerns=Concern.objects.filter(mother=mother).exclude(status=Concern.Status.CLOSED).count(),
        studies=studies,
    )
