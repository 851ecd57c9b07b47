"""Load instrument definitions (one YAML file each) and combine them with a guideline profile and a text pack.

A definition is checked thoroughly when it is loaded, so scoring never meets an inconsistent one: items are
q1..qN in order, every option has a score, bands cover every possible total without gaps or overlaps, and
every rule names an item or subscale that exists.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bondwell.instruments.model import (
    Band,
    DefinitionError,
    Instrument,
    Item,
    Licence,
    Option,
    RiskRule,
    Subscale,
)
from bondwell.instruments.pathway import expected_triggers, parse_steps
from bondwell.instruments.textpacks import TextPack, read_installed_pack

DEFAULT_PROFILE = "AU"
TEXT_DIR_ENV = "BONDWELL_TEXT_DIR"  # the variable the CLI's --text-dir falls back to (read by typer)
WORDING_STATES = ("included", "licensed-text-pack", "pending")


def default_text_dir() -> Path:
    """Where installed text packs live when no folder is given: `var/text-packs` under the working directory.

    This pure core reads no configuration: the web app passes `settings.BONDWELL_TEXT_DIR` (from
    `$BONDWELL_TEXT_DIR`), and the CLI its `--text-dir` option, whose default typer takes from `$BONDWELL_TEXT_DIR`.
    """
    return Path.cwd() / "var" / "text-packs"


def available() -> list[str]:
    """Names of the shipped instrument definitions."""
    folder = resources.files("bondwell.instruments").joinpath("definitions")
    names = (entry.name for entry in folder.iterdir())
    return sorted(name.removesuffix(".yaml") for name in names if name.endswith(".yaml"))


def profiles() -> dict[str, str]:
    """Guideline profile codes and their titles."""
    return {code: str(spec["title"]) for code, spec in _profiles_spec().items()}


def load(name: str, *, profile: str = DEFAULT_PROFILE, text_dir: Path | None = None) -> Instrument:
    """The instrument `name` with the bands of `profile` and, when installed, the wording of its text pack."""
    if name not in available():
        raise KeyError(f"unknown instrument {name!r}; available: {', '.join(available())}")
    if profile not in _profiles_spec():
        raise KeyError(f"unknown profile {profile!r}; available: {', '.join(sorted(_profiles_spec()))}")
    structure = load_structure(name, profile)
    pack = read_installed_pack(text_dir or default_text_dir(), structure)
    return pack.apply(structure) if pack is not None else structure


@functools.cache
def load_structure(name: str, profile: str = DEFAULT_PROFILE) -> Instrument:
    """The definition as shipped (no text pack); cached because definitions never change at run time."""
    return _build(name, _definition_spec(name), profile)


@functools.cache
def _definition_spec(name: str) -> dict[str, Any]:
    path = resources.files("bondwell.instruments").joinpath("definitions", f"{name}.yaml")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(spec, dict) or spec.get("name") != name:
        raise DefinitionError(f"{name}.yaml must be a mapping whose `name` is {name!r}")
    return spec


@functools.cache
def _profiles_spec() -> dict[str, dict[str, Any]]:
    path = resources.files("bondwell.instruments").joinpath("profiles.yaml")
    loaded: dict[str, dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _build(name: str, spec: dict[str, Any], profile: str) -> Instrument:
    wording = spec["wording"]
    if wording not in WORDING_STATES:
        raise DefinitionError(f"{name}: wording must be one of {WORDING_STATES}, not {wording!r}")
    items = tuple(_item(name, number, raw, spec) for number, raw in enumerate(spec["items"], start=1))
    if wording != "included" and any(item.text for item in items):
        raise DefinitionError(f"{name}: wording is {wording!r}, so no item may carry text")
    keys = {item.key for item in items}
    subscales = tuple(_subscale(name, raw, keys, profile) for raw in spec.get("subscales", []))
    max_total = sum(max(option.score for option in item.options) for item in items)
    total_bands = _for_profile(name, spec["bands"], profile)
    bands = _bands(name, "total", total_bands, 0, max_total, default_source=None)
    subscale_keys = {subscale.key for subscale in subscales}
    rules = tuple(_rule(name, raw, keys, subscale_keys) for raw in spec.get("safety_rules", []))
    wanted = expected_triggers(
        (band.key for band in bands),
        {s.key: [band.key for band in s.bands] for s in subscales if s.bands},
        {rule.flag for rule in rules},
    )
    if "pathway" not in spec:
        raise DefinitionError(f"{name}: needs a pathway (a step for every band and flag)")
    pathway = parse_steps(name, profile, _for_profile(name, spec["pathway"], profile), wanted)
    loinc = spec.get("loinc") or {}
    licence = spec["licence"]
    return Instrument(
        name=name,
        title=spec["title"],
        version=str(spec["version"]),
        language=spec["language"],
        recall_period=spec["recall_period"],
        citation=spec["citation"],
        instructions_theme=spec["instructions_theme"],
        instructions=spec.get("instructions"),
        licence=Licence(
            holder=licence["holder"],
            terms=licence["terms"],
            source=licence["source"],
            wording_distributable=bool(licence["wording_distributable"]),
        ),
        items=items,
        subscales=subscales,
        bands=bands,
        rules=rules,
        profile=profile,
        profile_title=profiles()[profile],
        wording_installed=wording == "included",
        wording_status=wording,
        wording_source=licence["source"] if wording == "included" else None,
        loinc_panel=loinc.get("panel"),
        loinc_total=loinc.get("total"),
        pathway=pathway,
    )


def _item(name: str, number: int, raw: dict[str, Any], spec: dict[str, Any]) -> Item:
    key = raw["key"]
    if key != f"q{number}":
        raise DefinitionError(f"{name}: item {number} must have key q{number}, not {key!r}")
    scores = raw["scores"]
    labels = raw.get("options") or spec.get("option_labels") or [None] * len(scores)
    if spec["wording"] != "included" and "options" in raw:
        labels = [None] * len(scores)
    if len(labels) != len(scores) or len(scores) < 2:
        raise DefinitionError(f"{name}.{key}: needs at least two options, each with a score")
    if any(not isinstance(score, int) or score < 0 for score in scores):
        raise DefinitionError(f"{name}.{key}: option scores must be whole numbers >= 0")
    options = tuple(
        Option(position=position, score=score, label=label)
        for position, (score, label) in enumerate(zip(scores, labels, strict=True))
    )
    return Item(
        key=key,
        number=number,
        theme=raw["theme"],
        text=raw.get("text"),
        options=options,
        loinc=raw.get("loinc"),
    )


def _subscale(name: str, raw: dict[str, Any], keys: set[str], profile: str) -> Subscale:
    unknown = [key for key in raw["items"] if key not in keys]
    if unknown:
        raise DefinitionError(f"{name}: subscale {raw['key']} names unknown items {unknown}")
    bands: tuple[Band, ...] = ()
    if "bands" in raw:
        # Subscale maxima depend on the items' scores; computed here from the definition, not typed by hand.
        maximum = _sum_of_max(name, raw["items"])
        spec_bands = _for_profile(name, raw["bands"], profile)
        bands = _bands(name, raw["key"], spec_bands, 0, maximum, default_source=raw.get("source"))
    return Subscale(key=raw["key"], title=raw["title"], items=tuple(raw["items"]), bands=bands)


def _sum_of_max(name: str, item_keys: list[str]) -> int:
    spec = _definition_spec(name)
    by_key = {raw["key"]: raw for raw in spec["items"]}
    return sum(max(by_key[key]["scores"]) for key in item_keys)


def _for_profile(name: str, by_profile: dict[str, Any], profile: str) -> list[dict[str, Any]]:
    chosen = by_profile.get(profile, by_profile.get("default"))
    if chosen is None:
        raise DefinitionError(f"{name}: no bands for profile {profile} and no default bands")
    return list(chosen)


def _bands(
    name: str, what: str, raw_bands: list[dict[str, Any]], low: int, high: int, default_source: str | None
) -> tuple[Band, ...]:
    bands = tuple(
        Band(
            key=raw["key"],
            minimum=int(raw["range"][0]),
            maximum=int(raw["range"][1]),
            label=raw["label"],
            mother_message=raw.get("mother_message", ""),
            clinician_action=raw.get("clinician_action", ""),
            urgent=bool(raw.get("urgent", False)),
            source=raw.get("source", default_source or ""),
            reassuring=bool(raw.get("reassuring", False)),
        )
        for raw in raw_bands
    )
    expected = low
    for band in bands:
        if band.minimum != expected or band.maximum < band.minimum:
            raise DefinitionError(f"{name} {what}: bands must run without gaps from {low}; see {band.key}")
        if not band.source:
            raise DefinitionError(f"{name} {what}: band {band.key} needs a source")
        expected = band.maximum + 1
    if expected != high + 1:
        raise DefinitionError(f"{name} {what}: bands end at {expected - 1} but the maximum is {high}")
    return bands


def _rule(name: str, raw: dict[str, Any], keys: set[str], subscale_keys: set[str]) -> RiskRule:
    item, subscale = raw.get("item"), raw.get("subscale")
    if (item is None) == (subscale is None):
        raise DefinitionError(f"{name}: rule {raw['flag']} needs exactly one of item or subscale")
    if item is not None and item not in keys:
        raise DefinitionError(f"{name}: rule {raw['flag']} names unknown item {item}")
    if subscale is not None and subscale not in subscale_keys:
        raise DefinitionError(f"{name}: rule {raw['flag']} names unknown subscale {subscale}")
    at_least = int(raw["at_least"])
    if at_least < 1:
        raise DefinitionError(f"{name}: rule {raw['flag']} must need a score of at least 1")
    return RiskRule(
        flag=raw["flag"],
        at_least=at_least,
        reason=raw["reason"],
        item=item,
        subscale=subscale,
        mandatory=True,
    )


__all__ = ["DEFAULT_PROFILE", "TEXT_DIR_ENV", "TextPack", "available", "default_text_dir", "load", "profiles"]
