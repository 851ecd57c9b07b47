"""`bondwell analyse trial`, `bondwell power` and `bondwell synth trial` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from tests.stats.trial.trial_reference import FIXTURES, reference
from typer.testing import CliRunner

from bondwell.stats.trial import sample_size
from bondwell.stats.trial.commands import register


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


def _run(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_analyse_trial_json_has_the_documented_shape_and_r_values(app: typer.Typer) -> None:
    code, out, _ = _run(app, "analyse", "trial", str(FIXTURES / "trial_unbalanced.csv"),
                        "--outcome", "epds", "--format", "json")
    assert code == 0
    result = json.loads(out)
    expected = reference()["datasets"]["trial_unbalanced"]
    assert [set(row) for row in result["ancova"]] == [
        {"week", "estimate", "se", "ci_low", "ci_high", "p", "n"}] * len(expected["ancova"])
    assert result["ancova"][0]["estimate"] == pytest.approx(expected["ancova"][0]["estimate"], abs=1e-6)
    mixed = result["mixed_model"]
    assert set(mixed) == {"effects", "sigma2", "tau2", "n_participants", "n_observations", "dropped_columns"}
    assert set(mixed["effects"][0]) == {"week", "estimate", "se", "ci_low", "ci_high"}
    assert mixed["tau2"] == pytest.approx(expected["mixed_model"]["tau2"], abs=1e-4)
    assert result["analysis"] == "intention-to-treat"
    assert "per_protocol" not in result


def test_per_protocol_sensitivity_is_labelled_and_drops_non_adherent_mothers(app: typer.Typer) -> None:
    path = str(FIXTURES / "trial_small.csv")
    code, out, _ = _run(app, "analyse", "trial", path, "--outcome", "epds", "--format", "json",
                        "--per-protocol-min", "45")
    assert code == 0
    result = json.loads(out)
    pp = result["per_protocol"]
    assert pp["analysis"] == "per-protocol (sensitivity)"
    frame = pd.read_csv(path)
    mean_adherence = frame.groupby("participant")["adherence_minutes_per_week"].mean()
    arm = frame.groupby("participant")["arm"].first()
    dropped = ((arm == "intervention") & (mean_adherence < 45)).sum()
    assert dropped > 0
    assert result["mixed_model"]["n_participants"] - pp["mixed_model"]["n_participants"] == dropped
    code, text, _ = _run(app, "analyse", "trial", path, "--outcome", "epds", "--per-protocol-min", "45")
    assert "per-protocol (sensitivity)" in text


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("participant,arm,week\nP1,control,0\n", "missing column 'epds'"),
        ("participant,arm,week,epds\nP1,control,0,10\nP1,control,6,oops\n", "row 2 (line 3), column 'epds'"),
        ("participant,arm,week,epds\nP1,usual care,0,10\n", "row 1 (line 2), column 'arm'"),
        ("participant,arm,week,epds\nP1,control,6,10\n", "no participant has a baseline (week 0) value"),
        ("participant,arm,week,epds\nP1,Massage,0,10\n", "map other labels with --arms"),
        ("participant,arm,week,epds\nP1,control,0,10\nP1,control,0,11\n", "already given at row 1"),
    ],
)
def test_bad_input_exits_2_with_the_problem_on_stderr_and_no_traceback(
    app: typer.Typer, tmp_path: Path, content: str, fragment: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code, out, err = _run(app, "analyse", "trial", str(path), "--outcome", "epds")
    assert code == 2
    assert fragment in err
    assert out == ""
    assert "Traceback" not in err


def test_missing_file_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    code, _, err = _run(app, "analyse", "trial", str(tmp_path / "nope.csv"), "--outcome", "epds")
    assert code == 2
    assert "nope.csv" in err


def test_power_json_reports_adjusted_sizes(app: typer.Typer) -> None:
    code, out, _ = _run(app, "power", "--smd", "0.4", "--power", "0.9", "--alpha", "0.05",
                        "--baseline-correlation", "0.5", "--attrition", "0.2", "--icc", "0.05",
                        "--cluster-size", "8", "--format", "json")
    assert code == 0
    result = json.loads(out)
    expected = sample_size(0.4, 0.9, 0.05, 0.5, 0.2, 0.05, 8)
    assert result["n_per_arm"] == expected.n_per_arm == 133
    assert result["n_per_arm_adjusted"] == expected.n_per_arm_adjusted
    assert result["n_total"] == 2 * result["n_per_arm_adjusted"]


def test_power_text_and_bad_arguments(app: typer.Typer) -> None:
    code, out, _ = _run(app, "power", "--smd", "0.5", "--power", "0.8", "--alpha", "0.05")
    assert code == 0
    assert "64" in out
    code, _, err = _run(app, "power", "--smd", "0.5", "--power", "1.5", "--alpha", "0.05")
    assert code == 2
    assert "power must be in" in err
    code, _, err = _run(app, "power", "--smd", "0.5", "--icc", "0.05")
    assert code == 2
    assert "--icc and --cluster-size go together" in err


def test_synth_trial_writes_a_file_the_analysis_accepts(app: typer.Typer, tmp_path: Path) -> None:
    out_file = tmp_path / "synthetic.csv"
    code, _, _ = _run(app, "synth", "trial", "--participants", "80", "--seed", "4", "--out", str(out_file),
                      "--effect-size", "0.5", "--attrition", "0.3", "--sites", "2")
    assert code == 0
    frame = pd.read_csv(out_file)
    assert frame["participant"].nunique() == 80
    assert set(frame["site"]) == {"S01", "S02"}
    code, out, _ = _run(app, "analyse", "trial", str(out_file), "--outcome", "epds", "--format", "json")
    assert code == 0
    assert json.loads(out)["mixed_model"]["n_participants"] <= 80
