"""The routine, the baby's cues and the precautions, read from the reviewed files in content/.

Content is data, not code: the files are reviewed as docs/content-review.md describes, and `load_content`
refuses any file that breaks the rules below (every step has instructions, a duration, a diagram that exists
and sources that are listed in sources.yaml), so a bad edit fails the tests instead of reaching a mother.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).parent / "content"
MAX_STEP_SECONDS = 300


class ContentError(ValueError):
    """A content file breaks a rule; the message names the file and the place."""


@dataclass(frozen=True)
class Source:
    key: str
    citation: str
    url: str
    kind: str


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    seconds: int
    instructions: tuple[str, ...]
    diagram: str
    sources: tuple[str, ...]
    section_key: str
    section_title: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Routine:
    version: str
    title: str
    summary: str
    sections: tuple[Section, ...]
    sources: tuple[str, ...]

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for section in self.sections for step in section.steps)

    @property
    def total_seconds(self) -> int:
        return sum(step.seconds for step in self.steps)


@dataclass(frozen=True)
class CueGroup:
    title: str
    cues: tuple[str, ...]
    what_to_do: str
    note: str


@dataclass(frozen=True)
class SafetyQuestion:
    key: str
    question: str
    if_not: str
    blocks: bool = True  # a "no" ends the session; otherwise its advice is shown and the session goes on


@dataclass(frozen=True)
class Precaution:
    title: str
    text: str


@dataclass(frozen=True)
class Content:
    routine: Routine
    engagement: CueGroup
    disengagement: CueGroup
    cue_sources: tuple[str, ...]
    safety_check: tuple[SafetyQuestion, ...]
    precautions: tuple[Precaution, ...]
    precaution_sources: tuple[str, ...]
    sources: dict[str, Source]

    def diagram_svg(self, step: Step) -> str:
        """The step's SVG with its ids made unique to the step: a page showing every step (the routine, the
        guided session) then has one title and one arrowhead marker per diagram, never a repeated id."""
        svg = (CONTENT_DIR / "diagrams" / step.diagram).read_text(encoding="utf-8")
        return re.sub(r'(id="|url\(#|aria-labelledby=")([a-z]+)([")])', rf"\g<1>\g<2>-{step.key}\g<3>", svg)

    def cited(self, keys: tuple[str, ...]) -> list[Source]:
        return [self.sources[key] for key in keys]


def _read(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ContentError(f"{name}: file missing") from error
    except yaml.YAMLError as error:
        raise ContentError(f"{name}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise ContentError(f"{name}: expected a mapping at the top level")
    return data


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ContentError(f"{where}: expected a mapping")
    return value


def _entries(value: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    """A non-empty list of mappings, each with the place that names it in a message (`where[i]`)."""
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}: must be a non-empty list")
    return [(f"{where}[{i}]", _mapping(item, f"{where}[{i}]")) for i, item in enumerate(value)]


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: must be non-empty text")
    return value.strip()


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}: must be a non-empty list")
    return tuple(_text(item, f"{where}[{i}]") for i, item in enumerate(value))


def _source_keys(value: Any, where: str, sources: dict[str, Source]) -> tuple[str, ...]:
    keys = _texts(value, f"{where}.sources")
    unknown = [key for key in keys if key not in sources]
    if unknown:
        raise ContentError(f"{where}.sources: not in sources.yaml: {', '.join(unknown)}")
    return keys


def _sources(directory: Path) -> dict[str, Source]:
    raw = _read(directory, "sources.yaml")
    sources = {}
    for key, entry in raw.items():
        where = f"sources.yaml:{key}"
        entry = _mapping(entry, where)
        url = entry.get("url") or ""
        if not isinstance(url, str):
            raise ContentError(f"{where}.url: must be text")
        sources[key] = Source(key, _text(entry.get("citation"), f"{where}.citation"), url,
                              _text(entry.get("kind"), f"{where}.kind"))
    return sources


def _step(
    raw: dict[str, Any], where: str, section: tuple[str, str], sources: dict[str, Source], directory: Path
) -> Step:
    key = _text(raw.get("key"), f"{where}.key")
    where = f"{where} ({key})"
    seconds = raw.get("seconds")
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 0 < seconds <= MAX_STEP_SECONDS:
        raise ContentError(f"{where}.seconds: a whole number of seconds from 1 to {MAX_STEP_SECONDS}")
    diagram = _text(raw.get("diagram"), f"{where}.diagram")
    if "/" in diagram or not diagram.endswith(".svg") or not (directory / "diagrams" / diagram).is_file():
        raise ContentError(f"{where}.diagram: no SVG named {diagram!r} in diagrams/")
    return Step(
        key=key,
        title=_text(raw.get("title"), f"{where}.title"),
        seconds=seconds,
        instructions=_texts(raw.get("instructions"), f"{where}.instructions"),
        diagram=diagram,
        sources=_source_keys(raw.get("sources"), where, sources),
        section_key=section[0],
        section_title=section[1],
    )


def _routine(directory: Path, sources: dict[str, Source]) -> Routine:
    raw = _read(directory, "routine.yaml")
    sections = []
    seen: set[str] = set()
    for where, raw_section in _entries(raw.get("sections"), "routine.yaml:sections"):
        key, title = _text(raw_section.get("key"), f"{where}.key"), _text(raw_section.get("title"), f"{where}.title")
        steps = tuple(
            _step(raw_step, step_where, (key, title), sources, directory)
            for step_where, raw_step in _entries(raw_section.get("steps"), f"{where}.steps")
        )
        for step in steps:
            if step.key in seen:
                raise ContentError(f"{where}: step key {step.key!r} used twice")
            seen.add(step.key)
        sections.append(Section(key, title, steps))
    return Routine(
        version=_text(raw.get("version"), "routine.yaml:version"),
        title=_text(raw.get("title"), "routine.yaml:title"),
        summary=_text(raw.get("summary"), "routine.yaml:summary"),
        sections=tuple(sections),
        sources=_source_keys(raw.get("sources"), "routine.yaml", sources),
    )


def _cue_group(raw: Any, where: str) -> CueGroup:
    raw = _mapping(raw, where)
    note = raw.get("note") or ""
    return CueGroup(
        title=_text(raw.get("title"), f"{where}.title"),
        cues=_texts(raw.get("cues"), f"{where}.cues"),
        what_to_do=_text(raw.get("what_to_do"), f"{where}.what_to_do"),
        note=note if isinstance(note, str) else "",
    )


def load_content(directory: Path = CONTENT_DIR) -> Content:
    """Read and validate every content file; raises ContentError naming the first problem found."""
    sources = _sources(directory)
    routine = _routine(directory, sources)
    cues = _read(directory, "cues.yaml")
    precautions = _read(directory, "precautions.yaml")
    check = []
    for where, item in _entries(precautions.get("safety_check"), "precautions.yaml:safety_check"):
        blocks = item.get("blocks", True)
        if not isinstance(blocks, bool):
            raise ContentError(f"{where}.blocks: true or false")
        check.append(SafetyQuestion(_text(item.get("key"), f"{where}.key"),
                                    _text(item.get("question"), f"{where}.question"),
                                    _text(item.get("if_not"), f"{where}.if_not"), blocks))
    listed = [
        Precaution(_text(item.get("title"), f"{where}.title"), _text(item.get("text"), f"{where}.text"))
        for where, item in _entries(precautions.get("precautions"), "precautions.yaml:precautions")
    ]
    return Content(
        routine=routine,
        engagement=_cue_group(cues.get("engagement"), "cues.yaml:engagement"),
        disengagement=_cue_group(cues.get("disengagement"), "cues.yaml:disengagement"),
        cue_sources=_source_keys(cues.get("sources"), "cues.yaml", sources),
        safety_check=tuple(check),
        precautions=tuple(listed),
        precaution_sources=_source_keys(precautions.get("sources"), "precautions.yaml", sources),
        sources=sources,
    )


@cache
def shipped_content() -> Content:
    """The content shipped with Bondwell, read once per process."""
    return load_content()
