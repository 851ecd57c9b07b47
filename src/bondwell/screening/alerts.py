"""Raising risk alerts, routing them to a person who is at work or on call, and escalating until acknowledged.

Routing (the people come from `bondwell.notify.routing`, only active staff):
- self-harm and infant-harm alerts (urgent): in the site's working hours, the clinicians at work, by SMS and
  email; outside them (nights, weekends, public holidays of the site's country and region), the on-call
  clinician only. Not acknowledged within the site's window, the alert goes up the chain: on call → site lead
  → the site's fallback phone (by SMS) and fallback email; after the end of the chain everyone is told again
  every window until someone acknowledges it.
- urgent-band alerts: the site's clinicians by email, then its site lead, then the fallback contact.
A link in the chain with nobody in it is skipped, so an alert is never addressed to no one while anyone is
reachable. Each level re-tells the people of the levels before it.

Messages never carry answers or names (email and SMS are not safe places for them): a pseudonym, the kind of
alert, a link to it and a signed single-use acknowledgement link; signing in is needed to see anything.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts import service_hours
from bondwell.accounts.access import access_mother
from bondwell.accounts.models import Mother, Site, User
from bondwell.accounts.roles import Purpose
from bondwell.notify import links, outbox, routing
from bondwell.notify.channels import sms_available
from bondwell.notify.health import Problem
from bondwell.notify.models import Message
from bondwell.notify.models import Purpose as MessagePurpose
from bondwell.notify.routing import Contact, Tier
from bondwell.screening.models import AlertEvent, AlertKind, Assessment, Draft, RiskAlert, SiteSafetySettings
from bondwell.screening.questionnaires import short_name
from bondwell.screening.safety import URGENT_RISK_KINDS, acknowledge_window, safety_settings
from bondwell.worker import claim

log = logging.getLogger("bondwell.screening.alerts")

PRIORITY = {AlertKind.SELF_HARM: 0, AlertKind.INFANT_HARM: 0, AlertKind.URGENT_BAND: 1}
ESCALATION_BATCH = 50
TOPIC = "alert:{}"


def open_alerts(mother: Mother) -> QuerySet[RiskAlert]:
    """Her risk alerts that are not closed (open or acknowledged): what keeps a risk open for her record."""
    return RiskAlert.objects.filter(mother=mother).exclude(status=RiskAlert.Status.CLOSED)


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
    acknowledged_by: User | None = None,
) -> RiskAlert:
    """The one alert for this signal (created with its care-team messages, or the one already raised).

    Call inside the transaction that records the signal, so the alert exists exactly when the signal does.
    `acknowledged_by`: the clinician who entered the signal herself (a paper form): the alert is born
    acknowledged by her, so nobody is sent a message to acknowledge it (her least of all); it stays in the queue
    for its action and closing, and never escalates.
    """
    existing = RiskAlert.objects.filter(source_key=source_key, kind=kind).first()
    if existing is not None:
        if assessment is not None and existing.assessment_id is None:
            # The alert was raised while she was still answering; link it to what she then submitted.
            RiskAlert.objects.filter(pk=existing.pk).update(assessment=assessment)
            existing.assessment = assessment
            AlertEvent.objects.create(alert=existing, at=now, step="linked", detail="answers submitted")
        return existing
    rules = safety_settings(mother.site)  # read once: its window and its chain's fallback contact
    try:
        with transaction.atomic():
            alert = RiskAlert.objects.create(
                mother=mother, kind=kind, instrument=instrument, reason=reason[:300], source_key=source_key,
                priority=PRIORITY[AlertKind(kind)], raised_at=now,
                ack_due_at=acknowledge_window(kind, mother.site, now, rules),
                assessment=assessment, draft=draft, is_synthetic=synthetic,
                **_born_acknowledged(acknowledged_by, now),
            )
    except IntegrityError:
        # Raised at the same moment by a concurrent request for the same signal: that one stands.
        return raise_alert(
            mother=mother, kind=kind, instrument=instrument, reason=reason, source_key=source_key, now=now,
            assessment=assessment, draft=draft, synthetic=synthetic, acknowledged_by=acknowledged_by,
        )
    AlertEvent.objects.create(alert=alert, at=now, step="raised", detail=reason[:300])
    if acknowledged_by is not None:
        AlertEvent.objects.create(alert=alert, at=now, step="acknowledged", actor=acknowledged_by,
                                  detail="by her own paper entry: no message sent")
        return alert
    _queue(alert, level=0, now=now, rules=rules)
    return alert


def _born_acknowledged(by: User | None, now: datetime) -> dict[str, object]:
    if by is None:
        return {}
    return {"status": RiskAlert.Status.ACKNOWLEDGED, "acknowledged_at": now, "acknowledged_by": by}


def fallback_contact(site: Site, rules: SiteSafetySettings | None = None) -> Contact | None:
    rules = rules or safety_settings(site)
    email = rules.fallback_contact_email or settings.BONDWELL_FALLBACK_CONTACT_EMAIL
    if not email and not rules.fallback_phone:
        return None
    return Contact(key="fallback", user_id=None, email=email, mobile=rules.fallback_phone)


def chain(site: Site, kind: str, now: datetime, rules: SiteSafetySettings | None = None) -> list[Tier]:
    """The escalation chain for an alert of this kind raised or escalated at `now`; empty links left out.
    `rules`: the site's safety settings where the caller has read them already."""
    staff = routing.active_staff(site)
    leads = [routing.contact_of(u) for u in routing.site_leads(site, staff)]
    fallback = fallback_contact(site, rules)
    last = Tier("fallback contact", [fallback] if fallback else [])
    if kind in URGENT_RISK_KINDS:
        on_call = [routing.contact_of(u) for u in routing.on_call(site, now)]
        at_work = [routing.contact_of(u) for u in routing.clinicians_at_work(site, now, staff)]
        tiers = [Tier("clinicians at work" if at_work else "on call", at_work or on_call), Tier("on call", on_call),
                 Tier("site lead", leads), last]
    else:
        tiers = [Tier("clinicians", [routing.contact_of(u) for u in routing.clinicians(site, staff)]),
                 Tier("site lead", leads), last]
    return routing.escalation_chain(tiers, urgent=kind in URGENT_RISK_KINDS, texts_possible=sms_available())


def recipients(
    alert: RiskAlert, level: int, now: datetime | None = None, rules: SiteSafetySettings | None = None
) -> list[Contact]:
    """Everyone told at this level: the people of every link of the chain up to it (the whole chain beyond)."""
    return routing.told_at(chain(alert.mother.site, alert.kind, now or timezone.now(), rules), level)


def _queue(alert: RiskAlert, *, level: int, now: datetime, rules: SiteSafetySettings | None = None) -> int:
    site = alert.mother.site
    urgent = alert.kind in URGENT_RISK_KINDS
    people = recipients(alert, level, now, rules)
    if not people:
        log.error("alert %s has nobody to notify: no clinician, on-call, lead or fallback contact", alert.pk)
        AlertEvent.objects.create(alert=alert, at=now, step="unaddressed", detail="no recipient configured")
        return 0
    topic = TOPIC.format(alert.pk)
    context = {
        "pseudonym": alert.mother.pseudonym,
        "kind": AlertKind(alert.kind).label,
        "instrument": short_name(alert.instrument),
        "raised": service_hours.local(site, alert.raised_at),
        "urgent": urgent,
        "level": level,
        "link": links.absolute(reverse("screening-alert", kwargs={"alert_id": alert.pk})),
    }
    purpose = MessagePurpose.ALERT if level == 0 else MessagePurpose.ESCALATION
    for contact in people:
        user = contact.user
        ack = links.make(topic, user, now)
        for channel, recipient in contact.channels(urgent=urgent):
            outbox.queue(
                channel=channel, recipient=recipient, purpose=purpose, now=now, template="alert",
                context={**context, "ack": ack}, dedupe_key=f"{topic}:level{level}:{contact.key}:{channel}",
                topic=topic, site=site, user=user, urgent=True, deliver_by=alert.ack_due_at,
            )
    return len(people)


def escalate_overdue(now: datetime) -> int:
    """Escalate every open alert past its acknowledgement deadline by one level; returns how many."""
    with transaction.atomic():
        overdue = claim(
            RiskAlert.objects.filter(status=RiskAlert.Status.OPEN, ack_due_at__lte=now).select_related("mother__site"),
            "priority", "ack_due_at", batch=ESCALATION_BATCH,
        )
        for alert in overdue:
            level = alert.escalation_level + 1
            rules = safety_settings(alert.mother.site)
            due = acknowledge_window(alert.kind, alert.mother.site, now, rules)
            RiskAlert.objects.filter(pk=alert.pk).update(escalation_level=level, escalated_at=now, ack_due_at=due)
            alert.escalation_level, alert.ack_due_at = level, due
            told = _queue(alert, level=level, now=now, rules=rules)
            AlertEvent.objects.create(
                alert=alert, at=now, step="escalated", detail=f"level {level}: {told} recipient(s)"
            )
    return len(overdue)


def has_alert_recipient(site: Site, rules: SiteSafetySettings | None = None, now: datetime | None = None) -> bool:
    """Whether a risk alert raised at this site at `now` (default: now) would reach at least one person.

    True only when the self-harm chain (clinicians at work or on call, site lead, fallback contact) holds
    someone reachable on a working channel. Mother-facing text says "your care team has been told" only when
    this is true; a site's settings cannot be saved while it is false.
    """
    return bool(chain(site, AlertKind.SELF_HARM, now or timezone.now(), rules))


def acknowledged(alert: RiskAlert, now: datetime) -> None:
    """Once someone has acknowledged, stop sending what is still waiting (call in the acknowledging transaction)."""
    outbox.cancel_topic(TOPIC.format(alert.pk), now)


# ---- hooks called by bondwell.notify (settings) -----------------------------------------------------------


def on_message_event(message: Message, event: str, now: datetime) -> None:
    """Each alert message sent or given up becomes a step of the alert."""
    prefix, _, ident = message.topic.partition(":")
    if prefix != "alert" or not ident.isdigit():
        return
    who = f"user {message.user_id}" if message.user_id else "the fallback contact"
    if event == "sent":
        AlertEvent.objects.create(alert_id=int(ident), at=now, step="notified",
                                  detail=f"{message.get_purpose_display()} by {message.channel} to {who}")
    elif event == "failed":
        AlertEvent.objects.create(alert_id=int(ident), at=now, step="not delivered",
                                  detail=f"{message.channel} to {who}: {message.last_error}"[:300])


def acknowledge_from_link(topic: str, request: HttpRequest) -> str:
    """A signed acknowledgement link was used by a signed-in person: acknowledge if she may see the alert."""
    from bondwell.screening.services import acknowledge_alert

    alert = RiskAlert.objects.select_related("mother").filter(pk=int(topic.partition(":")[2])).first()
    if alert is None:
        raise links.LinkError("This alert no longer exists.")
    access_mother(request, alert.mother_id, Purpose.ALERTS, action="open:alert-from-link")  # 404 / 403, audited
    user = request.user
    assert isinstance(user, User)
    acknowledge_alert(alert, by=user)
    return reverse("screening-alert", kwargs={"alert_id": alert.pk})


def health_problems(now: datetime, site_id: int | None) -> list[Problem]:
    """Open alerts past their window for which not one message was ever queued (nobody to tell)."""
    overdue = RiskAlert.objects.filter(status=RiskAlert.Status.OPEN, ack_due_at__lte=now)
    if site_id is not None:
        overdue = overdue.filter(mother__site_id=site_id)
    late = dict(overdue.values_list("pk", "mother__site_id")[:500])
    if not late:
        return []
    addressed = {
        int(topic.partition(":")[2])
        for topic in Message.objects.filter(topic__in=[TOPIC.format(pk) for pk in late]).values_list(
            "topic", flat=True
        ).distinct()
    }
    per_site: dict[int, int] = {}
    for pk, site in late.items():
        if pk not in addressed:
            per_site[site] = per_site.get(site, 0) + 1
    return [
        Problem("alert_unaddressed", f"{count} open alert(s) past their window that nobody could be told of", site)
        for site, count in sorted(per_site.items())
    ]


def metrics(now: datetime) -> list[str]:
    """Alert time-to-acknowledge (the last 90 days) and open alerts, for /metrics."""
    from datetime import timedelta

    from bondwell.notify.metrics import histogram

    since = now - timedelta(days=90)
    rows = (
        RiskAlert.objects.filter(raised_at__gte=since, acknowledged_at__isnull=False)
        .order_by("-raised_at").values_list("kind", "raised_at", "acknowledged_at")[:20_000]
    )
    per_kind: dict[str, list[float]] = {}
    for kind, raised, acked in rows:
        if acked is not None:
            per_kind.setdefault(kind, []).append(max(0.0, (acked - raised).total_seconds()))
    lines: list[str] = []
    for index, kind in enumerate(AlertKind.values):
        lines += histogram(
            "bondwell_alert_time_to_acknowledge_seconds", "From raised to acknowledged, alerts of the last 90 days.",
            per_kind.get(kind, []), (300, 900, 1800, 3600, 7200, 14400, 86400, 259200), labels=f'kind="{kind}"',
        )[0 if index == 0 else 2:]
    lines += ["# HELP bondwell_alerts_open Alerts not yet acknowledged.", "# TYPE bondwell_alerts_open gauge"]
    for kind in AlertKind.values:
        count = RiskAlert.objects.filter(status=RiskAlert.Status.OPEN, kind=kind).count()
        lines.append(f'bondwell_alerts_open{{kind="{kind}"}} {count}')
    overdue = RiskAlert.objects.filter(status=RiskAlert.Status.OPEN, ack_due_at__lte=now).count()
    lines += ["# HELP bondwell_alerts_overdue Open alerts past their acknowledgement window.",
              "# TYPE bondwell_alerts_overdue gauge", f"bondwell_alerts_overdue {overdue}"]
    return lines
