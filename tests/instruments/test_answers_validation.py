"""Missing and bad answers: never scored, every problem named, risk flags raised from the answers given."""

from __future__ import annotations

import pytest

from bondwell.instruments import ItemProblem, ScoringError, load, risk_flags, score


def _complete(**overrides: object) -> dict[str, object]:
    answers: dict[str, object] = {f"q{n}": 3 for n in range(1, 11)}  # bottom option everywhere: q10 scores 0
    answers.update(overrides)
    return answers


def test_a_missing_answer_is_not_scoreable_and_is_named_with_the_allowed_values():
    answers = _complete()
    del answers["q4"]
    with pytest.raises(ScoringError) as caught:
        score(load("epds"), answers)
    assert caught.value.problems == [ItemProblem("q4", None, (0, 1, 2, 3), "missing")]
    assert "q4" in str(caught.value)
    assert "0, 1, 2, 3" in str(caught.value)


def test_every_bad_item_is_reported_at_once():
    answers = _complete(q2=4, q5=-1, q7="2", q8=True, q9=None)
    with pytest.raises(ScoringError) as caught:
        score(load("epds"), answers)
    problems = {problem.item: problem.reason for problem in caught.value.problems}
    assert problems == {
        "q2": "out of range",
        "q5": "out of range",
        "q7": "not a whole number",
        "q8": "not a whole number",
        "q9": "missing",
    }


def test_answers_for_items_the_instrument_does_not_have_are_refused():
    with pytest.raises(ScoringError) as caught:
        score(load("gad7"), {**{f"q{n}": 0 for n in range(1, 8)}, "q8": 0})
    assert [problem.item for problem in caught.value.problems] == ["q8"]


def test_self_harm_is_raised_from_a_partial_epds_response():
    epds = load("epds")
    assert risk_flags(epds, {"q10": 2}) == {"self_harm"}  # third option scores 1
    assert risk_flags(epds, {"q10": 3}) == frozenset()  # bottom option scores 0
    assert risk_flags(epds, {"q1": 0}) == frozenset()


def test_the_scoring_error_of_a_partial_response_carries_the_flag():
    with pytest.raises(ScoringError) as caught:
        score(load("epds"), {"q10": 0, "q1": 9})
    assert caught.value.flags == {"self_harm"}


def test_phq9_item_9_raises_self_harm_on_its_own():
    phq9 = load("phq9")
    assert risk_flags(phq9, {"q9": 1}) == {"self_harm"}
    assert risk_flags(phq9, {"q9": 0, "q1": 3}) == frozenset()


@pytest.mark.parametrize("profile", ["AU", "UK", "US"])
def test_no_profile_switches_off_the_self_harm_rule(profile):
    for name, item in (("epds", "q10"), ("phq9", "q9")):
        instrument = load(name, profile=profile)
        rules = [rule for rule in instrument.rules if rule.flag == "self_harm"]
        assert [(rule.item, rule.at_least, rule.mandatory) for rule in rules] == [(item, 1, True)]


def test_pbq_infant_harm_fires_on_any_answer_but_never_to_a_harm_item_from_partial_answers():
    pbq = load("pbq")
    # Items 18 and 24 are negatively worded: Always (position 0) scores 5, Never (position 5) scores 0.
    for item in ("q18", "q24"):
        for position in range(5):  # Always .. Rarely
            assert risk_flags(pbq, {item: position}) == {"infant_harm"}, (item, position)
        assert risk_flags(pbq, {item: 5}) == frozenset()  # Never
    assert risk_flags(pbq, {"q24": 3}) == {"infant_harm"}  # "Sometimes"
    assert risk_flags(pbq, {"q18": 5, "q24": 5, "q1": 0}) == frozenset()


def test_numpy_integers_are_accepted_as_answers():
    import numpy as np

    answers = {f"q{n}": np.int64(3) for n in range(1, 11)}
    assert score(load("epds"), answers).total == score(load("epds"), _complete()).total
