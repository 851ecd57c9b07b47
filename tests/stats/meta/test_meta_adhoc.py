"""test="adhoc" (Hartung–Knapp, variance factor max(1, s²), t on k − p df) against the ad hoc correction
computed from metafor's knha fit, to 1e-6 (tests/fixtures/metafor/make_adhoc.R wrote adhoc.json)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.stats.meta.metafor_reference import FIXTURES, assert_close
from typer.testing import CliRunner

from bondwell.stats.meta import rma

FIXTURE = json.loads((FIXTURES / "adhoc.json").read_text())
METHODS = ("FE", "DL", "REML", "ML", "PM", "SJ", "HE")


def _array(values: Any) -> np.ndarray:
    values = values if isinstance(values, list) else [values]
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _cases(kind: str) -> list[Any]:
    cases = []
    for s, entry in enumerate(FIXTURE["sets"]):
        for f, fit in enumerate(entry.get(kind) or []):
            if "error" not in fit:
                cases.append(pytest.param(s, f, id=f"{entry['dataset']}-{entry['measure']}-{METHODS[f]}"))
    return cases


def _check(ours: Any, r: dict[str, Any], what: str) -> None:
    pairs = {
        "tau2": ours.tau2, "beta": ours.beta, "se": ours.se_beta, "tval": ours.statistic_beta,
        "pval": ours.pval_beta, "ci_lb": ours.ci_low_beta, "ci_ub": ours.ci_high_beta, "s2w": ours.s2w,
    }  # fmt: skip
    if ours.p > 1:
        pairs |= {"QM": ours.qm, "QMp": ours.qm_pvalue}
    else:
        pairs |= {"pi_lb": ours.pi_low, "pi_ub": ours.pi_high}
    for key, value in pairs.items():
        assert_close(value, r[key], f"{what}: {key}")
    assert ours.ddf == r["ddf"]
    assert ours.k == r["k"]


def test_fixture_covers_metafor_datasets_and_a_factor_below_one() -> None:
    names = {entry["dataset"] for entry in FIXTURE["sets"]}
    assert {"bcg", "nielweise2007", "normand1999", "bangertdrowns2004"} <= names
    factors = [fit["s2w_knha"] for e in FIXTURE["sets"] for fit in e["fits"] if "error" not in fit]
    assert min(factors) < 1 < max(factors)


@pytest.mark.parametrize(("s", "f"), _cases("fits"))
def test_adhoc_matches_metafor_knha_with_ad_hoc_factor(s: int, f: int) -> None:
    entry = FIXTURE["sets"][s]
    r = entry["fits"][f]
    res = rma(_array(entry["yi"]), _array(entry["vi"]), method=r["method"], test="adhoc")
    _check(res, r, f"{entry['dataset']} {entry['measure']} {r['method']}")
    assert res.tval == res.statistic
    assert res.zval is None
    # Never narrower than the Wald interval at the same tau².
    wald = rma(_array(entry["yi"]), _array(entry["vi"]), method=r["method"], test="z")
    assert res.ci_high - res.ci_low >= wald.ci_high - wald.ci_low


@pytest.mark.parametrize(("s", "f"), _cases("metareg"))
def test_adhoc_meta_regression_matches(s: int, f: int) -> None:
    entry = FIXTURE["sets"][s]
    r = entry["metareg"][f]
    mods = np.column_stack([_array(column) for column in entry["mods"]])
    res = rma(_array(entry["yi"]), _array(entry["vi"]), method=r["method"], test="adhoc", mods=mods)
    _check(res, r, f"{entry['dataset']} {entry['measure']} {r['method']} metareg")


def test_cli_adhoc_equals_r(tmp_path: Path) -> None:
    import typer

    from bondwell.stats.meta.commands import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    entry = next(e for e in FIXTURE["sets"] if e["dataset"] == "two_similar")
    r = next(fit for fit in entry["fits"] if fit["method"] == "REML")
    csv = tmp_path / "two.csv"
    csv.write_text(
        "study,yi,vi\n"
        + "".join(f"S{i},{y},{v}\n" for i, (y, v) in enumerate(zip(entry["yi"], entry["vi"], strict=True)))
    )
    out = CliRunner().invoke(app, ["meta", str(csv), "--measure", "GEN", "--test", "adhoc", "--format", "json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["test"] == "adhoc"
    assert report["df"] == 1
    for ours, key in (("ci_low", "ci_lb"), ("ci_high", "ci_ub"), ("tval", "tval"), ("pval", "pval")):
        assert math.isclose(report[ours], _array(r[key])[0], rel_tol=1e-6, abs_tol=1e-6), ours
