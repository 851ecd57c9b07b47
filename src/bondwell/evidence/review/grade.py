"""GRADE certainty of the evidence for the main outcome, with the reasons in words.

GRADE (Guyatt et al., J Clin Epidemiol 2011 series: 4 risk of bias, 6 imprecision, 7 inconsistency,
8 indirectness, 5 publication bias) as summarised in Cochrane Handbook chapter 14. The body of
evidence starts at high certainty when it comes from randomised trials, and at low when any pooled study is
non-randomised (chapter 14). GRADE leaves each rating to judgement; the rules below are Bondwell's stated
operationalisation, so that the same data always give the same rating and the reason is printed with it:

- risk of bias: down one level when more than half of the weight comes from studies judged "some concerns"
  or "high" (RoB 2) / "moderate" or worse (ROBINS-I) or not judged; down two when more than half comes from
  studies at high (RoB 2) or serious/critical (ROBINS-I) risk;
- inconsistency: down one when I² is 50% or more, two when 75% or more (Handbook 10.10.2 bands); not
  assessable with one study;
- indirectness: not rated down automatically (eligibility already requires mothers with postnatal depression
  and the EPDS); the review team records it in words;
- imprecision: down one when the 95% interval includes no effect, or when fewer than 400 women are pooled
  (the rule-of-thumb optimal information size for continuous outcomes, GRADE 6); down two when both;
- publication bias: not assessable with fewer than 10 studies (Handbook chapter 13); not rated down.

The certainty levels, the starting point, the domain names and the reasons come back translated (gettext with
named placeholders); `Rating.certainty` keeps the English level for code that compares it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

LEVELS = ("very low", "low", "moderate", "high")
LEVEL_WORDS = {"very low": gettext_lazy("very low"), "low": gettext_lazy("low"), "moderate": gettext_lazy("moderate"),
               "high": gettext_lazy("high")}  # fmt: skip
OPTIMAL_INFORMATION_SIZE = 400
FUNNEL_MINIMUM = 10
NOT_LOW = {"some_concerns", "high", "moderate", "serious", "critical", "low_except_confounding"}
HIGH = {"high", "serious", "critical"}


@dataclass(frozen=True)
class Domain:
    name: str
    down: int
    reason: str


@dataclass(frozen=True)
class Rating:
    start: str
    domains: tuple[Domain, ...]
    certainty: str

    @property
    def certainty_text(self) -> str:
        return str(LEVEL_WORDS[self.certainty])

    @property
    def summary(self) -> str:
        downs = [_("%(domain)s (−%(down)s)") % {"domain": d.name, "down": d.down} for d in self.domains if d.down]
        values = {"certainty": capfirst(self.certainty_text), "start": self.start, "downs": ", ".join(downs)}
        if downs:
            return _("%(certainty)s certainty: started %(start)s; rated down for %(downs)s.") % values
        return _("%(certainty)s certainty: started %(start)s; not rated down.") % values


def rate(analysis: Mapping[str, Any], studies: Sequence[Mapping[str, Any]]) -> Rating | None:
    """The rating of the main analysis, or None when no study has complete numbers."""
    effects = analysis.get("studies") or []
    if not effects:
        return None
    by_key = {s["key"]: s for s in studies}
    pooled = [by_key[e["key"]] for e in effects]
    randomised = all(s.get("design") == "rct" for s in pooled)
    start = _("high (randomised trials)") if randomised else _("low (includes non-randomised studies)")
    level = 3 if randomised else 1
    domains = (_risk_of_bias(effects, by_key), _inconsistency(analysis), _indirectness(pooled),
               _imprecision(analysis, effects), _publication_bias(len(effects)))  # fmt: skip
    level = max(0, level - sum(d.down for d in domains))
    return Rating(start, domains, LEVELS[level])


def _risk_of_bias(effects: Sequence[Mapping[str, Any]], by_key: Mapping[str, Mapping[str, Any]]) -> Domain:
    concern = high = 0.0
    for e in effects:
        overall = (by_key[e["key"]].get("rob") or {}).get("overall")
        weight = float(e["weight"])
        if overall is None or overall in NOT_LOW:
            concern += weight
        if overall in HIGH:
            high += weight
    name = _("risk of bias")
    if high > 50:
        return Domain(name, 2, _("%(share)s%% of the weight is from studies at high risk of bias.")
                      % {"share": f"{high:.0f}"})  # fmt: skip
    if concern > 50:
        return Domain(name, 1, _("%(share)s%% of the weight is from studies with concerns about "
                                 "bias or not yet judged.") % {"share": f"{concern:.0f}"})  # fmt: skip
    return Domain(name, 0, _("Most of the weight is from studies at low risk of bias."))


def _inconsistency(a: Mapping[str, Any]) -> Domain:
    name = _("inconsistency")
    if int(a["k"]) < 2:
        return Domain(name, 0, _("Cannot be judged from one study."))
    i2 = {"i2": f"{float(a['i2']):.0f}"}
    if float(a["i2"]) >= 75:
        return Domain(name, 2, _("I² = %(i2)s%%: the studies disagree considerably.") % i2)
    if float(a["i2"]) >= 50:
        return Domain(name, 1, _("I² = %(i2)s%%: the studies disagree substantially.") % i2)
    return Domain(name, 0, _("I² = %(i2)s%%.") % i2)


def _indirectness(pooled: Sequence[Mapping[str, Any]]) -> Domain:
    comparators = sorted({str(s.get("comparator") or _("not stated")) for s in pooled})
    if len(comparators) > 1:
        against = _("comparators differ (%(comparators)s), which the review team weighs in words") % {
            "comparators": "; ".join(comparators)}  # fmt: skip
    else:
        against = _("comparator: %(comparator)s") % {"comparator": comparators[0]}
    return Domain(_("indirectness"), 0, _("Eligibility requires mothers with postnatal depression and the EPDS; "
                                          "%(against)s.") % {"against": against})  # fmt: skip


def _imprecision(a: Mapping[str, Any], effects: Sequence[Mapping[str, Any]]) -> Domain:
    if int(a["k"]) >= 2:
        low, high = float(a["ci_low"]), float(a["ci_high"])
    else:
        low, high = float(effects[0]["ci_low"]), float(effects[0]["ci_high"])
    women = int(a["women"])
    reasons = []
    if low <= 0 <= high:
        reasons.append(_("the 95% interval includes no effect"))
    if women < OPTIMAL_INFORMATION_SIZE:
        reasons.append(_("only %(women)s women (fewer than %(size)s)") % {"women": women,
                                                                          "size": OPTIMAL_INFORMATION_SIZE})
    if not reasons:
        return Domain(_("imprecision"), 0, _("%(women)s women; the 95%% interval excludes no effect.")
                      % {"women": women})  # fmt: skip
    return Domain(_("imprecision"), len(reasons), _("%(reasons)s.") % {"reasons": capfirst("; ".join(reasons))})


def _publication_bias(k: int) -> Domain:
    name = _("publication bias")
    if k < FUNNEL_MINIMUM:
        return Domain(name, 0, ngettext("Not assessable with %(k)s study (funnel-plot tests need at least %(min)s).",
                                        "Not assessable with %(k)s studies (funnel-plot tests need at least %(min)s).",
                                        k) % {"k": k, "min": FUNNEL_MINIMUM})  # fmt: skip
    return Domain(name, 0, _("Not rated down; see the funnel plot."))
