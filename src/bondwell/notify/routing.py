"""Who is reachable at a site right now: clinicians at work, the on-call clinician, the site leads.

Working hours, working days, public holidays and the time zone come from the site through
`bondwell.accounts.service_hours`; the on-call rota is `OnCallShift`. Only active staff are ever returned, so a
deactivated person drops out of routing the moment she is deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bondwell.accounts import service_hours
from bondwell.accounts.models import Site, User
from bondwell.accounts.roles import Role
from bondwell.notify.channels import sms_available
from bondwell.notify.models import Channel, OnCallShift


@dataclass(frozen=True)
class Contact:
    """One person (or the site's fallback number) and how she wants urgent alerts."""

    key: str  # stable, for de-duplicating queued messages: "user12" or "fallback"
    user_id: int | None
    email: str
    mobile: str  # verified, E.164; "" when texts cannot go to this person
    by_email: bool = True
    by_sms: bool = True
    # The account itself where the contact was made from one (`contact_of`): her messages and ack link name her,
    # and the chain has read her already.
    user: User | None = field(default=None, compare=False, repr=False)

    def channels(self, *, urgent: bool, texts_possible: bool | None = None) -> list[tuple[str, str]]:
        """(channel, recipient) pairs: urgent alerts by SMS and email as she prefers, others by email.

        Never empty for a contact with any reachable address: a preference never silences an alert.
        `texts_possible`: whether SMS is set up (asked of the settings when not given).
        """
        possible = sms_available() if texts_possible is None else texts_possible
        texts = bool(self.mobile) and possible
        chosen: list[tuple[str, str]] = []
        if urgent:
            if self.email and self.by_email:
                chosen.append((Channel.EMAIL, self.email))
            if texts and self.by_sms:
                chosen.append((Channel.SMS, self.mobile))
        if not chosen:
            if self.email:
                chosen.append((Channel.EMAIL, self.email))
            elif texts:
                chosen.append((Channel.SMS, self.mobile))
        return chosen


@dataclass(frozen=True)
class Tier:
    """One link of an escalation chain: a name for the record and the people in it."""

    name: str
    contacts: list[Contact]


def escalation_chain(tiers: list[Tier], *, urgent: bool, texts_possible: bool) -> list[Tier]:
    """The chain as it will be walked: each link keeps its reachable people; a link that adds nobody new is left
    out. Pure: the same links give the same chain."""
    kept: list[Tier] = []
    seen: set[str] = set()
    for tier in tiers:
        reachable = [c for c in tier.contacts if c.channels(urgent=urgent, texts_possible=texts_possible)]
        if any(c.key not in seen for c in reachable):
            kept.append(Tier(tier.name, reachable))
            seen.update(c.key for c in reachable)
    return kept


def told_at(chain: list[Tier], level: int) -> list[Contact]:
    """Everyone told at escalation `level`: the people of every link up to it (the whole chain beyond its end)."""
    told: dict[str, Contact] = {}
    for tier in chain[: level + 1]:
        for contact in tier.contacts:
            told.setdefault(contact.key, contact)
    return list(told.values())


def contact_of(user: User) -> Contact:
    return Contact(key=f"user{user.pk}", user_id=user.pk, email=user.email, mobile=user.verified_mobile,
                   by_email=user.alerts_by_email, by_sms=user.alerts_by_sms, user=user)


def active_staff(site: Site) -> list[User]:
    """The site's active staff in one read: pass it to the functions below when one routing decision asks
    several of them (an alert's chain asks for clinicians and site leads)."""
    return list(User.objects.filter(site=site, is_active=True).order_by("id"))


def clinicians(site: Site, staff: list[User] | None = None) -> list[User]:
    return [u for u in (active_staff(site) if staff is None else staff) if u.role == Role.CLINICIAN]


def clinicians_at_work(site: Site, now: datetime, staff: list[User] | None = None) -> list[User]:
    """The site's active clinicians while the site is open (working day, working hours, not a public holiday)."""
    return clinicians(site, staff) if service_hours.is_open(site, now) else []


def on_call(site: Site, now: datetime) -> list[User]:
    """Active clinicians or leads of this site whose on-call shift covers `now`."""
    shifts = (
        OnCallShift.objects.filter(site=site, starts_at__lte=now, ends_at__gt=now, user__is_active=True,
                                   user__site=site, user__role__in=(Role.CLINICIAN, Role.SITE_LEAD))
        .select_related("user")
        .order_by("starts_at", "id")
    )
    return list(dict.fromkeys(shift.user for shift in shifts))


def site_leads(site: Site, staff: list[User] | None = None) -> list[User]:
    return [u for u in (active_staff(site) if staff is None else staff) if u.role == Role.SITE_LEAD]
