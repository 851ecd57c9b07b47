"""The alert rules of a site: which risk flag raises which alert, the site's safety settings, and how fast a
clinician must acknowledge an alert before it escalates. Which questionnaire she answers is
`bondwell.screening.questionnaires`; whom she can call is `bondwell.screening.crisis`; the site's working days
are `bondwell.accounts.service_hours`."""

from __future__ import annotations

from datetime import datetime, timedelta

from bondwell.accounts import service_hours
from bondwell.accounts.models import Site
from bondwell.screening.models import AlertKind, SiteSafetySettings

# Each risk flag an offered instrument can raise, and the alert it raises. Both are acknowledged within the
# site's short window: the PBQ's risk-of-abuse scale "requires urgent intervention" (Brockington et al. 2001).
FLAG_ALERTS = {"self_harm": AlertKind.SELF_HARM, "infant_harm": AlertKind.INFANT_HARM}
URGENT_RISK_KINDS = frozenset(FLAG_ALERTS.values())


def safety_settings(site: Site) -> SiteSafetySettings:
    """The site's settings row, or the defaults (unsaved) when it has none."""
    found = SiteSafetySettings.objects.filter(site=site).first()
    return found if found is not None else SiteSafetySettings(site=site)


def acknowledge_window(
    kind: str, site: Site, raised_at: datetime, rules: SiteSafetySettings | None = None
) -> datetime:
    """When an alert of this kind raised now must have been acknowledged before it escalates: minutes for a risk
    flag, the site's working days (its week and public holidays) for an urgent band. `rules`: the site's
    settings where the caller has read them already (read here otherwise)."""
    rules = rules or safety_settings(site)
    if kind in URGENT_RISK_KINDS:
        return raised_at + timedelta(minutes=rules.self_harm_ack_minutes)
    return service_hours.add_working_days(site, raised_at, rules.urgent_band_ack_working_days)
