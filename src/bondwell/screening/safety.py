"""What each site needs to keep a mother safe: which questionnaire she answers, whom she can call (see
`bondwell.screening.crisis`), and how fast a clinician must acknowledge an alert before it escalates."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from bondwell import instruments
from bondwell.accounts.models import Mother, Site
from bondwell.screening.crisis import CrisisContact, contacts_for
from bondwell.screening.models import AlertKind, ScheduledQuestionnaire, SiteSafetySettings

MOTHER_INSTRUMENTS = ("epds", "phq9")
PAPER_INSTRUMENTS = ("epds", "phq9", "gad7", "pbq")
# Each risk flag an offered instrument can raise, and the alert it raises. Both are acknowledged within the
# site's short window: the PBQ's risk-of-abuse scale "requires urgent intervention" (Brockington et al. 2001).
FLAG_ALERTS = {"self_harm": AlertKind.SELF_HARM, "infant_harm": AlertKind.INFANT_HARM}
URGENT_RISK_KINDS = frozenset(FLAG_ALERTS.values())
PROFILE_OF_COUNTRY = {"AU": "AU", "UK": "UK", "US": "US"}


def crisis_contacts(site: Site, moment: datetime | None = None) -> list[CrisisContact]:
    """Every contact for her site: the national lines (never removed) and the site's own, open-now ones first.

    Templates that need the split (call now / later) use `bondwell.screening.crisis.contacts_for`.
    """
    return contacts_for(site, moment).all


def profile_for(site: Site) -> str:
    return PROFILE_OF_COUNTRY.get(site.country, instruments.DEFAULT_PROFILE)


def load_instrument(name: str, site: Site) -> instruments.Instrument:
    """The instrument with the site's guideline profile and, when installed, its licensed wording."""
    return load_for_profile(name, profile_for(site))


def answerable_by_mother(name: str, site: Site) -> bool:
    """Whether she can answer it on her phone: only where its wording may be shown (licensed text installed).

    Otherwise her clinician goes through the paper form with her and enters it.
    """
    return name in MOTHER_INSTRUMENTS and load_instrument(name, site).wording_installed


@dataclass(frozen=True)
class DueQuestionnaire:
    scheduled: ScheduledQuestionnaire
    answerable: bool


def due_for_mother(mother: Mother, limit: int) -> list[DueQuestionnaire]:
    due = ScheduledQuestionnaire.objects.filter(
        mother=mother, status=ScheduledQuestionnaire.Status.SCHEDULED
    ).order_by("due_on")[:limit]
    return [DueQuestionnaire(s, answerable_by_mother(s.instrument, mother.site)) for s in due]


def load_for_profile(name: str, profile: str) -> instruments.Instrument:
    return _load_cached(name, profile, *_pack_state(name))


def _pack_state(name: str) -> tuple[str, int | None]:
    # A changed or newly installed text pack has a new modification time, so it is never served stale.
    folder = Path(settings.BONDWELL_TEXT_DIR)
    try:
        return str(folder), (folder / f"{name}.yaml").stat().st_mtime_ns
    except OSError:
        return str(folder), None


@functools.lru_cache(maxsize=64)
def _load_cached(name: str, profile: str, folder: str, pack_mtime: int | None) -> instruments.Instrument:
    # Reading a text pack parses YAML and checks it against the definition: done once per pack version, not
    # on every request.
    return instruments.load(name, profile=profile, text_dir=Path(folder))


def mother_instrument(site: Site) -> str:
    """The EPDS where the service has installed its licensed wording, the PHQ-9 otherwise."""
    return "epds" if load_instrument("epds", site).wording_installed else "phq9"


def safety_settings(site: Site) -> SiteSafetySettings:
    """The site's settings row, or the defaults (unsaved) when it has none."""
    found = SiteSafetySettings.objects.filter(site=site).first()
    return found if found is not None else SiteSafetySettings(site=site)


def add_working_days(moment: datetime, days: int) -> datetime:
    """`days` working days (Monday to Friday, local time) after `moment`, at the same time of day."""
    local = timezone.localtime(moment)
    added = 0
    while added < days:
        local += timedelta(days=1)
        if local.weekday() < 5:
            added += 1
    return local


def acknowledge_window(kind: str, site: Site, raised_at: datetime) -> datetime:
    """When an alert of this kind raised now must have been acknowledged before it escalates."""
    rules = safety_settings(site)
    if kind in URGENT_RISK_KINDS:
        return raised_at + timedelta(minutes=rules.self_harm_ack_minutes)
    return add_working_days(raised_at, rules.urgent_band_ack_working_days)
