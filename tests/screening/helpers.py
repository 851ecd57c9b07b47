"""Building blocks for screening tests: answers with or without a positive self-harm item, and records."""

from __future__ import annotations

from datetime import date
from typing import Any

from bondwell.screening import services
from bondwell.screening.models import Assessment, Draft, RiskAlert

# Positions as printed (0 = top option). PHQ-9 item 9 at position 0 is "Not at all".
PHQ9_CALM = {f"q{n}": 0 for n in range(1, 10)}
PHQ9_SELF_HARM = {**PHQ9_CALM, "q9": 1}
PHQ9_SEVERE = {f"q{n}": 3 for n in range(1, 9)} | {"q9": 0}  # total 24: the urgent band, no self-harm
# EPDS item 10 is reverse-scored: position 3 (bottom option, "never") scores 0, position 0 scores 3.
EPDS_CALM = {"q1": 0, "q2": 0, "q3": 3, "q4": 0, "q5": 3, "q6": 3, "q7": 3, "q8": 3, "q9": 3, "q10": 3}
EPDS_SELF_HARM = {**EPDS_CALM, "q10": 2}


def paper(
    mother: Any, clinician: Any, answers: dict[str, int], instrument: str = "phq9", **extra: Any
) -> Assessment:
    return services.record_assessment(
        mother, instrument, answers, source="paper", by=clinician,
        answered_on=extra.pop("on", date.today()), idempotency_key=extra.pop("key", services.new_submission_key()),
        **extra,
    )


def alert_for(mother: Any, clinician: Any) -> RiskAlert:
    assessment = paper(mother, clinician, PHQ9_SELF_HARM)
    return RiskAlert.objects.get(assessment=assessment)


def draft_for(mother: Any) -> Draft:
    return Draft.objects.create(mother=mother, instrument="phq9", profile="AU")


def start_short_questionnaire(page: Any, base_url: str) -> None:
    """In the browser: Mother A signs in and opens the questionnaire she is asked to answer."""
    from tests.conftest import browser_open

    browser_open(page, base_url, "mother@a.test", "Questionnaires")
    page.get_by_role("link", name="Answer a short questionnaire").click()
