"""`bondwell score` and `bondwell instruments install-text`, driven as a user would from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bondwell.instruments.commands import register
from bondwell.instruments.definitions import TEXT_DIR_ENV

PLACEHOLDER_PACK = Path(__file__).parents[1] / "fixtures" / "instruments" / "epds-placeholder-pack.yaml"
HEADER = "id,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10\n"


@pytest.fixture
def run():  # type: ignore[no-untyped-def]
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(arg) for arg in args])


def _csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "responses.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows))
    return path


def test_scores_a_csv_file_to_csv(run, tmp_path):
    source = _csv(tmp_path, ["m1,3,3,3,3,3,3,3,3,3,3", "m2,0,0,0,0,0,0,0,0,0,0"])
    out = tmp_path / "scores.csv"
    result = run("score", "epds", source, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines() == [
        "id,total,subscales,band,flags",
        'm1,9,"{""anxiety"": 3}",unlikely,[]',
        'm2,21,"{""anxiety"": 6}",likely,"[""self_harm""]"',
    ]


def test_scores_a_csv_file_to_json(run, tmp_path):
    source = _csv(tmp_path, ["m1,1,1,1,1,1,1,1,1,1,2"])
    result = run("score", "epds", source, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"id": "m1", "total": 16, "subscales": {"anxiety": 5}, "band": "likely", "flags": ["self_harm"]}
    ]


def test_invalid_rows_stop_the_run_list_every_problem_and_write_nothing(run, tmp_path):
    source = _csv(tmp_path, ["ok,0,0,0,0,0,0,0,0,0,3", "bad1,0,0,,0,0,0,0,0,0,3", "bad2,0,4,0,0,x,0,0,0,0,0"])
    out = tmp_path / "scores.csv"
    result = run("score", "epds", source, "--out", out)
    assert result.exit_code == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]  # not even a temporary file is left behind
    assert "line 3 (id bad1): column q3: (empty) is missing; allowed values are 0, 1, 2, 3" in result.stderr
    assert "line 4 (id bad2): column q2: 4 is out of range; allowed values are 0, 1, 2, 3" in result.stderr
    assert "line 4 (id bad2): column q5: 'x' is not a whole number" in result.stderr
    assert "line 4 (id bad2): RISK FLAG self_harm" in result.stderr  # partial row, answered q10
    assert "2 invalid row(s)" in result.stderr


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(run, tmp_path):
    source = _csv(tmp_path, ["ok,0,0,0,0,0,0,0,0,0,3", "bad,0,0,0,0,0,0,0,0,0,9"])
    out = tmp_path / "scores.json"
    result = run("score", "epds", source, "--format", "json", "--out", out, "--skip-invalid")
    assert result.exit_code == 0
    assert [row["id"] for row in json.loads(out.read_text())] == ["ok"]
    assert "line 3 (id bad): column q10: 9 is out of range" in result.stderr


def test_a_file_without_the_item_columns_is_refused(run, tmp_path):
    source = tmp_path / "wrong.csv"
    source.write_text("id,q1,q2\nx,0,0\n")
    result = run("score", "gad7", source)
    assert result.exit_code == 2
    assert "missing column(s): q3, q4, q5, q6, q7" in result.stderr


def test_an_unknown_instrument_is_refused(run, tmp_path):
    result = run("score", "bdi", _csv(tmp_path, []))
    assert result.exit_code == 2
    assert "unknown instrument" in result.stderr


def test_the_profile_option_changes_the_band_source_not_the_total(run, tmp_path):
    source = _csv(tmp_path, ["m1,1,1,1,1,1,1,1,1,1,3"])
    au = json.loads(run("score", "epds", source, "--format", "json").stdout)
    us = json.loads(run("score", "epds", source, "--format", "json", "--profile", "US").stdout)
    assert au[0]["total"] == us[0]["total"] == 15  # 1+1+2+1 (q1-q4) + 2*5 (q5-q9) + 0 (q10)


def test_install_text_validates_and_installs(run, tmp_path, monkeypatch):
    monkeypatch.setenv(TEXT_DIR_ENV, str(tmp_path / "packs"))
    result = run("instruments", "install-text", "epds", PLACEHOLDER_PACK)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "packs" / "epds.yaml").exists()
    assert "epds\t1.0.0" in run("instruments", "list").stdout


def test_install_text_refuses_a_pack_for_another_instrument(run, tmp_path):
    result = run("instruments", "install-text", "phq9", PLACEHOLDER_PACK, "--text-dir", tmp_path)
    assert result.exit_code == 2
    assert "refused" in result.stderr
    assert not (tmp_path / "phq9.yaml").exists()


def test_ids_with_commas_quotes_and_spaces_survive_both_formats(run, tmp_path):
    source = tmp_path / "odd.csv"
    source.write_text(HEADER + '"Smith, ""Jo""",3,3,3,3,3,3,3,3,3,3\n')
    as_csv = run("score", "epds", source).stdout.splitlines()
    assert as_csv[1].startswith('"Smith, ""Jo""",9,')
    assert json.loads(run("score", "epds", source, "--format", "json").stdout)[0]["id"] == 'Smith, "Jo"'


def test_pbq_output_lists_all_four_scales_in_definition_order(run, tmp_path):
    source = tmp_path / "pbq.csv"
    columns = ",".join(f"q{n}" for n in range(1, 26))
    source.write_text(f"id,{columns}\nm1," + ",".join(["2"] * 25) + "\n")
    (row,) = json.loads(run("score", "pbq", source, "--format", "json").stdout)
    scales = ["impaired_bonding", "rejection_anger", "anxiety_about_care", "risk_of_abuse"]
    assert list(row["subscales"]) == scales
    assert row["flags"] == ["infant_harm"]  # items 18 and 24 at "Quite often" score 3 each


def test_pbq_subscale_values_in_the_output_match_single_response_scoring(run, tmp_path):
    from bondwell.instruments import load, score

    source = tmp_path / "pbq.csv"
    rows = [[(n * k) % 6 for n in range(1, 26)] for k in range(1, 6)]
    columns = ",".join(f"q{n}" for n in range(1, 26))
    lines = [f"m{k}," + ",".join(map(str, r)) + "\n" for k, r in enumerate(rows)]
    source.write_text(f"id,{columns}\n" + "".join(lines))
    output = json.loads(run("score", "pbq", source, "--format", "json").stdout)
    for row, positions in zip(output, rows, strict=True):
        expected = score(load("pbq"), {f"q{n}": p for n, p in enumerate(positions, start=1)})
        assert row["subscales"] == expected.subscales
        assert row["total"] == expected.total
        assert row["band"] == expected.band.key


def test_the_chunked_progress_path_for_large_files_keeps_rows_in_order(run, tmp_path, monkeypatch):
    from bondwell.instruments import commands, csvio

    monkeypatch.setattr(commands, "PROGRESS_FROM_BYTES", 0)
    monkeypatch.setattr(csvio, "CHUNK_ROWS", 2)  # several chunks, so rows must be stitched back in order
    source = _csv(tmp_path, [f"m{k},{k % 4},0,0,0,0,0,0,0,0,3" for k in range(7)])
    result = run("score", "epds", source, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.stdout)] == [f"m{k}" for k in range(7)]
    assert [row["total"] for row in json.loads(result.stdout)][:4] == [18, 19, 20, 21]


def test_scoring_does_not_depend_on_an_installed_text_pack(run, tmp_path, monkeypatch):
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "epds.yaml").write_text("instrument: epds\nitems: []\n")  # broken pack
    monkeypatch.setenv(TEXT_DIR_ENV, str(packs))
    result = run("score", "epds", _csv(tmp_path, ["m1,3,3,3,3,3,3,3,3,3,3"]))
    assert result.exit_code == 0, result.output
    assert "unknown profile" in run("score", "epds", _csv(tmp_path, []), "--profile", "FR").stderr
