"""The vocabulary of the instruments package: definitions, scores and the errors they raise.

Everything here is immutable: a loaded `Instrument` is shared by the web app, the API (REST, FHIR, REDCap
import) and the CLI, and none of them may change how another one scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bondwell.instruments.pathway import PathwayStep


@dataclass(frozen=True)
class Option:
    """One printed answer option. `position` is its place on the form, 0 being the top option."""

    position: int
    score: int
    label: str | None  # None while the licensed wording is not installed


@dataclass(frozen=True)
class Item:
    key: str  # "q1" .. "qN"
    number: int
    theme: str  # a short description in Bondwell's own words, never the licensed wording
    text: str | None  # the exact published wording, None while not installed
    options: tuple[Option, ...]
    loinc: str | None = None

    @property
    def allowed_positions(self) -> tuple[int, ...]:
        return tuple(option.position for option in self.options)

    def score_of(self, position: int) -> int:
        return self.options[position].score


@dataclass(frozen=True)
class Subscale:
    key: str
    title: str
    items: tuple[str, ...]
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class Band:
    """A range of scores and what it means. Never a diagnosis: labels describe a screening result."""

    key: str
    minimum: int
    maximum: int
    label: str
    mother_message: str
    clinician_action: str
    urgent: bool
    source: str
    # Its mother_message tells her all is well: never shown while a flag, alert or follow-up is open.
    reassuring: bool = False

    def contains(self, value: int) -> bool:
        return self.minimum <= value <= self.maximum


@dataclass(frozen=True)
class RiskRule:
    """Raise `flag` when the score of `item` (or the sum of `subscale`) reaches `at_least`.

    Rules marked `mandatory` come from the instrument definition and no guideline profile can remove them.
    """

    flag: str
    at_least: int
    reason: str
    item: str | None = None
    subscale: str | None = None
    mandatory: bool = True


@dataclass(frozen=True)
class Licence:
    holder: str
    terms: str
    source: str
    wording_distributable: bool


@dataclass(frozen=True)
class Instrument:
    name: str
    title: str
    version: str
    language: str
    recall_period: str
    citation: str
    instructions_theme: str
    licence: Licence
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...]
    bands: tuple[Band, ...]
    rules: tuple[RiskRule, ...]
    profile: str
    profile_title: str
    wording_installed: bool
    wording_status: str  # "included", "licensed-text-pack" or "pending"
    wording_source: str | None
    loinc_panel: str | None
    loinc_total: str | None
    instructions: str | None = None  # the printed preamble, when the wording is installed
    pathway: tuple[PathwayStep, ...] = ()  # what follows each band, subscale band and flag (this profile)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    @property
    def max_total(self) -> int:
        return sum(max(option.score for option in item.options) for item in self.items)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def band_for(self, total: int) -> Band:
        return _band_for(self.bands, total)

    def step(self, trigger: str) -> PathwayStep:
        for step in self.pathway:
            if step.trigger == trigger:
                return step
        raise KeyError(trigger)

    @property
    def reassuring_messages(self) -> tuple[str, ...]:
        """Every band text that tells her all is well (total and subscale bands)."""
        bands = [*self.bands, *(band for subscale in self.subscales for band in subscale.bands)]
        return tuple(band.mother_message for band in bands if band.reassuring and band.mother_message)


def _band_for(bands: tuple[Band, ...], value: int) -> Band:
    for band in bands:
        if band.contains(value):
            return band
    raise ValueError(f"no band covers {value}")  # definitions are checked for full coverage when loaded


@dataclass(frozen=True)
class Score:
    instrument: str
    definition_version: str
    profile: str
    total: int
    subscales: dict[str, int]
    band: Band
    flags: frozenset[str]
    subscale_bands: dict[str, Band] = field(default_factory=dict)

    def as_row(self) -> dict[str, object]:
        """The shape used by the CLI and exports: id-less row of plain values."""
        return {
            "total": self.total,
            "subscales": dict(self.subscales),
            "band": self.band.key,
            "flags": sorted(self.flags),
        }


@dataclass(frozen=True)
class ItemProblem:
    item: str
    value: object
    allowed: tuple[int, ...]
    reason: str  # "missing", "out of range" or "not a whole number"

    def describe(self) -> str:
        allowed = ", ".join(str(value) for value in self.allowed)
        shown = "(empty)" if self.reason == "missing" else repr(self.value)
        return f"{self.item}: {shown} is {self.reason}; allowed values are {allowed}"


class ScoringError(ValueError):
    """A response that cannot be scored.

    `.problems` names every bad item; `.flags` holds any risk flag the valid answers already raise.
    """

    def __init__(self, instrument: str, problems: list[ItemProblem], flags: frozenset[str] = frozenset()):
        self.instrument = instrument
        self.problems = problems
        self.flags = flags
        details = "; ".join(problem.describe() for problem in problems)
        super().__init__(f"{instrument} response cannot be scored: {details}")


class TextPackError(ValueError):
    """A text pack that does not match its instrument definition, or cannot be read."""


class DefinitionError(ValueError):
    """An inconsistent instrument definition (caught when it is loaded, never at scoring time)."""


AnswerMap = Mapping[str, object]
