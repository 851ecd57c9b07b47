"""Edge cases equal to R (tests/fixtures/metafor/make_edge_cases.R wrote edge_cases.json): ties in
trim-and-fill, two-study and k = p fixed-effect fits, knha with one study, τ² on large-valued outcomes, and
power.t.test below two per arm; plus no ZeroDivisionError anywhere in bondwell.stats on tiny inputs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.stats.meta.metafor_reference import FIXTURES, as_array, assert_close
from typer.testing import CliRunner

from bondwell.stats.meta import cumulative, leave_one_out, regtest, rma, subgroup, trimfill
from bondwell.stats.meta.commands import register
from bondwell.stats.trial.power import sample_size, t_test_power

R = json.loads((FIXTURES / "edge_cases.json").read_text())
# metafor's own estimate on this symmetric set comes out as -6.9e-18 instead of 0, so R's rank step sees a
# positive study and reports k0 = 1; a tie within a few ulps is a tie here (k0 = 0).
R_ROUNDING_RESIDUE = {("symmetric_7", "REML")}


@pytest.mark.parametrize("case", R["trimfill_ties"], ids=lambda c: f"{c['name']}-{c['method']}")
def test_trimfill_treats_a_study_at_the_pooled_estimate_as_a_tie(case: dict) -> None:  # type: ignore[type-arg]
    res = rma(case["yi"], case["vi"], method=case["method"])
    tf = trimfill(res)
    if (case["name"], case["method"]) in R_ROUNDING_RESIDUE:
        assert abs(as_array(case["centred"])).min() < 1e-16
        assert tf.k0 == 0
        return
    assert tf.k0 == case["k0"]
    assert_close(tf.result.estimate, case["estimate"], "trimfill estimate")
    # One ulp either way on the tied study does not change k0.
    for nudge in (np.nextafter, lambda a, b: np.nextafter(np.nextafter(a, b), b)):
        y = np.array(case["yi"], dtype=float)
        i = int(np.argmin(np.abs(y - res.estimate)))
        y[i] = nudge(y[i], np.inf)
        assert trimfill(rma(y, case["vi"], method=case["method"])).k0 == case["k0"]


def test_two_studies_with_a_fixed_effect_answer_regtest_and_trimfill_as_r() -> None:
    two = R["two_study_fe"]
    res = rma(two["yi"], two["vi"], method="FE")
    egger = regtest(res)
    r = two["regtest"]
    assert_close([egger.statistic, egger.pval, egger.estimate, egger.ci_low, egger.ci_high],
                 [r["stat"], r["pval"], r["est"], r["ci_lb"], r["ci_ub"]], "regtest")
    tf = trimfill(res)
    assert (tf.k0, tf.side) == (two["trimfill"]["k0"], two["trimfill"]["side"])
    assert_close([tf.result.estimate, tf.result.se], [two["trimfill"]["estimate"], two["trimfill"]["se"]], "tf")


@pytest.mark.parametrize("test", ["z", "knha"])
def test_fixed_effect_meta_regression_with_as_many_studies_as_coefficients(test: str) -> None:
    case = R["k_equals_p_fe"]
    res = rma(case["yi"], case["vi"], method="FE", test=test, mods=case["mods"])
    r = case[test]
    for ours, key in ((res.beta, "beta"), (res.se_beta, "se"), (res.pval_beta, "pval"), (res.ci_low_beta, "ci_lb"),
                      (res.ci_high_beta, "ci_ub"), (res.q, "QE"), (res.q_pvalue, "QEp"), (res.qm, "QM"),
                      (res.qm_pvalue, "QMp"), (res.i2, "I2"), (res.h2, "H2")):  # fmt: skip
        assert_close(ours, r[key], f"{test} {key}")
    assert res.r2 is not None
    assert math.isnan(res.r2)  # metafor: R^2 NA
    assert res.summary()  # prints without dividing by zero


def test_one_study_with_knha_is_analysed_with_z_and_says_so() -> None:
    case = R["one_study_knha"]
    res = rma([case["yi"]], [case["vi"]], test="knha")
    assert res.test == case["fit"]["test"] == "z"
    assert_close([res.ci_low, res.ci_high], [case["fit"]["ci_lb"], case["fit"]["ci_ub"]], "one study")
    assert "k = 1" in res.summary()


@pytest.mark.parametrize("test", ["knha", "adhoc"])
def test_cli_refuses_hartung_knapp_with_one_study(tmp_path: Path, test: str) -> None:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    path = tmp_path / "one.csv"
    path.write_text("study,yi,vi\nA,0.3,0.02\n")
    out = CliRunner().invoke(app, ["meta", str(path), "--measure", "GEN", "--test", test])
    assert out.exit_code == 2
    assert f"--test {test} needs at least two studies (found 1)" in out.stderr
    assert "Traceback" not in out.output


def test_tau2_converges_relative_to_its_size_on_large_outcomes() -> None:
    big = R["large_scale"]
    scale = big["scale"]
    res = rma(as_array(big["yi"]), as_array(big["vi"]), method="REML")
    small = rma(as_array(big["yi"]) / scale, as_array(big["vi"]) / scale**2, method="REML")
    r_small = big["REML_rescaled"]
    assert_close(small.tau2, r_small["tau2"], "tau2 on the original scale")
    # The same fit in other units: τ² scales by scale², the estimate by scale (an absolute stop would not).
    assert res.tau2 == pytest.approx(r_small["tau2"] * scale**2, rel=1e-6)
    assert res.estimate == pytest.approx(as_array(r_small["beta"])[0] * scale, rel=1e-6)
    if "error" not in big["REML"]:
        assert res.tau2 == pytest.approx(big["REML"]["tau2"], rel=1e-6)


@pytest.mark.parametrize("case", R["power"], ids=lambda c: f"d={c['delta']}")
def test_n_exact_below_two_as_power_t_test(case: dict) -> None:  # type: ignore[type-arg]
    result = sample_size(case["delta"], case["power"], case["sig_level"])
    # R's uniroot stops at tol = eps^0.25; ours is the exact root.
    assert result.n_exact == pytest.approx(case["n"], rel=1e-4)
    assert t_test_power(result.n_exact, case["delta"], case["sig_level"]) == pytest.approx(case["power"], abs=1e-10)
    assert result.n_per_arm == math.ceil(case["n"])


finite = st.floats(-3, 3, allow_nan=False, width=32)
positive = st.floats(0.0001220703125, 2, allow_nan=False, width=32)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(k=st.integers(1, 3), data=st.data(), method=st.sampled_from(["FE", "DL", "REML", "ML", "PM", "SJ", "HE"]),
       test=st.sampled_from(["z", "knha", "adhoc"]), same=st.booleans())
def test_no_zero_division_anywhere(k: int, data: st.DataObject, method: str, test: str, same: bool) -> None:
    yi = [data.draw(finite)] * k if same else data.draw(st.lists(finite, min_size=k, max_size=k))
    vi = data.draw(st.lists(positive, min_size=k, max_size=k))
    calls = [
        lambda: rma(yi, vi, method=method, test=test),
        lambda: rma(yi, vi, method="FE", test=test, mods=list(range(k))) if k >= 2 else None,
        lambda: rma(yi, vi, method=method, test=test).summary(),
        lambda: rma(yi, vi, method=method, test=test).predict(),
        lambda: rma(yi, vi, method=method, test=test).conf_int(),
        lambda: leave_one_out(rma(yi, vi, method=method, test=test)) if k >= 2 else None,
        lambda: cumulative(rma(yi, vi, method=method, test=test)),
        lambda: regtest(rma(yi, vi, method=method, test=test)),
        lambda: trimfill(rma(yi, vi, method=method, test=test)),
        lambda: subgroup(yi, vi, ["a"] * k, method=method, test=test),
    ]
    refusals: list[str] = []
    for call in calls:
        try:
            call()
        except ZeroDivisionError:  # never: answer as R does, or refuse with a message
            raise
        except (ValueError, ArithmeticError) as error:
            refusals.append(str(error))
    assert all(refusals)  # every refusal says why
