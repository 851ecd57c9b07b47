"""RoB 2: every combination of signalling answers in every domain, against the tool's criteria in words.

The module follows the decision diagrams; this test restates the published criteria for each judgement
(RoB 2 guidance, 22 August 2019: "Low risk of bias if ...", "High risk of bias if ...", otherwise "Some
concerns") as independent predicates, and checks that both agree on all combinations.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

import pytest

from bondwell.evidence.review import rob2
from bondwell.evidence.review.answers import NA, NI, NO, YES, RobError

J = rob2.Judgement
A = Mapping[str, str]


def _yes(a: A, q: str) -> bool:
    return a[q] in YES


def _no(a: A, q: str) -> bool:
    return a[q] in NO


def d1(a: A) -> J:
    if _no(a, "1.2") or (a["1.2"] == NI and _yes(a, "1.3")):
        return J.HIGH
    if _yes(a, "1.2") and not _no(a, "1.1") and not _yes(a, "1.3"):
        return J.LOW
    return J.SOME_CONCERNS


def d2(a: A) -> J:
    unaware = _no(a, "2.1") and _no(a, "2.2")
    part1_low = unaware or _no(a, "2.3") or a["2.3"] == NA
    part1_high = (not part1_low and _yes(a, "2.3") and (_yes(a, "2.4") or a["2.4"] == NI)
                  and (_no(a, "2.5") or a["2.5"] == NI))  # fmt: skip
    part2_low = _yes(a, "2.6")
    part2_high = not part2_low and (_yes(a, "2.7") or a["2.7"] == NI)
    if part1_high or part2_high:
        return J.HIGH
    if part1_low and part2_low:
        return J.LOW
    return J.SOME_CONCERNS


def d3(a: A) -> J:
    if _yes(a, "3.1") or _yes(a, "3.2") or _no(a, "3.3") or a["3.3"] == NA:
        return J.LOW
    if _yes(a, "3.4") or a["3.4"] == NI:
        return J.HIGH
    return J.SOME_CONCERNS


def d4(a: A) -> J:
    if _yes(a, "4.1") or _yes(a, "4.2"):
        return J.HIGH
    influenced_likely = (not (_no(a, "4.3") or a["4.3"] == NA) and not (_no(a, "4.4") or a["4.4"] == NA)
                         and not (_no(a, "4.5") or a["4.5"] == NA))  # fmt: skip
    if influenced_likely:
        return J.HIGH
    not_influenced = _no(a, "4.3") or a["4.3"] == NA or _no(a, "4.4") or a["4.4"] == NA
    if _no(a, "4.2") and not_influenced:
        return J.LOW
    return J.SOME_CONCERNS


def d5(a: A) -> J:
    if _yes(a, "5.2") or _yes(a, "5.3"):
        return J.HIGH
    if _yes(a, "5.1") and _no(a, "5.2") and _no(a, "5.3"):
        return J.LOW
    return J.SOME_CONCERNS


CRITERIA: dict[str, Callable[[A], J]] = {"D1": d1, "D2": d2, "D3": d3, "D4": d4, "D5": d5}


@pytest.mark.parametrize("domain", rob2.DOMAINS, ids=lambda d: d.id)
def test_every_combination_of_answers_gives_the_published_judgement(domain: rob2.Domain) -> None:
    ids = [q.id for q in domain.questions]
    combinations = 0
    for answers in itertools.product(*(q.options for q in domain.questions)):
        given = dict(zip(ids, answers, strict=True))
        assert rob2.judge_domain(domain.id, given) == CRITERIA[domain.id](given), given
        combinations += 1
    expected = 1
    for q in domain.questions:
        expected *= len(q.options)
    assert combinations == expected


@pytest.mark.parametrize(
    ("domains", "overall"),
    [
        ({"D1": J.LOW, "D2": J.LOW, "D3": J.LOW, "D4": J.LOW, "D5": J.LOW}, J.LOW),
        ({"D1": J.LOW, "D2": J.SOME_CONCERNS, "D3": J.LOW, "D4": J.LOW, "D5": J.LOW}, J.SOME_CONCERNS),
        ({"D1": J.SOME_CONCERNS, "D2": J.HIGH, "D3": J.LOW, "D4": J.LOW, "D5": J.LOW}, J.HIGH),
    ],
)
def test_overall_is_the_worst_domain(domains: dict[str, J], overall: J) -> None:
    assert rob2.worst(list(domains.values())) == overall


def test_a_missing_answer_is_named() -> None:
    with pytest.raises(RobError, match=r"Question 1\.2"):
        rob2.judge_domain("D1", {"1.1": "Y", "1.3": "N"})
