"""Demo: mobiles (numbers the Australian regulator keeps for fiction), an on-call rota for the next two weeks and a
fallback phone, so the demo's alerts route as a site's would. Texts land in var/sms/ locally."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bondwell.accounts import service_hours
from bondwell.demo import DemoContext
from bondwell.notify.models import OnCallShift

# ACMA's numbers for use in fiction (never assigned to a real phone).
FICTIONAL_AU_MOBILES = {"clinician": "+61491570156", "site_lead": "+61491570157"}
FICTIONAL_AU_FALLBACK = "+61491570158"
ROTA_DAYS = 14


def load(context: DemoContext) -> None:
    from bondwell.screening.models import SiteSafetySettings

    for key, number in FICTIONAL_AU_MOBILES.items():
        user = context.users[key]
        user.mobile, user.mobile_verified_at = number, context.now
        user.save(update_fields=["mobile", "mobile_verified_at"])
    harbourside = context.sites["harbourside"]
    SiteSafetySettings.objects.update_or_create(
        site=harbourside, defaults={"fallback_phone": FICTIONAL_AU_FALLBACK, "fallback_contact_name": "On-call team"}
    )
    for site_key, user_key in (("harbourside", "clinician"), ("northgate", "clinician2")):
        site = context.sites[site_key]
        zone = service_hours.zone(site)
        start_day = service_hours.local(site, context.now).date() - timedelta(days=1)
        for offset in range(ROTA_DAYS):
            day = start_day + timedelta(days=offset)
            # Each evening at closing time to the next morning's opening (weekends and holidays included).
            starts = datetime.combine(day, site.closes_at, tzinfo=zone)
            ends = datetime.combine(day + timedelta(days=1), time(site.opens_at.hour, site.opens_at.minute),
                                    tzinfo=zone)
            OnCallShift.objects.create(site=site, user=context.users[user_key], starts_at=starts, ends_at=ends,
                                       created_at=context.now)
