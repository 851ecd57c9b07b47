"""Scoring one response: the function behind every stored assessment (web, REST API and REDCap import all go
through `bondwell.screening.services.record_assessment`) and the FHIR export; the CLI uses bulk.py.

Answers map item keys ("q1".."qN") to the position of the chosen option as printed, 0 being the top option.
Positions, not scores, are stored and exchanged, because reverse-scored items make a "score" ambiguous to
anyone holding the paper form; only this module (and its vectorised twin in bulk.py) turns positions into
scores.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

from bondwell.instruments.model import Band, Instrument, ItemProblem, RiskRule, Score, ScoringError


def check_answers(
    instrument: Instrument, answers: Mapping[str, object]
) -> tuple[dict[str, int], list[ItemProblem]]:
    """Scores of the valid answers, and one problem for each missing, out-of-range or unknown answer."""
    scores: dict[str, int] = {}
    problems: list[ItemProblem] = []
    for item in instrument.items:
        value = answers.get(item.key)
        allowed = item.allowed_positions
        if value is None:
            problems.append(ItemProblem(item.key, None, allowed, "missing"))
        elif isinstance(value, bool) or not isinstance(value, numbers.Integral):
            # numbers.Integral admits numpy integers (parsed files hand those over); bool is never an answer.
            problems.append(ItemProblem(item.key, value, allowed, "not a whole number"))
        elif not 0 <= int(value) < len(item.options):
            problems.append(ItemProblem(item.key, value, allowed, "out of range"))
        else:
            scores[item.key] = item.score_of(int(value))
    known = set(instrument.item_keys)
    unknown = [key for key in answers if key not in known]
    problems.extend(ItemProblem(key, answers[key], (), "not an item of this instrument") for key in unknown)
    return scores, problems


def risk_flags(instrument: Instrument, answers: Mapping[str, object]) -> frozenset[str]:
    """Flags raised by the answers given so far; works on partial and partly invalid responses.

    Safety never waits for completeness: an item rule fires as soon as its item is answered, and a subscale
    rule as soon as the answered items alone reach the threshold (scores are never negative, so more answers
    can only add to the sum).
    """
    scores, _ = check_answers(instrument, answers)
    return _flags(instrument, scores)


def score(instrument: Instrument, answers: Mapping[str, object]) -> Score:
    """Score a complete response; raise ScoringError naming every bad item (with any flags already raised)."""
    scores, problems = check_answers(instrument, answers)
    if problems:
        raise ScoringError(instrument.name, problems, flags=_flags(instrument, scores))
    total = sum(scores.values())
    subscales = {s.key: sum(scores[key] for key in s.items) for s in instrument.subscales}
    subscale_bands = {
        subscale.key: _band(subscale.bands, subscales[subscale.key])
        for subscale in instrument.subscales
        if subscale.bands
    }
    return Score(
        instrument=instrument.name,
        definition_version=instrument.version,
        profile=instrument.profile,
        total=total,
        subscales=subscales,
        band=instrument.band_for(total),
        flags=_flags(instrument, scores),
        subscale_bands=subscale_bands,
    )


def _band(bands: tuple[Band, ...], value: int) -> Band:
    return next(band for band in bands if band.contains(value))


def _flags(instrument: Instrument, scores: Mapping[str, int]) -> frozenset[str]:
    return frozenset(rule.flag for rule in instrument.rules if _fires(instrument, rule, scores))


def _fires(instrument: Instrument, rule: RiskRule, scores: Mapping[str, int]) -> bool:
    if rule.item is not None:
        return scores.get(rule.item, 0) >= rule.at_least
    subscale = next(s for s in instrument.subscales if s.key == rule.subscale)
    return sum(scores.get(key, 0) for key in subscale.items) >= rule.at_least
