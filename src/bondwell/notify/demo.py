"""Demo: mobiles (numbers the Australian regulator keeps for fiction), an on-call rota for the next two weeks and a
fallback phone, so the demo's alerts route as a site's would. Texts land in var/sms/ locally.

The rota and the fallback phone go through their services, set by the site lead. The mobiles are the one demo-only
step (`_fictional_verified_mobiles`): a real mobile is verified by the code texted to it (`notify.mobile`), which a
fictional number never receives.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bondwell.accounts import service_hours
from bondwell.demo import DemoContext
from bondwell.notify import rota

# ACMA's numbers for use in fiction (never assigned to a real phone).
FICTIONAL_AU_MOBILES = {"clinician": "+61491570156", "site_lead": "+61491570157"}
FICTIONAL_AU_FALLBACK = "+61491570158"
ROTA_DAYS = 14


def _fictional_verified_mobiles(context: DemoContext) -> None:
    """Demo only: staff mobiles marked verified without the texted code (these numbers ring no one)."""
    for key, number in FICTIONAL_AU_MOBILES.items():
        user = context.users[key]
        user.mobile, user.mobile_verified_at = number, context.now
        user.save(update_fields=["mobile", "mobile_verified_at"])


def load(context: DemoContext) -> None:
    from bondwell.screening import services as screening
    from bondwell.screening.safety import safety_settings

    _fictional_verified_mobiles(context)
    harbourside = context.sites["harbourside"]
    rules = safety_settings(harbourside)
    values = {field: getattr(rules, field) for field in (
        "self_harm_ack_minutes", "urgent_band_ack_working_days", "fallback_contact_email")}
    screening.update_safety_settings(harbourside, {
        **values, "fallback_phone": FICTIONAL_AU_FALLBACK, "fallback_contact_name": "On-call team",
    }, by=context.users["site_lead"])
    for site_key, user_key, lead_key in (("harbourside", "clinician", "site_lead"),
                                         ("northgate", "clinician2", "site_lead2")):
        site = context.sites[site_key]
        zone = service_hours.zone(site)
        start_day = service_hours.local(site, context.now).date() - timedelta(days=1)
        for offset in range(ROTA_DAYS):
            day = start_day + timedelta(days=offset)
            # Each evening at closing time to the next morning's opening (weekends and holidays included).
            starts = datetime.combine(day, site.closes_at, tzinfo=zone)
            ends = datetime.combine(day + timedelta(days=1), time(site.opens_at.hour, site.opens_at.minute),
                                    tzinfo=zone)
            if ends <= context.now:
                continue  # last night's shift is over: nobody puts a past shift on the rota
            rota.add_shift(site, context.users[user_key], starts, ends, by=context.users[lead_key], now=context.now)
