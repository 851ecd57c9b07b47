"""The follow-up pathway as data: a step for every band, scale band and flag of every instrument x profile."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bondwell.instruments import available, load, profiles, score
from bondwell.instruments.commands import register
from bondwell.instruments.definitions import _build, _definition_spec
from bondwell.instruments.model import DefinitionError
from bondwell.instruments.pathway import ACTIONS, OWNERS, steps_for

CASES = [(name, profile) for name in available() for profile in profiles()]


def _triggers(instrument):  # type: ignore[no-untyped-def]
    found = {f"band:{band.key}" for band in instrument.bands}
    found |= {f"subscale:{s.key}:{band.key}" for s in instrument.subscales for band in s.bands}
    found |= {f"flag:{rule.flag}" for rule in instrument.rules}
    return found


@pytest.mark.parametrize(("name", "profile"), CASES)
def test_every_band_scale_band_and_flag_has_one_step_with_owner_due_and_source(name, profile):
    instrument = load(name, profile=profile)
    triggers = _triggers(instrument)
    assert triggers, name
    by_trigger = {step.trigger: step for step in instrument.pathway}
    assert set(by_trigger) == triggers
    assert len(instrument.pathway) == len(triggers)
    for trigger in triggers:
        step = instrument.step(trigger)
        assert step.action in ACTIONS
        assert step.owner in OWNERS
        assert step.source.strip()
        assert step.what.strip()
        due = {"repeat_screen": step.repeat_days, "follow_up": step.due_working_days, "immediate": step.due_hours}
        if step.action != "routine":
            assert due[step.action], (trigger, step)


@pytest.mark.parametrize(("name", "profile"), CASES)
def test_every_risk_flag_is_an_immediate_step_owned_by_the_on_call_clinician(name, profile):
    instrument = load(name, profile=profile)
    for rule in instrument.rules:
        step = instrument.step(f"flag:{rule.flag}")
        assert (step.action, step.owner) == ("immediate", "on_call")


@pytest.mark.parametrize(("name", "profile"), CASES)
def test_only_bands_whose_step_is_routine_may_reassure(name, profile):
    instrument = load(name, profile=profile)
    for band in instrument.bands:
        if band.reassuring:
            assert instrument.step(f"band:{band.key}").action == "routine", band.key
        if instrument.step(f"band:{band.key}").action != "routine":
            # A positive band's message never promises what the pathway has not arranged.
            for promise in ("will talk", "will contact", "check in", "someone will"):
                assert promise not in band.mother_message, (band.key, promise)


def test_au_epds_10_to_12_repeats_in_2_to_4_weeks_and_13_or_more_is_further_assessment():
    epds = load("epds", profile="AU")
    assert epds.step("band:possible").action == "repeat_screen"
    assert epds.step("band:possible").repeat_days == (14, 28)
    assert epds.step("band:likely").action == "follow_up"
    assert epds.step("flag:self_harm").action == "immediate"
    assert epds.step("subscale:anxiety:at_or_above_cutoff").action == "follow_up"
    three_a = next(s for s in epds.subscales if s.key == "anxiety")
    assert three_a.bands[1].minimum == 4  # Swalm et al. 2010, as PIRI uses it


@pytest.mark.parametrize(
    ("band", "anxiety", "flags", "expected"),
    [
        ("unlikely", "below_cutoff", [], ["routine", "routine"]),
        ("possible", "below_cutoff", [], ["repeat_screen", "routine"]),
        ("likely", "at_or_above_cutoff", ["self_harm"], ["immediate", "follow_up", "follow_up"]),
        ("unlikely", "below_cutoff", ["self_harm"], ["immediate", "routine", "routine"]),
    ],
)
def test_steps_for_a_result_are_its_band_scale_and_flag_steps_most_urgent_first(band, anxiety, flags, expected):
    epds = load("epds", profile="AU")
    fired = steps_for(epds.pathway, band, {"anxiety": anxiety}, flags)
    assert [step.action for step in fired] == expected
    assert {step.trigger for step in fired} == {f"band:{band}", f"subscale:anxiety:{anxiety}"} | {
        f"flag:{flag}" for flag in flags
    }


def test_a_scored_epds_11_fires_the_repeat_screen_step():
    epds = load("epds", profile="AU")
    # q1, q2 score 0..3 down the page; the rest are reversed (position 3 scores 0).
    answers = {"q1": 2, "q2": 2, "q3": 1, "q4": 1, "q5": 3, "q6": 1, "q7": 2, "q8": 2, "q9": 3, "q10": 3}
    result = score(epds, answers)
    assert result.total == 11
    assert not result.flags
    fired = steps_for(epds.pathway, result.band.key, {k: b.key for k, b in result.subscale_bands.items()}, result.flags)
    assert fired[0].action == "repeat_screen"


def test_a_definition_missing_a_step_is_refused_when_loaded():
    spec = dict(_definition_spec("epds"))
    spec["pathway"] = {"AU": [s for s in spec["pathway"]["AU"] if s["trigger"] != "flag:self_harm"]}
    with pytest.raises(DefinitionError, match="no step for flag:self_harm"):
        _build("epds", spec, "AU")


@pytest.mark.parametrize(
    ("q18", "q24", "flagged"),
    [
        (5, 5, False),  # Never, Never: scale 4 = 0
        (4, 5, True),  # Rarely on having harmed the baby
        (5, 3, True),  # Sometimes on urges to hurt the baby
        (4, 4, True),  # scale 4 = 2, the 2006 cut-off
        (0, 0, True),
    ],
)
def test_bondwell_score_pbq_raises_infant_harm_for_scale_4_of_2_and_any_non_never_harm_answer(
    tmp_path: Path, q18: int, q24: int, flagged: bool
) -> None:
    app = typer.Typer()
    register(app)
    positions = [0] * 25  # Always: warmest on the positive items, coldest on the negative ones
    for positive in (1, 4, 8, 9, 11, 16, 22, 25):
        positions[positive - 1] = 0
    for negative in set(range(1, 26)) - {1, 4, 8, 9, 11, 16, 22, 25}:
        positions[negative - 1] = 5  # Never
    positions[17], positions[23] = q18, q24
    source = tmp_path / "pbq.csv"
    header = "id," + ",".join(f"q{n}" for n in range(1, 26))
    source.write_text(header + "\nm1," + ",".join(map(str, positions)) + "\n")
    result = CliRunner().invoke(app, ["score", "pbq", str(source), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert ('"infant_harm"' in result.stdout) is flagged
    if flagged:
        assert "flagged infant_harm" in result.output


def test_every_step_is_documented_here() -> None:
    """docs/clinical-safety.md shows each step (what happens) and its source, for every instrument x profile."""
    doc = (Path(__file__).parents[2] / "docs" / "clinical-safety.md").read_text(encoding="utf-8")
    missing = [
        (name, profile, step.trigger)
        for name, profile in CASES
        for step in load(name, profile=profile).pathway
        if step.what not in doc or step.source not in doc
    ]
    assert not missing, f"pathway steps missing from docs/clinical-safety.md: {missing}"
