"""Which questionnaire a mother is asked, and in which words: the instruments offered on her phone and on paper,
her site's guideline profile, each instrument loaded (once per text-pack version) with its licensed wording, and
the questionnaires waiting for her answers."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from bondwell import instruments
from bondwell.accounts.models import Mother, Site
from bondwell.screening.models import ScheduledQuestionnaire

MOTHER_INSTRUMENTS = ("epds", "phq9")
PAPER_INSTRUMENTS = ("epds", "phq9", "gad7", "pbq")
PROFILE_OF_COUNTRY = {"AU": "AU", "UK": "UK", "US": "US"}


def profile_for(site: Site) -> str:
    return PROFILE_OF_COUNTRY.get(site.country, instruments.DEFAULT_PROFILE)


def load_instrument(name: str, site: Site) -> instruments.Instrument:
    """The instrument with the site's guideline profile and, when installed, its licensed wording."""
    return load_for_profile(name, profile_for(site))


def load_for_profile(name: str, profile: str) -> instruments.Instrument:
    return _load_cached(name, profile, *_pack_state(name))


def _pack_state(name: str) -> tuple[str, int | None]:
    # A changed or newly installed text pack has a new modification time, so it is never served stale. Asked
    # once per row of the alert queue: a plain stat of a joined string (building Path objects cost more than
    # the stat itself).
    folder = os.fspath(settings.BONDWELL_TEXT_DIR)
    try:
        return folder, os.stat(os.path.join(folder, name + ".yaml")).st_mtime_ns
    except OSError:
        return folder, None


@functools.lru_cache(maxsize=64)
def _load_cached(name: str, profile: str, folder: str, pack_mtime: int | None) -> instruments.Instrument:
    # Reading a text pack parses YAML and checks it against the definition: done once per pack version, not
    # on every request.
    return instruments.load(name, profile=profile, text_dir=Path(folder))


def answerable_by_mother(name: str, site: Site) -> bool:
    """Whether she can answer it on her phone: only where its wording may be shown (licensed text installed).

    Otherwise her clinician goes through the paper form with her and enters it.
    """
    return name in MOTHER_INSTRUMENTS and load_instrument(name, site).wording_installed


def mother_instrument(site: Site) -> str:
    """The EPDS where the service has installed its licensed wording, the PHQ-9 otherwise."""
    return "epds" if load_instrument("epds", site).wording_installed else "phq9"


@dataclass(frozen=True)
class DueQuestionnaire:
    scheduled: ScheduledQuestionnaire
    answerable: bool


def due_for_mother(mother: Mother, limit: int) -> list[DueQuestionnaire]:
    due = ScheduledQuestionnaire.objects.filter(
        mother=mother, status=ScheduledQuestionnaire.Status.SCHEDULED
    ).order_by("due_on")[:limit]
    return [DueQuestionnaire(s, answerable_by_mother(s.instrument, mother.site)) for s in due]
