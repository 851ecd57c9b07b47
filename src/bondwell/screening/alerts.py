"""Raising risk alerts, telling the right people, and escalating when nobody acknowledges in time.

Messages never carry answers or names (email is not a safe place for them): a pseudonym, the kind of alert and
a link to the alert in Bondwell.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse

from bondwell.accounts.models import Mother, Site, User
from bondwell.accounts.roles import Role
from bondwell.screening.models import AlertEvent, AlertKind, Assessment, Draft, Notification, RiskAlert
from bondwell.screening.outbox import base_url
from bondwell.screening.safety import URGENT_RISK_KINDS, acknowledge_window, safety_settings

log = logging.getLogger("bondwell.screening.alerts")

PRIORITY = {AlertKind.SELF_HARM: 0, AlertKind.INFANT_HARM: 0, AlertKind.URGENT_BAND: 1}
ESCALATION_BATCH = 50
FALLBACK_ENV = "BONDWELL_FALLBACK_CONTACT_EMAIL"  # used where a site has set no fallback contact


def raise_alert(
    *,
    mother: Mother,
    kind: str,
    instrument: str,
    reason: str,
    source_key: str,
    now: datetime,
    assessment: Assessment | None = None,
    draft: Draft | None = None,
    synthetic: bool = False,
) -> RiskAlert:
    """The one alert for this signal (created with its care-team messages, or the one already raised).

    Call inside the transaction that records the signal, so the alert exists exactly when the signal does.
    """
    existing = RiskAlert.objects.filter(source_key=source_key, kind=kind).first()
    if existing is not None:
        if assessment is not None and existing.assessment_id is None:
            # The alert was raised while she was still answering; link it to what she then submitted.
            RiskAlert.objects.filter(pk=existing.pk).update(assessment=assessment)
            existing.assessment = assessment
            AlertEvent.objects.create(alert=existing, at=now, step="linked", detail="answers submitted")
        return existing
    try:
        with transaction.atomic():
            alert = RiskAlert.objects.create(
                mother=mother, kind=kind, instrument=instrument, reason=reason[:300], source_key=source_key,
                priority=PRIORITY[AlertKind(kind)], raised_at=now,
                ack_due_at=acknowledge_window(kind, mother.site, now),
                assessment=assessment, draft=draft, is_synthetic=synthetic,
            )
    except IntegrityError:
        # Raised at the same moment by a concurrent request for the same signal: that one stands.
        return raise_alert(
            mother=mother, kind=kind, instrument=instrument, reason=reason, source_key=source_key, now=now,
            assessment=assessment, draft=draft, synthetic=synthetic,
        )
    AlertEvent.objects.create(alert=alert, at=now, step="raised", detail=reason[:300])
    _queue(alert, level=0, now=now)
    return alert


def recipients(alert: RiskAlert, level: int) -> list[str]:
    """Level 0: the site's clinicians. Level 1: also its site leads. Level 2 and above: also the fallback.

    Whenever a level finds nobody to tell, the next level's people are told instead: an alert is never
    addressed to no one.
    """
    site = alert.mother.site
    staff = User.objects.filter(site=site, is_active=True).exclude(email="")
    clinicians = list(staff.filter(role=Role.CLINICIAN).values_list("email", flat=True))
    leads = list(staff.filter(role=Role.SITE_LEAD).values_list("email", flat=True))
    fallback = safety_settings(site).fallback_contact_email or os.environ.get(FALLBACK_ENV, "")
    tiers = [clinicians, leads, [fallback] if fallback else []]
    chosen: list[str] = []
    for tier, people in enumerate(tiers):
        if tier <= level or not chosen:
            chosen.extend(people)
    return sorted(dict.fromkeys(chosen))


def _queue(alert: RiskAlert, *, level: int, now: datetime) -> int:
    link = base_url() + reverse("screening-alert", kwargs={"alert_id": alert.pk})
    kind = AlertKind(alert.kind).label
    escalation = "" if level == 0 else f" (not acknowledged in time: escalation {level})"
    subject = f"Bondwell {'URGENT ' if alert.kind in URGENT_RISK_KINDS else ''}alert{escalation}: {kind}"
    body = (
        f"A risk alert for {alert.mother.pseudonym} needs a clinician to acknowledge it{escalation}.\n\n"
        f"Alert: {kind} ({alert.instrument.upper()}), raised {alert.raised_at:%Y-%m-%d %H:%M %Z}.\n"
        f"Open it, acknowledge it and record what was done:\n{link}\n\n"
        "This message holds no answers or names on purpose; sign in to see them."
    )
    people = recipients(alert, level)
    if not people:
        log.error("alert %s has nobody to notify: no clinician, lead or fallback email", alert.pk)
        AlertEvent.objects.create(alert=alert, at=now, step="unaddressed", detail="no recipient configured")
    purpose = Notification.Purpose.ALERT if level == 0 else Notification.Purpose.ESCALATION
    for email in people:
        Notification.objects.get_or_create(
            dedupe_key=f"alert:{alert.pk}:level{level}:{email}"[:120],
            defaults={
                "recipient": email, "subject": subject, "body": body, "purpose": purpose, "alert": alert,
                "created_at": now, "next_attempt_at": now,
            },
        )
    return len(people)


def escalate_overdue(now: datetime) -> int:
    """Escalate every open alert past its acknowledgement deadline by one level; returns how many."""
    with transaction.atomic():
        overdue = list(
            RiskAlert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=RiskAlert.Status.OPEN, ack_due_at__lte=now)
            .select_related("mother__site")
            .order_by("priority", "ack_due_at")[:ESCALATION_BATCH]
        )
        for alert in overdue:
            level = alert.escalation_level + 1
            RiskAlert.objects.filter(pk=alert.pk).update(
                escalation_level=level, escalated_at=now,
                ack_due_at=acknowledge_window(alert.kind, alert.mother.site, now),
            )
            alert.escalation_level = level
            told = _queue(alert, level=level, now=now)
            AlertEvent.objects.create(
                alert=alert, at=now, step="escalated", detail=f"level {level}: {told} recipient(s)"
            )
    return len(overdue)


def has_alert_recipient(site: Site) -> bool:
    """Whether a risk alert raised at this site now would reach at least one person.

    Mother-facing text says "your care team has been told" only when this is true; a site's settings cannot be
    saved while it is false.
    """
    staff = User.objects.filter(site=site, is_active=True, role__in=(Role.CLINICIAN, Role.SITE_LEAD)).exclude(email="")
    return staff.exists() or bool(safety_settings(site).fallback_contact_email or os.environ.get(FALLBACK_ENV, ""))
