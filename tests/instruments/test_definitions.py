"""The shipped definitions: structure, licences, profiles, and the checks that refuse a broken definition."""

from __future__ import annotations

import copy

import pytest

from bondwell.instruments import DefinitionError, available, load, profiles
from bondwell.instruments.definitions import _build, _definition_spec
from tests.instruments.oracle import EPDS_KEY, PBQ_POSITIVE, PBQ_SCALES


def test_the_four_instruments_are_available_and_load_under_every_profile():
    assert available() == ["epds", "gad7", "pbq", "phq9"]
    assert set(profiles()) == {"AU", "UK", "US"}
    for name in available():
        for profile in profiles():
            instrument = load(name, profile=profile, text_dir=None)
            assert instrument.profile == profile
            assert instrument.bands[0].minimum == 0
            assert instrument.bands[-1].maximum == instrument.max_total
            assert all(band.source for band in instrument.bands)


def test_the_default_profile_is_australian():
    assert load("epds").profile == "AU"
    assert "COPE 2023" in load("epds").bands[-1].source


def test_epds_ships_the_scoring_key_but_not_the_wording(tmp_path):
    epds = load("epds", text_dir=tmp_path)
    assert not epds.wording_installed
    assert epds.licence.holder == "Royal College of Psychiatrists"
    assert epds.licence.wording_distributable is False
    assert all(item.text is None for item in epds.items)
    assert all(option.label is None for item in epds.items for option in item.options)
    assert all(item.theme for item in epds.items)
    assert {n: tuple(o.score for o in epds.items[n - 1].options) for n in range(1, 11)} == EPDS_KEY
    assert epds.recall_period == "the past 7 days"
    assert epds.loinc_panel == "71354-5"


def test_epds_3a_is_items_3_4_and_5():
    (anxiety,) = load("epds").subscales
    assert (anxiety.key, anxiety.items) == ("anxiety", ("q3", "q4", "q5"))


def test_epds_bands_are_never_worded_as_a_diagnosis():
    for profile in profiles():
        for band in load("epds", profile=profile).bands:
            assert "depressed" not in band.label.lower()
            assert "diagnos" not in band.label.lower()


def test_epds_au_bands_follow_cope_2023():
    assert [(b.minimum, b.maximum) for b in load("epds", profile="AU").bands] == [(0, 9), (10, 12), (13, 30)]


def test_phq9_and_gad7_ship_their_wording_and_option_labels(tmp_path):
    for name, count in (("phq9", 9), ("gad7", 7)):
        instrument = load(name, text_dir=tmp_path)
        assert instrument.wording_installed
        assert instrument.licence.wording_distributable
        assert len(instrument.items) == count
        assert all(item.text and item.loinc for item in instrument.items)
        labels = [option.label for option in instrument.items[0].options]
        assert labels == ["Not at all", "Several days", "More than half the days", "Nearly every day"]
    item_9 = "Thoughts that you would be better off dead or of hurting yourself in some way"
    assert load("phq9").items[8].text == item_9


def test_pbq_structure_scales_and_reversed_items(tmp_path):
    pbq = load("pbq", text_dir=tmp_path)
    assert len(pbq.items) == 25
    assert pbq.wording_status == "pending"
    assert not pbq.wording_installed
    assert all(item.text is None for item in pbq.items)
    for item in pbq.items:
        scores = [option.score for option in item.options]
        assert scores == ([0, 1, 2, 3, 4, 5] if item.number in PBQ_POSITIVE else [5, 4, 3, 2, 1, 0])
    scales = {s.key: tuple(int(k[1:]) for k in s.items) for s in pbq.subscales}
    assert scales == PBQ_SCALES
    members = [n for scale in scales.values() for n in scale]
    assert sorted(members) == list(range(1, 26))  # each item belongs to exactly one scale


def _spec(name: str) -> dict:
    return copy.deepcopy(_definition_spec(name))


def test_a_gap_between_bands_is_refused():
    spec = _spec("gad7")
    spec["bands"]["default"][1]["range"] = [6, 9]
    with pytest.raises(DefinitionError, match="without gaps"):
        _build("gad7", spec, "AU")


def test_bands_that_stop_short_of_the_maximum_are_refused():
    spec = _spec("gad7")
    spec["bands"]["default"][-1]["range"] = [15, 20]
    with pytest.raises(DefinitionError, match="maximum is 21"):
        _build("gad7", spec, "AU")


def test_items_out_of_order_are_refused():
    spec = _spec("gad7")
    spec["items"][0], spec["items"][1] = spec["items"][1], spec["items"][0]
    with pytest.raises(DefinitionError, match="key q1"):
        _build("gad7", spec, "AU")


def test_a_rule_on_an_unknown_item_is_refused():
    spec = _spec("phq9")
    spec["safety_rules"][0]["item"] = "q12"
    with pytest.raises(DefinitionError, match="unknown item"):
        _build("phq9", spec, "AU")


def test_wording_cannot_ship_inside_a_definition_marked_licensed():
    spec = _spec("epds")
    spec["items"][0]["text"] = "some wording"
    with pytest.raises(DefinitionError, match="no item may carry text"):
        _build("epds", spec, "AU")


def test_unknown_instrument_and_profile_are_refused():
    with pytest.raises(KeyError, match="unknown instrument"):
        load("bdi")
    with pytest.raises(KeyError, match="unknown profile"):
        load("epds", profile="FR")


def test_the_package_and_its_commands_never_import_django():
    import subprocess
    import sys

    code = (
        "import sys, bondwell.instruments, bondwell.instruments.commands, bondwell.instruments.fhir\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
