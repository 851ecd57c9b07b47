"""Which questionnaire a mother is asked, and in which words: the instruments offered on her phone and on paper,
her site's guideline profile, each instrument loaded (once per text-pack version) with its licensed wording, and
the questionnaires waiting for her answers."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from bondwell import instruments
from bondwell.accounts.models import Mother, Site
from bondwell.screening.models import ScheduledQuestionnaire

# How each questionnaire is named where it is written: its authors' abbreviation, hyphen and all.
SHORT_NAMES = {"epds": "EPDS", "phq9": "PHQ-9", "gad7": "GAD-7", "pbq": "PBQ"}


def short_name(name: str) -> str:
    """The questionnaire's abbreviation as its authors write it ("PHQ-9", not "PHQ9")."""
    return SHORT_NAMES.get(name, name.upper())


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


def answered_together(
    pending: Sequence[ScheduledQuestionnaire], instrument: str, answered_on: date,
    chosen: ScheduledQuestionnaire | None = None,
) -> list[ScheduledQuestionnaire]:
    """The requests one answer of `instrument` given on `answered_on` fulfils: the one she chose, and every other
    request for the same questionnaire already due by that day, her care team's and the pathway's repeat screen
    alike (answering it twice in a row would measure the same two weeks twice). Of study visits it fulfils one:
    a study fills each visit with its own answer (`studies.outcomes`), so a second visit keeps its own request.
    A request not yet due stays open: its day has not come.

    The one rule for what her "Answer" button stands for and for what her answer then completes.
    """
    fulfilled = [chosen] if chosen is not None else []
    visit_taken = chosen is not None and chosen.for_study_visit
    for request in sorted(pending, key=lambda s: (s.due_on, s.pk)):
        if (
            request == chosen or request.instrument != instrument or request.due_on > answered_on
            or request.status != ScheduledQuestionnaire.Status.SCHEDULED
        ):
            continue
        if request.for_study_visit:
            if visit_taken:
                continue
            visit_taken = True
        fulfilled.append(request)
    return fulfilled


@dataclass(frozen=True)
class DueQuestionnaire:
    """One button on her list: `scheduled` is the request it opens; answering it fulfils `covers` requests in all,
    the earliest due on `since`."""

    scheduled: ScheduledQuestionnaire
    answerable: bool
    since: date
    covers: int = 1

    @property
    def overdue(self) -> bool:
        return self.since < timezone.localdate()


# More open requests than a mother ever has: a bound on the read, not a page size.
_MOST_PENDING = 100


def due_for_mother(mother: Mother, limit: int) -> list[DueQuestionnaire]:
    """Her open requests as buttons, one per answer she is asked for: requests that one answer today fulfils
    (`answered_together`) share one button, which opens the study's visit among them if there is one, so the
    study gets the answer it asked for."""
    pending = list(
        ScheduledQuestionnaire.objects.filter(mother=mother, status=ScheduledQuestionnaire.Status.SCHEDULED)
        .order_by("due_on", "id")[:_MOST_PENDING]
    )
    today = timezone.localdate()
    shown: set[int] = set()
    due: list[DueQuestionnaire] = []
    for request in pending:
        if request.pk in shown:
            continue
        group = answered_together(pending, request.instrument, today)
        if request not in group:
            group = [request]  # not due yet (it waits for its day), or a second study visit (its own answer)
        opens = next((s for s in group if s.for_study_visit), group[0])
        shown.update(s.pk for s in group)
        due.append(DueQuestionnaire(opens, answerable_by_mother(opens.instrument, mother.site),
                                    since=min(s.due_on for s in group), covers=len(group)))
        if len(due) == limit:
            break
    return due
