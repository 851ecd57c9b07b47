"""`bondwell meta`: the contract of the command (output keys, plots, refusal of bad input with exit status 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.stats.meta.metafor_reference import assert_close, load
from typer.testing import CliRunner

from bondwell.stats.meta.commands import register

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> object:
    import typer

    application = typer.Typer()
    register(application)

    @application.callback()
    def main() -> None:
        """Test app."""

    return application


def _bcg_csv(tmp_path: Path) -> Path:
    fixture = load("bcg")
    data = fixture["data"]
    lines = ["study,ai,bi,ci,di"]
    lines += [
        f'"{label}",{a},{b},{c},{d}'
        for label, a, b, c, d in zip(fixture["slab"], data["ai"], data["bi"], data["ci"], data["di"], strict=True)
    ]
    path = tmp_path / "bcg.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _reml_entry(method: str = "REML", test: str = "z") -> dict[str, object]:
    analysis = next(a for a in load("bcg")["analyses"] if a["measure"] == "RR")
    entry: dict[str, object] = next(f for f in analysis["fits"] if f["method"] == method and f["test"] == test)
    return entry


def test_json_output_has_the_contract_keys_and_matches_r(app: object, tmp_path: Path) -> None:
    result = runner.invoke(app, ["meta", str(_bcg_csv(tmp_path)), "--measure", "RR", "--format", "json"])  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    for key in ("k", "estimate", "se", "ci_low", "ci_high", "tau2", "i2", "h2", "q", "q_pvalue", "pi_low",
                "pi_high", "estimate_exp", "ci_low_exp", "ci_high_exp"):  # fmt: skip
        assert key in report
    entry = _reml_entry()
    r = entry["rma"]
    assert isinstance(r, dict)
    assert report["k"] == 13
    assert_close([report["estimate"], report["tau2"], report["i2"]], [r["beta"], r["tau2"], r["I2"]], "json")
    assert report["estimate_exp"] == pytest.approx(2.718281828459045 ** report["estimate"])


def test_knha_text_output_and_plots(app: object, tmp_path: Path) -> None:
    forest, funnel = tmp_path / "forest.svg", tmp_path / "funnel.png"
    args = ["meta", str(_bcg_csv(tmp_path)), "--measure", "RR", "--method", "DL", "--test", "knha",
            "--forest", str(forest), "--funnel", str(funnel)]  # fmt: skip
    result = runner.invoke(app, args)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    assert "tval" in result.stdout
    assert "DerSimonian-Laird" in result.stdout
    assert forest.read_text().lstrip().startswith("<?xml")
    assert funnel.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("content", "measure", "message"),
    [
        ("study,ai,bi,ci\nA,1,2,3\n", "RR", "missing column di"),
        ("yi,vi\n0.1,0.02\nabc,0.03\n", "GEN", "row 2, column yi: 'abc' is not a number"),
        ("yi,vi\n0.1,0.02\n0.2,-0.03\n", "GEN", "row 2, column vi: negative sampling variance"),
        ("yi,vi\n0.1,0.02\n0.2,\n", "GEN", "row 2, column vi: empty cell"),
        ("m1i,sd1i,n1i,m2i,sd2i,n2i\n1,2,10,0,1,5\n1,-2,10,0,1,5\n", "SMD", "row 2, column sd1i: negative"),
        ("m1i,sd1i,n1i,m2i,sd2i,n2i\n1,2,1,0,1,5\n", "MD", "row 1, column n1i: group size must be at least 2"),
        ("ai,bi,ci,di\n1.5,2,3,4\n", "OR", "row 1, column ai: counts must be whole numbers"),
        ("yi,vi\n", "GEN", "no studies"),
    ],
)
def test_bad_input_is_refused_with_row_and_column(
    app: object, tmp_path: Path, content: str, measure: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    result = runner.invoke(app, ["meta", str(path), "--measure", measure])  # type: ignore[arg-type]
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_unknown_plot_extension_is_refused(app: object, tmp_path: Path) -> None:
    result = runner.invoke(app, ["meta", str(_bcg_csv(tmp_path)), "--measure", "RR", "--forest", "x.pdf"])  # type: ignore[arg-type]
    assert result.exit_code == 2
    assert ".svg or .png" in result.stderr


def test_missing_file_is_refused(app: object, tmp_path: Path) -> None:
    result = runner.invoke(app, ["meta", str(tmp_path / "none.csv"), "--measure", "GEN"])  # type: ignore[arg-type]
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
