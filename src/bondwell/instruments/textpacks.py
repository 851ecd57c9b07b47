"""Licensed wording, installed separately from the definitions.

Some wording may not be distributed by Bondwell (the EPDS is copyright of the Royal College of
Psychiatrists) and some is pending verification (PBQ). A deployment that holds the wording installs it as a
text pack: a YAML file that gives, for every item in order, its text and its options in printed order, each
with the score that the licensed scoring key gives it. The pack is refused unless it matches the definition
exactly, so a pack can change what the mother reads but never how she is scored.

Pack format::

    instrument: epds
    language: en
    source: Royal College of Psychiatrists, licence ref ...
    instructions: optional preamble as printed
    items:
      - key: q1
        text: ...
        options:
          - {label: ..., score: 0}
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bondwell.instruments.model import Instrument, Item, Option, TextPackError


@dataclass(frozen=True)
class PackItem:
    key: str
    text: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class TextPack:
    instrument: str
    language: str
    source: str
    instructions: str | None
    items: tuple[PackItem, ...]

    def apply(self, structure: Instrument) -> Instrument:
        by_key = {item.key: item for item in self.items}
        items = tuple(_with_wording(item, by_key[item.key]) for item in structure.items)
        return dataclasses.replace(
            structure,
            items=items,
            language=self.language,
            instructions=self.instructions or structure.instructions,
            wording_installed=True,
            wording_source=self.source,
        )


def _with_wording(item: Item, pack_item: PackItem) -> Item:
    options = tuple(
        Option(position=option.position, score=option.score, label=label)
        for option, label in zip(item.options, pack_item.labels, strict=True)
    )
    return dataclasses.replace(item, text=pack_item.text, options=options)


def parse_pack(path: Path, structure: Instrument) -> TextPack:
    """Read and check a pack against `structure`; every mismatch is listed in one TextPackError."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TextPackError(f"cannot read text pack {path}: {error}") from error
    if not isinstance(raw, dict):
        raise TextPackError(f"text pack {path} must be a YAML mapping")
    problems = _problems(raw, structure)
    if problems:
        listed = "\n  - ".join(problems)
        raise TextPackError(f"text pack {path} does not match the {structure.name} definition:\n  - {listed}")
    return TextPack(
        instrument=raw["instrument"],
        language=str(raw["language"]),
        source=str(raw["source"]),
        instructions=raw.get("instructions"),
        items=tuple(
            PackItem(key=i["key"], text=i["text"], labels=tuple(str(o["label"]) for o in i["options"]))
            for i in raw["items"]
        ),
    )


def _problems(raw: dict[str, Any], structure: Instrument) -> list[str]:
    problems: list[str] = []
    if raw.get("instrument") != structure.name:
        problems.append(f"instrument is {raw.get('instrument')!r}, expected {structure.name!r}")
    for field in ("language", "source"):
        if not raw.get(field):
            problems.append(f"`{field}` is required")
    items = raw.get("items")
    if not isinstance(items, list):
        return [*problems, "`items` must be a list"]
    keys = [item.get("key") if isinstance(item, dict) else None for item in items]
    if keys != list(structure.item_keys):
        problems.append(f"items must be {', '.join(structure.item_keys)} in this order; the pack has {keys}")
        return problems
    for item, expected in zip(items, structure.items, strict=True):
        problems.extend(_item_problems(item, expected))
    return problems


def _item_problems(item: dict[str, Any], expected: Item) -> list[str]:
    problems: list[str] = []
    if not isinstance(item.get("text"), str) or not item["text"].strip():
        problems.append(f"{expected.key}: `text` is required")
    options = item.get("options")
    if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
        return [*problems, f"{expected.key}: `options` must be a list of {{label, score}}"]
    if len(options) != len(expected.options):
        problems.append(f"{expected.key}: {len(options)} options, the definition has {len(expected.options)}")
        return problems
    scores = [option.get("score") for option in options]
    expected_scores = [option.score for option in expected.options]
    if scores != expected_scores:
        problems.append(
            f"{expected.key}: option scores are {scores}; the definition has {expected_scores}"
        )
    if any(not isinstance(option.get("label"), str) or not option["label"].strip() for option in options):
        problems.append(f"{expected.key}: every option needs a label")
    return problems


def pack_path(text_dir: Path, name: str) -> Path:
    return text_dir / f"{name}.yaml"


def read_installed_pack(text_dir: Path, structure: Instrument) -> TextPack | None:
    path = pack_path(text_dir, structure.name)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    # The web app loads instruments per request: re-read a pack only when the file changes.
    return _parse_cached(path, stat.st_mtime_ns, stat.st_size, structure)


@functools.lru_cache(maxsize=64)
def _parse_cached(path: Path, mtime_ns: int, size: int, structure: Instrument) -> TextPack:
    return parse_pack(path, structure)


def install_pack(source: Path, structure: Instrument, text_dir: Path) -> Path:
    """Validate `source` and copy it into `text_dir` atomically; a refused pack leaves nothing behind."""
    parse_pack(source, structure)
    text_dir.mkdir(parents=True, exist_ok=True)
    target = pack_path(text_dir, structure.name)
    handle, temporary = tempfile.mkstemp(dir=text_dir, prefix=f".{structure.name}-", suffix=".yaml")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(source.read_bytes())
        os.chmod(temporary, 0o640)  # licensed wording: readable by the service, not by every local user
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
