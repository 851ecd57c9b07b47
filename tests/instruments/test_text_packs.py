"""Licensed wording arrives as a text pack, checked against the definition; a mismatching pack is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bondwell.instruments import TextPackError, load, score
from bondwell.instruments.definitions import TEXT_DIR_ENV, load_structure
from bondwell.instruments.textpacks import install_pack, parse_pack

FIXTURES = Path(__file__).parents[1] / "fixtures" / "instruments"
PLACEHOLDER_PACK = FIXTURES / "epds-placeholder-pack.yaml"


def _pack_with(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load(PLACEHOLDER_PACK.read_text())
    change(raw)
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_an_installed_pack_supplies_the_wording(tmp_path):
    install_pack(PLACEHOLDER_PACK, load_structure("epds"), tmp_path)
    epds = load("epds", text_dir=tmp_path)
    assert epds.wording_installed
    assert epds.items[0].text == "Placeholder wording for item 1"
    assert epds.items[9].options[0].label == "Placeholder option A of item 10"
    assert epds.wording_source == "Placeholder wording for tests; no licensed text"


def test_the_wording_never_changes_the_scores(tmp_path):
    install_pack(PLACEHOLDER_PACK, load_structure("epds"), tmp_path)
    answers = {f"q{n}": n % 4 for n in range(1, 11)}
    with_wording = score(load("epds", text_dir=tmp_path), answers)
    assert with_wording == score(load("epds", text_dir=tmp_path / "none"), answers)


def test_the_core_reads_the_text_dir_it_is_given_never_the_environment(tmp_path, monkeypatch):
    install_pack(PLACEHOLDER_PACK, load_structure("epds"), tmp_path)
    assert load("epds", text_dir=tmp_path).wording_installed
    monkeypatch.chdir(tmp_path / "..")
    monkeypatch.setenv(TEXT_DIR_ENV, str(tmp_path))  # read by settings.py and the CLI's option, not by the core
    assert not load("epds", text_dir=tmp_path / "empty").wording_installed


def test_the_default_text_dir_is_var_text_packs_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.setenv(TEXT_DIR_ENV, str(tmp_path / "elsewhere"))
    monkeypatch.chdir(tmp_path)
    install_pack(PLACEHOLDER_PACK, load_structure("epds"), tmp_path / "var" / "text-packs")
    assert load("epds").wording_installed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["items"].reverse(), "in this order"),
        (lambda raw: raw["items"].pop(), "in this order"),
        (lambda raw: raw["items"][2]["options"].reverse(), "q3: option scores"),
        (lambda raw: raw["items"][0]["options"].pop(), "q1: 3 options"),
        (lambda raw: raw["items"][4].pop("text"), "q5: `text` is required"),
        (lambda raw: raw.update(instrument="phq9"), "expected 'epds'"),
        (lambda raw: raw.pop("source"), "`source` is required"),
    ],
)
def test_a_pack_that_does_not_match_the_definition_is_refused_and_not_installed(tmp_path, change, message):
    bad = _pack_with(tmp_path, change)
    target = tmp_path / "packs"
    with pytest.raises(TextPackError, match=message):
        install_pack(bad, load_structure("epds"), target)
    assert not (target / "epds.yaml").exists()


def test_every_mismatch_is_listed_together(tmp_path):
    def two_faults(raw: dict) -> None:
        raw["items"][1]["options"].reverse()
        raw["items"][6]["text"] = ""

    with pytest.raises(TextPackError) as caught:
        parse_pack(_pack_with(tmp_path, two_faults), load_structure("epds"))
    assert "q2: option scores" in str(caught.value)
    assert "q7: `text` is required" in str(caught.value)


def test_a_broken_installed_pack_is_reported_when_loading(tmp_path):
    (tmp_path / "epds.yaml").write_text("instrument: epds\nitems: []\n")
    with pytest.raises(TextPackError):
        load("epds", text_dir=tmp_path)


def test_a_pbq_pack_can_supply_its_pending_wording(tmp_path):
    structure = load_structure("pbq")
    items = [
        {
            "key": item.key,
            "text": f"Placeholder PBQ item {item.number}",
            "options": [{"label": f"Option {o.position}", "score": o.score} for o in item.options],
        }
        for item in structure.items
    ]
    path = tmp_path / "pbq-pack.yaml"
    path.write_text(yaml.safe_dump({"instrument": "pbq", "language": "en", "source": "test", "items": items}))
    install_pack(path, structure, tmp_path / "packs")
    assert load("pbq", text_dir=tmp_path / "packs").items[24].text == "Placeholder PBQ item 25"
