"""What follows a screen: one pathway step for every band, subscale band and risk flag of every instrument, per
guideline profile. Pure data read from each definition's `pathway:` section; no Django import.

A step says what happens (`action`), who owns it (`owner`), by when (`repeat_days` / `due_working_days` /
`due_hours`) and where that comes from (`source`). The Django app (`bondwell.pathway`) turns the steps a result
triggers into follow-up records; this module only decides which steps those are.

Actions, from least to most urgent:
- `routine`: nothing beyond routine care; no follow-up record.
- `repeat_screen`: ask her to answer the questionnaire again between `repeat_days[0]` and `repeat_days[1]` days.
- `follow_up`: a further assessment by a clinician within `due_working_days` of the site's working days.
- `immediate`: an immediate risk assessment (a risk alert is raised as well), within `due_hours`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bondwell.instruments.model import DefinitionError

ACTIONS = ("routine", "repeat_screen", "follow_up", "immediate")
OWNERS = {
    "care_team": "The site's clinicians (care team)",
    "on_call": "The clinician on call for risk alerts",
}


@dataclass(frozen=True)
class PathwayStep:
    trigger: str  # "band:<key>", "subscale:<key>:<band key>" or "flag:<flag>"
    action: str
    what: str  # what the clinician does, in the guideline's terms
    owner: str  # a key of OWNERS
    source: str
    repeat_days: tuple[int, int] | None = None
    due_working_days: int | None = None
    due_hours: int | None = None
    actions: tuple[str, ...] = ()  # named actions the owner must consider (e.g. a safeguarding referral)

    @property
    def creates_follow_up(self) -> bool:
        return self.action != "routine"

    @property
    def owner_label(self) -> str:
        return OWNERS[self.owner]

    @property
    def due_text(self) -> str:
        """When, in the clinician's words (the mother's sentence is built from the site's hours)."""
        if self.repeat_days is not None:
            low, high = self.repeat_days
            return f"repeat questionnaire in {low // 7} to {high // 7} weeks"
        if self.due_working_days is not None:
            return f"within {self.due_working_days} working day{'s' if self.due_working_days != 1 else ''}"
        if self.due_hours is not None:
            return f"immediately (within {self.due_hours} hours)"
        return "at the next scheduled contact"


def triggers_of(band_key: str | None, subscale_bands: Mapping[str, str], flags: Iterable[str]) -> list[str]:
    """The pathway triggers a result fires: its total band, each subscale band and each flag."""
    found = [f"band:{band_key}"] if band_key else []
    found += [f"subscale:{scale}:{band}" for scale, band in sorted(subscale_bands.items())]
    found += [f"flag:{flag}" for flag in sorted(flags)]
    return found


def steps_for(
    steps: Iterable[PathwayStep], band_key: str | None, subscale_bands: Mapping[str, str], flags: Iterable[str]
) -> list[PathwayStep]:
    """The steps a result triggers, most urgent first (routine steps included)."""
    by_trigger = {step.trigger: step for step in steps}
    fired = [by_trigger[t] for t in triggers_of(band_key, subscale_bands, flags) if t in by_trigger]
    return sorted(fired, key=lambda step: -ACTIONS.index(step.action))


def expected_triggers(
    band_keys: Iterable[str], subscale_band_keys: Mapping[str, Iterable[str]], flags: Iterable[str]
) -> set[str]:
    """Every trigger an instrument can fire: each one needs exactly one step."""
    wanted = {f"band:{key}" for key in band_keys}
    wanted |= {f"subscale:{scale}:{band}" for scale, bands in subscale_band_keys.items() for band in bands}
    wanted |= {f"flag:{flag}" for flag in flags}
    return wanted


def parse_steps(name: str, profile: str, raw_steps: list[dict[str, Any]], wanted: set[str]) -> tuple[PathwayStep, ...]:
    """Check and build the steps of one instrument and profile; every trigger in `wanted` needs one step."""
    steps = tuple(_step(name, profile, raw) for raw in raw_steps)
    seen = [step.trigger for step in steps]
    duplicated = sorted({t for t in seen if seen.count(t) > 1})
    if duplicated:
        raise DefinitionError(f"{name} pathway ({profile}): more than one step for {', '.join(duplicated)}")
    missing = sorted(wanted - set(seen))
    if missing:
        raise DefinitionError(f"{name} pathway ({profile}): no step for {', '.join(missing)}")
    unknown = sorted(set(seen) - wanted)
    if unknown:
        raise DefinitionError(f"{name} pathway ({profile}): steps for unknown {', '.join(unknown)}")
    return steps


def _step(name: str, profile: str, raw: dict[str, Any]) -> PathwayStep:
    where = f"{name} pathway ({profile}) {raw.get('trigger')}"
    action = raw.get("action")
    if action not in ACTIONS:
        raise DefinitionError(f"{where}: action must be one of {', '.join(ACTIONS)}, not {action!r}")
    owner = raw.get("owner", "care_team")
    if owner not in OWNERS:
        raise DefinitionError(f"{where}: owner must be one of {', '.join(OWNERS)}, not {owner!r}")
    if not raw.get("source") or not raw.get("what"):
        raise DefinitionError(f"{where}: needs `what` and a `source`")
    repeat = raw.get("repeat_days")
    repeat_days = (int(repeat[0]), int(repeat[1])) if repeat else None
    working = raw.get("due_working_days")
    hours = raw.get("due_hours")
    needed = {"repeat_screen": repeat_days, "follow_up": working, "immediate": hours}
    if action in needed and needed[action] is None:
        field = {"repeat_screen": "repeat_days", "follow_up": "due_working_days", "immediate": "due_hours"}[action]
        raise DefinitionError(f"{where}: a {action} step needs {field}")
    if repeat_days is not None and not 0 < repeat_days[0] <= repeat_days[1]:
        raise DefinitionError(f"{where}: repeat_days must be [earliest, latest] with 0 < earliest <= latest")
    return PathwayStep(
        trigger=str(raw["trigger"]),
        action=str(action),
        what=" ".join(str(raw["what"]).split()),
        owner=str(owner),
        source=" ".join(str(raw["source"]).split()),
        repeat_days=repeat_days,
        due_working_days=int(working) if working is not None else None,
        due_hours=int(hours) if hours is not None else None,
        actions=tuple(str(a) for a in raw.get("actions", ())),
    )
