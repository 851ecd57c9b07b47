"""What screens and reports show of an assessment: items in plain words, the band's texts, earlier results.

Nothing here scores: totals, bands and flags are the ones `bondwell.instruments` computed when the response
was stored; the band's texts are looked up in the same definition version and profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext

from bondwell import instruments
from bondwell.accounts.models import Mother
from bondwell.pathway.promises import NextSteps, next_steps
from bondwell.pathway.services import open_follow_ups
from bondwell.screening.alerts import open_alerts
from bondwell.screening.crisis import ContactList, contacts_for
from bondwell.screening.models import Assessment
from bondwell.screening.questionnaires import load_for_profile


@dataclass(frozen=True)
class AnswerRow:
    number: int
    question: str
    answer: str
    item_score: int | None
    flagged: bool


@dataclass(frozen=True)
class Reading:
    """An assessment with its instrument's words."""

    assessment: Assessment
    instrument: instruments.Instrument
    band: instruments.Band | None
    rows: list[AnswerRow]

    @property
    def self_harm(self) -> bool:
        return "self_harm" in self.assessment.flags

    @property
    def needs_support(self) -> bool:
        return self.self_harm or self.assessment.band_urgent

    @property
    def anxiety_subscale(self) -> int | None:
        value = self.assessment.subscales.get("anxiety")
        return int(value) if value is not None else None


def option_label(option: instruments.Option) -> str:
    letter = "ABCDEFGH"[option.position]
    return option.label or gettext("Option %(letter)s as printed (scores %(score)s)") % {
        "letter": letter, "score": option.score,
    }


def question_text(item: instruments.Item) -> str:
    return item.text or gettext("%(theme)s (item %(number)s; wording as on the printed form)") % {
        "theme": item.theme, "number": item.number,
    }


def read(assessment: Assessment) -> Reading:
    instrument = load_for_profile(assessment.instrument, assessment.profile)
    band = next((b for b in instrument.bands if b.key == assessment.band_key), None)
    flagged_items = {rule.item for rule in instrument.rules if rule.flag in assessment.flags and rule.item}
    rows = []
    for item in instrument.items:
        position = assessment.answers.get(item.key)
        if position is None:
            rows.append(AnswerRow(item.number, question_text(item), "Left blank", None, False))
            continue
        option = item.options[int(position)]
        rows.append(
            AnswerRow(
                item.number, question_text(item), option_label(option), option.score, item.key in flagged_items
            )
        )
    return Reading(assessment=assessment, instrument=instrument, band=band, rows=rows)


def history(assessment: Assessment, limit: int = 12) -> list[Assessment]:
    """Her results on the same questionnaire, oldest first, ending with this one (current versions only)."""
    earlier = (
        Assessment.objects.current()
        .filter(mother_id=assessment.mother_id, instrument=assessment.instrument)
        .filter(answered_on__lte=assessment.answered_on)
        .order_by("-answered_on", "-submitted_at")[:limit]
    )
    return list(reversed(list(earlier)))


# ---- what a mother reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MotherResult:
    """Her result page: the band's words only when they cannot mislead, what happens next, and whom to call."""

    reading: Reading
    band_message: str
    next_steps: NextSteps
    contacts: ContactList
    support: bool  # a risk answer, an urgent band or an open immediate step: support first, call-now list

    @property
    def changed(self) -> bool:
        return self.reading.assessment.supersedes_id is not None


def risk_open(mother: Mother) -> bool:
    """Whether anything about her is still open: a risk alert or a follow-up without an outcome."""
    return open_alerts(mother).exists() or open_follow_ups(mother).exists()


def band_rose(assessment: Assessment) -> bool:
    """Whether this result's band is above her previous result's on the same questionnaire."""
    earlier = history(assessment)[:-1]
    if not earlier or assessment.total is None or earlier[-1].total is None:
        return False
    instrument = load_for_profile(assessment.instrument, assessment.profile)
    keys = [band.key for band in instrument.bands]
    before, now_key = earlier[-1].band_key, assessment.band_key
    return before in keys and now_key in keys and keys.index(now_key) > keys.index(before)


def mother_result(assessment: Assessment, *, now: datetime | None = None) -> MotherResult:
    now = now or timezone.now()
    mother = assessment.mother
    reading = read(assessment)
    band = reading.band
    flagged = bool(assessment.flags)
    steps = next_steps(mother, assessment, now=now)
    misleading = band is not None and band.reassuring and (flagged or steps.risk_open or band_rose(assessment))
    if band is None:
        message = gettext("Some questions were left blank, so there is no overall score this time.")
    elif misleading:
        message = gettext("Thank you for your answers.")
    else:
        message = band.mother_message
    return MotherResult(
        reading=reading, band_message=message, next_steps=steps, contacts=contacts_for(mother.site, now),
        support=flagged or assessment.band_urgent or steps.urgent,
    )
