"""The published evidence base shipped as data: `studies.yaml`, loaded into frozen dataclasses.

Pure Python (no Django). Loading validates the file so that a number without a source, a study that is
neither poolable nor says why it is not, or a malformed value fails loudly at start-up and in tests
rather than turning into a wrong pooled estimate on a public page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast, get_args

import yaml

from bondwell.evidence.review.extraction import poolable, reason_problem

STUDIES_FILE = Path(__file__).with_name("studies.yaml")

Design = Literal["rct", "quasi_experimental", "pre_post", "qualitative", "mixed_methods", "other"]
DESIGNS: tuple[str, ...] = get_args(Design)
DESIGN_LABELS: Mapping[str, str] = {
    "rct": "Randomised controlled trial",
    "quasi_experimental": "Quasi-experimental",
    "pre_post": "Pre-post (no control group)",
    "qualitative": "Qualitative",
    "mixed_methods": "Mixed methods",
    "other": "Other",
}
ReviewInclusion = Literal["unverified", "no"]  # issue 14: "stated_in_issue" withdrawn (never checked)
REVIEW_INCLUSIONS: tuple[str, ...] = get_args(ReviewInclusion)

# Numeric fields that must carry a source when they are not null (identifiers such as year/PMID are exempt).
_DOSE_NUMBERS = ("sessions", "weeks", "minutes_per_session", "times_per_day")
_ARM_NUMBERS = ("n", "mean", "sd")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_KEY = re.compile(r"^[a-z0-9_]+$")


class EvidenceDataError(ValueError):
    """The shipped evidence file breaks one of its rules; the message names the study and the field."""


@dataclass(frozen=True)
class Arm:
    """Summary statistics of one arm at one time point; any may be unknown (None)."""

    n: int | None
    mean: float | None
    sd: float | None

    @property
    def complete(self) -> bool:
        return self.n is not None and self.mean is not None and self.sd is not None


@dataclass(frozen=True)
class Dose:
    description: str
    sessions: int | None
    weeks: int | None
    minutes_per_session: int | None
    times_per_day: int | None


@dataclass(frozen=True)
class Outcome:
    """One outcome at one time point, massage arm against the comparator."""

    measure: str
    time_point: str
    primary: bool
    massage: Arm
    control: Arm
    reported_result: str | None
    not_poolable_reason: str | None

    @property
    def poolable(self) -> bool:
        return poolable(self.massage.complete and self.control.complete, self.not_poolable_reason)


@dataclass(frozen=True)
class RiskOfBias:
    geary_2023: str | None
    other: str | None
    note: str | None


@dataclass(frozen=True)
class PublishedStudy:
    key: str
    short: str
    citation: str
    doi: str | None
    pmid: int | None
    url: str | None
    year: int | None
    in_geary_2023: ReviewInclusion
    design: Design
    country: str | None
    population: str
    pnd_definition: str
    dose: Dose
    comparator: str
    n_randomised: int | None
    risk_of_bias: RiskOfBias
    outcomes: tuple[Outcome, ...]
    sources: Mapping[str, str]

    @property
    def primary_outcome(self) -> Outcome:
        return next(o for o in self.outcomes if o.primary)

    @property
    def poolable(self) -> bool:
        """True when the primary outcome has both arms complete (n, mean, SD)."""
        return self.primary_outcome.poolable

    @property
    def link(self) -> str | None:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url


@dataclass(frozen=True)
class Limit:
    text: str
    source: str


@dataclass(frozen=True)
class Review:
    key: str
    citation: str
    doi: str
    pmid: int | None
    n_studies: int
    n_women: int
    search_date: str
    synthesis: str
    included_studies_list_available: bool
    included_studies_note: str
    sources: Mapping[str, str]


@dataclass(frozen=True)
class ExcludedStudy:
    """A study considered for the review and excluded, with the reason and where that was read."""

    key: str
    short: str
    citation: str
    link: str
    year: int | None
    reason: str
    detail: str
    source: str


@dataclass(frozen=True)
class EvidenceBase:
    review: Review
    limits: tuple[Limit, ...]
    studies: tuple[PublishedStudy, ...]
    excluded: tuple[ExcludedStudy, ...] = ()

    @property
    def poolable(self) -> tuple[PublishedStudy, ...]:
        return tuple(s for s in self.studies if s.poolable)

    @property
    def not_poolable(self) -> tuple[PublishedStudy, ...]:
        return tuple(s for s in self.studies if not s.poolable)

    def by_key(self, key: str) -> PublishedStudy:
        for study in self.studies:
            if study.key == key:
                return study
        raise KeyError(key)


@cache
def load_evidence(path: Path = STUDIES_FILE) -> EvidenceBase:
    """Load and validate the evidence file (cached per path; the result is immutable)."""
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return parse_evidence(raw)


def parse_evidence(raw: Any) -> EvidenceBase:
    """Validate a parsed YAML document and build the evidence base; raise EvidenceDataError on any breach."""
    doc = _mapping(raw, "document")
    if doc.get("schema_version") != 1:
        raise EvidenceDataError("document: schema_version must be 1")
    review = _review(_mapping(doc.get("review"), "review"))
    limits = tuple(_limit(item, i) for i, item in enumerate(_list(doc.get("limits"), "limits")))
    studies = tuple(_study(item, i) for i, item in enumerate(_list(doc.get("studies"), "studies")))
    keys = [s.key for s in studies]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise EvidenceDataError(f"studies: duplicate keys {duplicates}")
    excluded = tuple(_excluded(item, i) for i, item in enumerate(doc.get("excluded") or []))
    keys += [e.key for e in excluded]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise EvidenceDataError(f"excluded: keys {duplicates} are used twice")
    return EvidenceBase(review=review, limits=limits, studies=studies, excluded=excluded)


def _excluded(raw: Any, index: int) -> ExcludedStudy:
    where = f"excluded[{index}]"
    item = _mapping(raw, where)
    key = _text(item, "key", where)
    if not _KEY.match(key):
        raise EvidenceDataError(f"{where}.key: {key!r} must be lower-case letters, digits and _")
    doi = _doi(item.get("doi"), where, required=False)
    link = f"https://doi.org/{doi}" if doi else (_optional_text(item.get("url")) or "")
    if not link:
        raise EvidenceDataError(f"{where}: needs a doi or a url")
    return ExcludedStudy(
        key=key, short=_text(item, "short", where), citation=_text(item, "citation", where), link=link,
        year=_int(item.get("year"), f"{where}.year"), reason=_text(item, "reason", where),
        detail=_text(item, "detail", where), source=_text(item, "source", where),
    )  # fmt: skip


def _review(raw: Mapping[str, Any]) -> Review:
    where = "review"
    sources = _sources(raw.get("sources"), where)
    review = Review(
        key=_text(raw, "key", where),
        citation=_text(raw, "citation", where),
        doi=_doi(raw.get("doi"), where, required=True) or "",
        pmid=_int(raw.get("pmid"), f"{where}.pmid"),
        n_studies=_required_int(raw.get("n_studies"), f"{where}.n_studies"),
        n_women=_required_int(raw.get("n_women"), f"{where}.n_women"),
        search_date=_text(raw, "search_date", where),
        synthesis=_text(raw, "synthesis", where),
        included_studies_list_available=bool(raw.get("included_studies_list_available")),
        included_studies_note=_text(raw, "included_studies_note", where),
        sources=sources,
    )
    for name in ("n_studies", "n_women"):
        if name not in sources:
            raise EvidenceDataError(f"{where}.{name}: a number without a source")
    return review


def _limit(raw: Any, index: int) -> Limit:
    where = f"limits[{index}]"
    item = _mapping(raw, where)
    return Limit(text=_text(item, "text", where), source=_text(item, "source", where))


def _study(raw: Any, index: int) -> PublishedStudy:
    item = _mapping(raw, f"studies[{index}]")
    key = _text(item, "key", f"studies[{index}]")
    if not _KEY.match(key):
        raise EvidenceDataError(f"studies[{index}].key: {key!r} must be lower-case letters, digits and _")
    where = f"study {key}"
    design = _text(item, "design", where)
    if design not in DESIGNS:
        raise EvidenceDataError(f"{where}.design: {design!r} is not one of {list(DESIGNS)}")
    inclusion = str(item.get("in_geary_2023"))
    if inclusion not in REVIEW_INCLUSIONS:
        allowed = list(REVIEW_INCLUSIONS)
        raise EvidenceDataError(f"{where}.in_geary_2023: {inclusion!r} is not one of {allowed}")
    dose_raw = _mapping(item.get("dose"), f"{where}.dose")
    dose = Dose(
        description=_text(dose_raw, "description", f"{where}.dose"),
        **{name: _positive_int(dose_raw.get(name), f"{where}.dose.{name}") for name in _DOSE_NUMBERS},
    )
    rob = _mapping(item.get("risk_of_bias"), f"{where}.risk_of_bias")
    raw_outcomes = _list(item.get("outcomes"), f"{where}.outcomes")
    outcomes = tuple(_outcome(o, f"{where}.outcomes[{i}]") for i, o in enumerate(raw_outcomes))
    if sum(o.primary for o in outcomes) != 1:
        raise EvidenceDataError(f"{where}.outcomes: exactly one outcome must be primary")
    study = PublishedStudy(
        key=key,
        short=_text(item, "short", where),
        citation=_text(item, "citation", where),
        doi=_doi(item.get("doi"), where, required=False),
        pmid=_int(item.get("pmid"), f"{where}.pmid"),
        url=_optional_text(item.get("url")),
        year=_int(item.get("year"), f"{where}.year"),
        in_geary_2023=cast(ReviewInclusion, inclusion),
        design=cast(Design, design),
        country=_optional_text(item.get("country")),
        population=_text(item, "population", where),
        pnd_definition=_text(item, "pnd_definition", where),
        dose=dose,
        comparator=_text(item, "comparator", where),
        n_randomised=_positive_int(item.get("n_randomised"), f"{where}.n_randomised"),
        risk_of_bias=RiskOfBias(
            geary_2023=_optional_text(rob.get("geary_2023")),
            other=_optional_text(rob.get("other")),
            note=_optional_text(rob.get("note")),
        ),
        outcomes=outcomes,
        sources=_sources(item.get("sources"), where),
    )
    if study.doi is None and study.url is None:
        raise EvidenceDataError(f"{where}: needs a doi or a url")
    _check_sources(study, where)
    return study


def _outcome(raw: Any, where: str) -> Outcome:
    item = _mapping(raw, where)
    outcome = Outcome(
        measure=_text(item, "measure", where),
        time_point=_text(item, "time_point", where),
        primary=bool(item.get("primary")),
        massage=_arm(item.get("massage"), f"{where}.massage"),
        control=_arm(item.get("control"), f"{where}.control"),
        reported_result=_optional_text(item.get("reported_result")),
        not_poolable_reason=_optional_text(item.get("not_poolable_reason")),
    )
    problem = reason_problem(outcome.massage.complete and outcome.control.complete, outcome.not_poolable_reason)
    if problem:
        raise EvidenceDataError(f"{where}.not_poolable_reason: {problem}")
    return outcome


def _arm(raw: Any, where: str) -> Arm:
    item = _mapping(raw, where)
    n = _positive_int(item.get("n"), f"{where}.n")
    if n is not None and n < 2:
        raise EvidenceDataError(f"{where}.n: an arm needs at least 2 people")
    sd = _float(item.get("sd"), f"{where}.sd")
    if sd is not None and sd <= 0:
        raise EvidenceDataError(f"{where}.sd: must be positive")
    return Arm(n=n, mean=_float(item.get("mean"), f"{where}.mean"), sd=sd)


def _check_sources(study: PublishedStudy, where: str) -> None:
    """Every non-null number needs a source; every source must name a real field."""
    numbers: dict[str, object] = {"n_randomised": study.n_randomised}
    numbers.update({f"dose.{name}": getattr(study.dose, name) for name in _DOSE_NUMBERS})
    for i, outcome in enumerate(study.outcomes):
        for arm_name in ("massage", "control"):
            arm = getattr(outcome, arm_name)
            numbers.update({f"outcomes.{i}.{arm_name}.{f}": getattr(arm, f) for f in _ARM_NUMBERS})
    for path, value in numbers.items():
        if value is not None and path not in study.sources:
            raise EvidenceDataError(f"{where}.{path}: the number {value} has no source")
    known = set(numbers) | {"year", "pmid", "doi", "country", "risk_of_bias.other", "risk_of_bias.geary_2023"}
    unknown = sorted(set(study.sources) - known)
    if unknown:
        raise EvidenceDataError(f"{where}.sources: {unknown} name no field of the study")


# --- small typed readers -------------------------------------------------------------------------------


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise EvidenceDataError(f"{where}: expected a mapping")
    return cast(Mapping[str, Any], raw)


def _list(raw: Any, where: str) -> list[Any]:
    if not isinstance(raw, list) or not raw:
        raise EvidenceDataError(f"{where}: expected a non-empty list")
    return raw


def _text(raw: Mapping[str, Any], name: str, where: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise EvidenceDataError(f"{where}.{name}: expected non-empty text")
    return value.strip()


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _sources(raw: Any, where: str) -> Mapping[str, str]:
    if raw is None:
        return {}
    items = _mapping(raw, f"{where}.sources")
    for key, value in items.items():
        if not isinstance(value, str) or not value.strip():
            raise EvidenceDataError(f"{where}.sources.{key}: expected non-empty text")
    return {str(k): str(v).strip() for k, v in items.items()}


def _doi(value: Any, where: str, *, required: bool) -> str | None:
    if value is None:
        if required:
            raise EvidenceDataError(f"{where}.doi: required")
        return None
    text = str(value).strip()
    if not _DOI.match(text):
        raise EvidenceDataError(f"{where}.doi: {text!r} is not a DOI (10.xxxx/...)")
    return text


def _int(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EvidenceDataError(f"{where}: expected a whole number, got {value!r}")
    return int(value)


def _required_int(value: Any, where: str) -> int:
    number = _int(value, where)
    if number is None:
        raise EvidenceDataError(f"{where}: required")
    return number


def _positive_int(value: Any, where: str) -> int | None:
    number = _int(value, where)
    if number is not None and number <= 0:
        raise EvidenceDataError(f"{where}: must be positive")
    return number


def _float(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise EvidenceDataError(f"{where}: expected a finite number, got {value!r}")
    return float(value)
