"""Telling people that a follow-up is overdue, through the one outbox (`bondwell.notify.outbox`).

Messages carry no names or answers: a pseudonym and a link.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.urls import reverse

from bondwell.accounts.models import User
from bondwell.notify import links, outbox, routing
from bondwell.notify.models import Channel
from bondwell.notify.models import Purpose as MessagePurpose
from bondwell.pathway.models import FollowUp
from bondwell.screening.safety import safety_settings

log = logging.getLogger("bondwell.pathway")


def escalation_contacts(follow_up: FollowUp, level: int, now: datetime) -> list[routing.Contact]:
    """Its owner; while nobody owns it, the clinicians at work, or for an immediate step out of hours the
    clinicians on call (all the site's clinicians when neither finds anyone); from level 1 also the site leads;
    from level 2 also the fallback contact. A level that finds nobody passes to the next, so a follow-up is never
    addressed to no one."""
    site = follow_up.mother.site
    staff = routing.active_staff(site)
    if follow_up.owner_id is not None:
        first = list(User.objects.filter(pk=follow_up.owner_id, is_active=True))
    else:
        first = routing.clinicians_at_work(site, now, staff)
        if follow_up.owner_role == "on_call":
            first = [*first, *routing.on_call(site, now)]
        first = list(dict.fromkeys(first)) or routing.clinicians(site, staff)
    fallback_email = safety_settings(site).fallback_contact_email or getattr(
        settings, "BONDWELL_FALLBACK_CONTACT_EMAIL", ""
    )
    fallback = [routing.Contact(key="fallback", user_id=None, email=fallback_email, mobile="")]
    if not fallback_email:
        fallback = []
    tiers = [
        [routing.contact_of(user) for user in first],
        [routing.contact_of(user) for user in routing.site_leads(site, staff)],
        fallback,
    ]
    chosen: list[routing.Contact] = []
    for tier, people in enumerate(tiers):
        if tier <= level or not chosen:
            chosen.extend(people)
    return list({contact.key: contact for contact in chosen}.values())


def queue_escalation(follow_up: FollowUp, *, level: int, now: datetime) -> int:
    link = links.absolute(reverse("pathway-follow-up", kwargs={"follow_up_id": follow_up.pk}))
    subject = f"Bondwell: follow-up overdue (escalation {level})"
    body = (
        f"A follow-up for {follow_up.mother.pseudonym} was due {follow_up.due_at:%Y-%m-%d %H:%M %Z} and has no "
        f"outcome yet.\n\nWhat is needed: {follow_up.get_action_display()}.\nOpen it, record what was done and close "
        f"it with an outcome:\n{link}\n\nThis message holds no answers or names on purpose; sign in to see them.\n"
    )
    urgent = follow_up.action == FollowUp.Action.IMMEDIATE
    told = 0
    for contact in escalation_contacts(follow_up, level, now):
        for channel, recipient in contact.channels(urgent=urgent):
            text = body if channel == Channel.EMAIL else f"Bondwell: a follow-up is overdue. {link}"
            outbox.queue(
                channel=channel, recipient=recipient, purpose=MessagePurpose.ESCALATION,
                dedupe_key=f"followup:{follow_up.pk}:level{level}:{contact.key}:{channel}", now=now,
                subject=subject, body=text, topic=f"followup:{follow_up.pk}", site=follow_up.mother.site,
                urgent=urgent,
            )
        told += 1
    if not told:
        log.error("follow-up %s has nobody to notify", follow_up.pk)
    return told
