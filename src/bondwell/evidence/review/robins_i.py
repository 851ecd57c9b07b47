"""ROBINS-I version 2 for non-randomised studies of interventions, effect of assignment (follow-up studies).

Sterne JAC et al. ROBINS-I. BMJ 2016;355:i4919; ROBINS-I V2 (riskofbias.info, which adds algorithms mapping
signalling answers to domain judgements); Cochrane Handbook chapter 25. V2 is still marked as a draft by its
authors, and we could not read its official algorithm document: the trees follow a public transcription of the
V2 diagrams (the open-source appraisal tool CoRATES) and must be checked against the official one.

Each domain below is the V2 decision diagram written as a tree: a node asks one question and each set of
answers leads to another node or a judgement. Where the diagram leaves a
combination to the assessor, the tree has no branch and `judge_domain` returns None: the page then asks the
reviewer for their own judgement instead of inventing one. Questions are paraphrased.

Answers: Y, PY, PN, N, NI, and V2's strong/weak forms SY, WY (yes) and SN, WN (no) where the tool uses them.
The overall judgement is the most severe domain judgement (Sterne 2016, table 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Union

from django.utils.translation import gettext_lazy as _

from bondwell.evidence.review.answers import NI, PN, PY, SN, SY, WN, WY, N, RobError, Y


class Judgement(StrEnum):
    LOW = "low"
    LOW_EXCEPT_CONFOUNDING = "low_except_confounding"
    MODERATE = "moderate"
    SERIOUS = "serious"
    CRITICAL = "critical"


LABELS = {
    Judgement.LOW: _("Low risk"),
    Judgement.LOW_EXCEPT_CONFOUNDING: _("Low risk except for uncontrolled confounding"),
    Judgement.MODERATE: _("Moderate risk"),
    Judgement.SERIOUS: _("Serious risk"),
    Judgement.CRITICAL: _("Critical risk"),
}
_ORDER = tuple(Judgement)
L, LEC, M, S, C = (Judgement.LOW, Judgement.LOW_EXCEPT_CONFOUNDING, Judgement.MODERATE, Judgement.SERIOUS,
                   Judgement.CRITICAL)  # fmt: skip

YES_ = frozenset({Y, PY})
NO_ = frozenset({N, PN})


@dataclass(frozen=True)
class Node:
    question: str
    branches: tuple[tuple[frozenset[str], Tree], ...]


Tree = Union[Node, Judgement]  # noqa: UP007 (a recursive alias needs Union at runtime)


def ask(question: str, *branches: tuple[set[str] | frozenset[str], Tree]) -> Node:
    return Node(question, tuple((frozenset(answers), then) for answers, then in branches))


def _then(no: Judgement, yes: Judgement, question: str) -> Node:
    return ask(question, (NO_, no), (YES_, yes))


# Domain 1 (confounding), variant A: effect of assignment.
_d1_controlled = ask(
    "1.3", (YES_, _then(S, C, "1.4")), (NO_ | {NI}, ask("1.2", ({SN, NI}, S), (YES_ | {WN}, _then(LEC, M, "1.4"))))
)
D1 = ask("1.1", ({SN, NI}, _then(S, C, "1.4")), (YES_ | {WN}, _d1_controlled))

# Domain 2 (classification of interventions).
_d2_q4 = ask(
    "2.4",
    ({SY}, ask("2.5", (NO_, S), (YES_ | {NI}, C))),
    ({WY, NI}, ask("2.5", (NO_, M), (YES_ | {NI}, S))),
    (NO_, ask("2.5", (NO_, L), (YES_ | {NI}, M))),
)
_d2_q3 = ask(
    "2.3",
    (NO_, ask("2.4", ({SY, WY, NI}, C), (NO_, ask("2.5", (NO_, S), (YES_ | {NI}, C))))),
    (
        {SY, WY, NI},
        ask("2.4", ({SY}, ask("2.5", (NO_, S), (YES_ | {NI}, C))), (NO_, ask("2.5", (NO_, M), (YES_ | {NI}, S)))),
    ),
)
D2 = ask("2.1", (YES_, _d2_q4), (NO_ | {NI}, ask("2.2", (YES_, _d2_q4), (NO_ | {NI}, _d2_q3))))

# Domain 3 (selection of participants): part A (3.1-3.2) and part B (3.3-3.5), then 3.6-3.8 when either is serious.
D3_A = ask("3.1", ({SN}, S), ({WN, NI}, M), (YES_, ask("3.2", (NO_ | {NI}, L), (YES_, M))))
D3_B = ask(
    "3.3", (NO_, L), ({NI}, M), (YES_, ask("3.4", (NO_, L), ({NI}, M), (YES_, ask("3.5", (NO_ | {NI}, M), (YES_, S)))))
)
D3_CORRECTION = ask(
    "3.6", (YES_, M), (NO_ | {NI}, ask("3.7", (YES_, M), (NO_ | {NI}, ask("3.8", (NO_ | {NI}, S), (YES_, C)))))
)


# Domain 4 (missing data).
def _d4_severity(question: str, moderate_ok: Judgement, moderate_not: Judgement) -> Node:
    return ask(question, (YES_, moderate_ok), (NO_, moderate_not))


_d4_weak = _d4_severity("4.11", M, S)
_d4_strong = _d4_severity("4.11", S, C)
_d4_complete_case = ask(
    "4.5", (NO_, L), (YES_ | {NI}, ask("4.6", (YES_, _d4_weak), ({WN, NI}, _d4_weak), ({SN}, _d4_strong)))
)
_d4_imputation = ask(
    "4.8", (YES_, ask("4.9", (YES_, L), ({WN, NI}, _d4_weak), ({SN}, _d4_strong))), (NO_ | {NI}, _d4_weak)
)
_d4_other = ask(
    "4.7", (YES_, _d4_imputation), (NO_ | {NI}, ask("4.10", (YES_, L), ({WN, NI}, _d4_weak), ({SN}, _d4_strong)))
)
D4_MISSING = ask("4.4", (YES_ | {NI}, _d4_complete_case), (NO_, _d4_other))

# Domain 5 (measurement of the outcome).
_d5_aware = ask("5.3", (NO_, L), ({WY, NI}, M), ({SY}, S))
D5 = ask(
    "5.1",
    (YES_, S),
    (NO_, ask("5.2", (NO_, L), (YES_ | {NI}, _d5_aware))),
    ({NI}, ask("5.2", (NO_, M), (YES_ | {NI}, ask("5.3", ({WY, N, PN, NI}, M), ({SY}, S))))),
)

QUESTION_TEXT: Mapping[str, str] = {
    "1.1": "Did the authors control for all the important confounding factors?",
    "1.2": "Were the confounding factors controlled for measured validly and reliably?",
    "1.3": "Did the authors control for variables that the intervention could have affected?",
    "1.4": "Did negative controls or other considerations suggest serious uncontrolled confounding?",
    "2.1": "Was intervention status classified from information recorded at the start of the intervention?",
    "2.2": "Was intervention status otherwise determined without knowledge of the outcome?",
    "2.3": "Could classification of intervention status have been affected by knowledge of the outcome?",
    "2.4": "Was there misclassification of intervention status?",
    "2.5": "Was any misclassification likely to be related to the outcome or its risk?",
    "3.1": "Did follow-up begin at the start of the intervention for every participant?",
    "3.2": "Were there early outcome events that the analysis left out?",
    "3.3": "Was selection into the study based on characteristics observed after the start of the intervention?",
    "3.4": "Were those characteristics associated with the intervention?",
    "3.5": "Were they also influenced by the outcome or a cause of it?",
    "3.6": "Did the analysis correct for the selection?",
    "3.7": "Do sensitivity analyses show that the selection made little difference?",
    "3.8": "Was the selection bias likely to be severe?",
    "4.1": "Were complete data on the intervention available for all, or nearly all, participants?",
    "4.2": "Were complete data on the outcome available for all, or nearly all, participants?",
    "4.3": "Were complete data on confounders available for all, or nearly all, participants?",
    "4.4": "Was the analysis restricted to participants with complete data (complete-case)?",
    "4.5": "Could exclusion of participants with missing data be related to their true outcome?",
    "4.6": "Is the result robust to the presence of missing data (complete-case analysis)?",
    "4.7": "Was missing data handled by imputation?",
    "4.8": "Were the imputation assumptions (missing at random) reasonable?",
    "4.9": "Was the imputation model appropriate?",
    "4.10": "Was another appropriate method used to correct for missing data?",
    "4.11": "Is there evidence that the result was not biased by missing data?",
    "5.1": "Could the method of measuring the outcome have differed between groups?",
    "5.2": "Were outcome assessors aware of the intervention received?",
    "5.3": "Could assessment of the outcome have been influenced by that knowledge?",
    "6.1": "Was the result reported as planned in a protocol or analysis plan finalised before the results?",
    "6.2": "Was the result likely selected from multiple outcome measurements?",
    "6.3": "Was the result likely selected from multiple analyses?",
    "6.4": "Was the result likely selected from multiple subgroups?",
}
DOMAIN_NAMES: Mapping[str, str] = {
    "D1": "Confounding", "D2": "Classification of interventions", "D3": "Selection of participants",
    "D4": "Missing data", "D5": "Measurement of the outcome", "D6": "Selection of the reported result",
}  # fmt: skip
DOMAIN_QUESTIONS: Mapping[str, tuple[str, ...]] = {
    d: tuple(q for q in QUESTION_TEXT if q.startswith(d[1] + ".")) for d in DOMAIN_NAMES
}


def _options() -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}

    def visit(tree: Tree) -> None:
        if isinstance(tree, Node):
            for allowed, then in tree.branches:
                found.setdefault(tree.question, set()).update(allowed)
                visit(then)

    for tree in (D1, D2, D3_A, D3_B, D3_CORRECTION, D4_MISSING, D5):
        visit(tree)
    basic = {Y, PY, PN, N, NI}
    for q in ("4.1", "4.2", "4.3", "6.1", "6.2", "6.3", "6.4"):
        found[q] = basic
    order = (Y, PY, SY, WY, WN, SN, PN, N, NI)
    return {q: tuple(a for a in order if a in found[q]) for q in QUESTION_TEXT}


def walk(tree: Tree, answers: Mapping[str, str]) -> Judgement | None:
    """Follow the answers down the tree; None where the diagram leaves the judgement to the assessor."""
    while isinstance(tree, Node):
        answer = answers.get(tree.question)
        if not answer:
            raise RobError(f"Question {tree.question} needs an answer.")
        for allowed, then in tree.branches:
            if answer in allowed:
                tree = then
                break
        else:
            return None
    return tree


OPTIONS: Mapping[str, tuple[str, ...]] = _options()


def worst(judgements: list[Judgement]) -> Judgement:
    return max(judgements, key=_ORDER.index)


_PART_ORDER = (L, M, S)


def _d3(answers: Mapping[str, str]) -> Judgement | None:
    part_a, part_b = walk(D3_A, answers), walk(D3_B, answers)
    if part_a is None or part_b is None:
        return None
    if part_a == L and part_b == L:
        return L
    if worst([part_a, part_b]) == M:
        return M
    return walk(D3_CORRECTION, answers)


def _d6(answers: Mapping[str, str]) -> Judgement | None:
    first = answers.get("6.1")
    if not first:
        raise RobError("Question 6.1 needs an answer.")
    if first in YES_:
        return L
    selection = []
    for q in ("6.2", "6.3", "6.4"):
        if not answers.get(q):
            raise RobError(f"Question {q} needs an answer.")
        selection.append(answers[q])
    yes = sum(a in YES_ for a in selection)
    if all(a in NO_ for a in selection):
        return L
    if yes == 0 and all(a == NI for a in selection):
        return S
    if yes == 0:
        return M
    return S if yes == 1 else C


def _d4(answers: Mapping[str, str]) -> Judgement | None:
    complete = []
    for q in ("4.1", "4.2", "4.3"):
        if not answers.get(q):
            raise RobError(f"Question {q} needs an answer.")
        complete.append(answers[q] in YES_)
    return L if all(complete) else walk(D4_MISSING, answers)


def judge_domain(domain_id: str, answers: Mapping[str, str]) -> Judgement | None:
    trees: dict[str, Tree] = {"D1": D1, "D2": D2, "D5": D5}
    if domain_id == "D3":
        return _d3(answers)
    if domain_id == "D4":
        return _d4(answers)
    if domain_id == "D6":
        return _d6(answers)
    return walk(trees[domain_id], answers)


@dataclass(frozen=True)
class Assessment:
    domains: dict[str, Judgement | None]
    overall: Judgement | None


def assess(answers: Mapping[str, str], assessor: Mapping[str, str] | None = None) -> Assessment:
    """Each domain's judgement (the assessor's own where the diagram leaves it open) and the overall one."""
    domains: dict[str, Judgement | None] = {}
    for domain in DOMAIN_NAMES:
        judged = judge_domain(domain, answers)
        if judged is None and assessor and assessor.get(domain):
            judged = Judgement(assessor[domain])
        domains[domain] = judged
    known = [j for j in domains.values() if j is not None]
    overall = worst(known) if len(known) == len(domains) else None
    return Assessment(domains, overall)
