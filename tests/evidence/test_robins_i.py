"""ROBINS-I V2: every combination of signalling answers in every domain.

Every combination must give a judgement, except where the V2 diagram leaves it to the assessor (then None,
and the page asks the reviewer). Domains 5 and 6 are also checked against their criteria restated in words;
for the larger domains the test walks every combination of answer classes (Y and PY lead the same way, as do
N and PN, which the first test checks on the full product of the smaller domains).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest

from bondwell.evidence.review import robins_i as r
from bondwell.evidence.review.answers import NI, PN, PY, SY, WY, N, RobError, Y

J = r.Judgement
SMALL = ("D1", "D2", "D5", "D6")


def _combinations(domain: str, collapse: bool) -> list[dict[str, str]]:
    questions = r.DOMAIN_QUESTIONS[domain]
    options = []
    for q in questions:
        opts = r.OPTIONS[q]
        if collapse:
            opts = tuple(dict.fromkeys({PY: Y, PN: N}.get(o, o) for o in opts))
        options.append(opts)
    return [dict(zip(questions, combo, strict=True)) for combo in itertools.product(*options)]


@pytest.mark.parametrize("domain", SMALL)
def test_probably_yes_and_probably_no_lead_where_yes_and_no_do(domain: str) -> None:
    for answers in _combinations(domain, collapse=False):
        plain = {q: {PY: Y, PN: N}.get(a, a) for q, a in answers.items()}
        assert r.judge_domain(domain, answers) == r.judge_domain(domain, plain), answers


# Where the V2 diagram as transcribed has no branch (the assessor decides): domain 2, when 2.1 and 2.2 are
# not yes, 2.3 is yes or no information, and 2.4 is a weak yes or no information.
def _assessor_decides(domain: str, a: Mapping[str, str]) -> bool:
    return (domain == "D2" and a["2.1"] not in (Y, PY) and a["2.2"] not in (Y, PY)
            and a["2.3"] in (SY, WY, NI) and a["2.4"] in (WY, NI))  # fmt: skip


@pytest.mark.parametrize("domain", list(r.DOMAIN_NAMES))
def test_every_combination_has_a_judgement_or_asks_the_assessor(domain: str) -> None:
    seen = set()
    for answers in _combinations(domain, collapse=True):
        judged = r.judge_domain(domain, answers)
        if _assessor_decides(domain, answers):
            assert judged is None, answers
        else:
            assert judged is not None, answers
            seen.add(judged)
    assert J.LOW in seen or J.LOW_EXCEPT_CONFOUNDING in seen


def d5(a: Mapping[str, str]) -> J:
    """Measurement of the outcome, as V2 words it: serious if measurement could differ between groups."""
    if a["5.1"] in (Y, PY):
        return J.SERIOUS
    base = J.LOW if a["5.1"] in (N, PN) else J.MODERATE
    if a["5.2"] in (N, PN):
        return base
    if a["5.3"] == SY:
        return J.SERIOUS
    if a["5.3"] in (N, PN):
        return base
    return J.MODERATE


def d6(a: Mapping[str, str]) -> J:
    if a["6.1"] in (Y, PY):
        return J.LOW
    selected = [a[q] in (Y, PY) for q in ("6.2", "6.3", "6.4")]
    no_info = [a[q] == NI for q in ("6.2", "6.3", "6.4")]
    if sum(selected) >= 2:
        return J.CRITICAL
    if sum(selected) == 1 or all(no_info):
        return J.SERIOUS
    return J.MODERATE if any(no_info) else J.LOW


@pytest.mark.parametrize(("domain", "criteria"), [("D5", d5), ("D6", d6)])
def test_domains_five_and_six_follow_their_criteria(domain: str, criteria: object) -> None:
    for answers in _combinations(domain, collapse=False):
        assert r.judge_domain(domain, answers) == criteria(answers), answers  # type: ignore[operator]


def test_overall_is_the_most_severe_domain_and_waits_for_the_assessor() -> None:
    answers = {"1.1": Y, "1.3": N, "1.2": Y, "1.4": N, "2.1": Y, "2.4": N, "2.5": N, "3.1": Y, "3.2": N, "3.3": N,
               "4.1": Y, "4.2": Y, "4.3": Y, "5.1": N, "5.2": N, "6.1": N, "6.2": Y, "6.3": N, "6.4": N}  # fmt: skip
    result = r.assess(answers)
    assert result.domains["D1"] == J.LOW_EXCEPT_CONFOUNDING
    assert result.domains["D6"] == J.SERIOUS
    assert result.overall == J.SERIOUS
    gap = {**answers, "2.1": N, "2.2": N, "2.3": WY, "2.4": WY}
    assert r.assess(gap).overall is None
    assert r.assess(gap, {"D2": "moderate"}).overall == J.SERIOUS


def test_a_missing_answer_is_named() -> None:
    with pytest.raises(RobError, match=r"Question 1\.4"):
        r.judge_domain("D1", {"1.1": "SN"})


def test_no_branch_tells_yes_from_probably_yes_or_no_from_probably_no() -> None:
    """Why walking answer classes covers every combination: in every tree, Y and PY (and N and PN) always share a
    branch, and the table-coded domains (4.1-4.3, 6.x) test them as sets."""

    def visit(tree: r.Tree) -> None:
        if isinstance(tree, r.Node):
            for allowed, then in tree.branches:
                assert (Y in allowed) == (PY in allowed), (tree.question, allowed)
                assert (N in allowed) == (PN in allowed), (tree.question, allowed)
                visit(then)

    for tree in (r.D1, r.D2, r.D3_A, r.D3_B, r.D3_CORRECTION, r.D4_MISSING, r.D5):
        visit(tree)
