"""RoB 2 for individually randomised parallel-group trials, effect of assignment to the intervention.

Sterne JAC et al. RoB 2: a revised tool for assessing risk of bias in randomised trials. BMJ 2019;366:l4898,
and its full guidance (Higgins et al., riskofbias.info, version of 22 August 2019); Cochrane Handbook chapter 8.
Each domain's judgement follows the tool's published algorithm (decision diagram) from the answers to its
signalling questions; the overall judgement is the worst domain (low only when every domain is low). The
questions are paraphrased here; assessors should read the official wording and guidance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from bondwell.evidence.review.answers import BASIC, NA, NI, NO, YES, RobError


class Judgement(StrEnum):
    LOW = "low"
    SOME_CONCERNS = "some_concerns"
    HIGH = "high"


# Where the tool's diagram draws one arrow for "N/PN/NA" (NA: a conditional question left unasked).
NO_OR_NA = NO | {NA}

LABELS = {Judgement.LOW: _("Low risk"), Judgement.SOME_CONCERNS: _("Some concerns"), Judgement.HIGH: _("High risk")}
_ORDER = (Judgement.LOW, Judgement.SOME_CONCERNS, Judgement.HIGH)


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    conditional: bool = False  # asked only after certain answers; otherwise answered "NA"

    @property
    def options(self) -> tuple[str, ...]:
        return (*BASIC, NA) if self.conditional else BASIC


Answers = Mapping[str, str]


def _d1(a: Answers) -> Judgement:
    concealed, random_seq, imbalance = a["1.2"], a["1.1"], a["1.3"]
    if concealed in NO:
        return Judgement.HIGH
    if concealed in YES:
        if random_seq in NO:
            return Judgement.SOME_CONCERNS
        return Judgement.SOME_CONCERNS if imbalance in YES else Judgement.LOW
    # 1.2 no information
    return Judgement.HIGH if imbalance in YES else Judgement.SOME_CONCERNS


def _d2(a: Answers) -> Judgement:
    # Part 1 (2.1-2.5): deviations arising because of the trial context.
    if (a["2.1"] in NO and a["2.2"] in NO) or a["2.3"] in NO_OR_NA:
        part1 = Judgement.LOW
    elif a["2.3"] == NI or a["2.4"] in NO_OR_NA or a["2.5"] in YES or a["2.5"] == NA:
        part1 = Judgement.SOME_CONCERNS
    else:
        part1 = Judgement.HIGH
    # Part 2 (2.6-2.7): the analysis used to estimate the effect of assignment.
    if a["2.6"] in YES:
        part2 = Judgement.LOW
    elif a["2.7"] in NO_OR_NA:
        part2 = Judgement.SOME_CONCERNS
    else:
        part2 = Judgement.HIGH
    return worst((part1, part2))


def _d3(a: Answers) -> Judgement:
    if a["3.1"] in YES or a["3.2"] in YES or a["3.3"] in NO_OR_NA:
        return Judgement.LOW
    if a["3.4"] in NO_OR_NA:
        return Judgement.SOME_CONCERNS
    return Judgement.HIGH


def _d4(a: Answers) -> Judgement:
    if a["4.1"] in YES or a["4.2"] in YES:
        return Judgement.HIGH
    # 4.2 answered "no information" moves the lowest reachable judgement from low to some concerns.
    floor = Judgement.LOW if a["4.2"] in NO else Judgement.SOME_CONCERNS
    if a["4.3"] in NO_OR_NA or a["4.4"] in NO_OR_NA:
        return floor
    if a["4.5"] in NO_OR_NA:
        return Judgement.SOME_CONCERNS
    return Judgement.HIGH


def _d5(a: Answers) -> Judgement:
    if a["5.2"] in YES or a["5.3"] in YES:
        return Judgement.HIGH
    if a["5.2"] in NO and a["5.3"] in NO:
        return Judgement.LOW if a["5.1"] in YES else Judgement.SOME_CONCERNS
    return Judgement.SOME_CONCERNS


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    questions: tuple[Question, ...]
    rule: Callable[[Answers], Judgement]


DOMAINS: tuple[Domain, ...] = (
    Domain("D1", "Randomisation process", (
        Question("1.1", "Was the allocation sequence random?"),
        Question("1.2", "Was the allocation sequence concealed until participants were enrolled and assigned?"),
        Question("1.3", "Did baseline differences between groups suggest a problem with randomisation?"),
    ), _d1),
    Domain("D2", "Deviations from intended interventions", (
        Question("2.1", "Were participants aware of their assigned intervention during the trial?"),
        Question("2.2", "Were carers and people delivering the interventions aware of the assignment?"),
        Question("2.3", "Were there deviations from the intended intervention that arose because of the trial "
                        "context?", conditional=True),
        Question("2.4", "Were these deviations likely to have affected the outcome?", conditional=True),
        Question("2.5", "Were these deviations balanced between groups?", conditional=True),
        Question("2.6", "Was an appropriate analysis used to estimate the effect of assignment?"),
        Question("2.7", "Was there potential for a substantial impact of analysing participants outside their "
                        "randomised group?", conditional=True),
    ), _d2),
    Domain("D3", "Missing outcome data", (
        Question("3.1", "Were outcome data available for all, or nearly all, participants randomised?"),
        Question("3.2", "Is there evidence that the result was not biased by missing outcome data?",
                 conditional=True),
        Question("3.3", "Could missingness in the outcome depend on its true value?", conditional=True),
        Question("3.4", "Is it likely that missingness in the outcome depended on its true value?",
                 conditional=True),
    ), _d3),
    Domain("D4", "Measurement of the outcome", (
        Question("4.1", "Was the method of measuring the outcome inappropriate?"),
        Question("4.2", "Could measurement of the outcome have differed between groups?"),
        Question("4.3", "Were outcome assessors aware of the intervention received?", conditional=True),
        Question("4.4", "Could assessment of the outcome have been influenced by that knowledge?", conditional=True),
        Question("4.5", "Is it likely that it was influenced by that knowledge?", conditional=True),
    ), _d4),
    Domain("D5", "Selection of the reported result", (
        Question("5.1", "Was the result analysed as pre-specified in a plan finalised before unblinded data were "
                        "available?"),
        Question("5.2", "Was the result likely selected from multiple eligible outcome measurements?"),
        Question("5.3", "Was the result likely selected from multiple eligible analyses of the data?"),
    ), _d5),
)  # fmt: skip
QUESTIONS = {q.id: q for d in DOMAINS for q in d.questions}


def worst(judgements: tuple[Judgement, ...] | list[Judgement]) -> Judgement:
    return max(judgements, key=_ORDER.index)


def _complete(domain: Domain, answers: Answers) -> dict[str, str]:
    filled = {}
    for q in domain.questions:
        value = answers.get(q.id) or (NA if q.conditional else "")
        if value not in q.options:
            allowed = ", ".join(q.options)
            raise RobError(f"Question {q.id}: answer {value or '(none)'!r} is not one of {allowed}.")
        filled[q.id] = value
    return filled


def judge_domain(domain_id: str, answers: Answers) -> Judgement:
    domain = next(d for d in DOMAINS if d.id == domain_id)
    return domain.rule(_complete(domain, answers))


@dataclass(frozen=True)
class Assessment:
    domains: dict[str, Judgement]
    overall: Judgement


def assess(answers: Answers) -> Assessment:
    """Every domain's judgement and the overall one (the worst domain)."""
    domains = {d.id: judge_domain(d.id, answers) for d in DOMAINS}
    return Assessment(domains, worst(list(domains.values())))
