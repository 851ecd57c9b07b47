"""The public API of bondwell.stats.meta: behaviour, invariances and the algebra behind the fast path."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from tests.stats.meta.metafor_reference import load

from bondwell.stats.meta import METHODS, ConvergenceError, escalc, rma
from bondwell.stats.meta._projection import Projection
from bondwell.stats.meta._zeroin import uniroot
from bondwell.stats.meta.sensitivity import cumulative, subgroup

YI = np.array([0.12, -0.3, 0.45, 0.2, 0.05, 0.6, -0.1, 0.33])
VI = np.array([0.02, 0.05, 0.04, 0.01, 0.08, 0.03, 0.06, 0.02])

studies = st.integers(min_value=3, max_value=12).flatmap(
    lambda k: st.tuples(
        st.lists(st.floats(-2, 2, allow_nan=False), min_size=k, max_size=k),
        st.lists(st.floats(0.005, 1.0, allow_nan=False), min_size=k, max_size=k),
    )
)


def _dense(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    W = np.diag(w)
    P: np.ndarray = W - W @ X @ np.linalg.inv(X.T @ W @ X) @ X.T @ W
    return P


@given(studies, st.integers(0, 2))
@settings(max_examples=40, deadline=None)
def test_projection_traces_equal_the_dense_matrix(data: tuple[list[float], list[float]], extra: int) -> None:
    y, v = np.array(data[0]), np.array(data[1])
    rng = np.random.default_rng(len(y))
    X = np.column_stack([np.ones(len(y)), rng.normal(size=(len(y), min(extra, len(y) - 2)))])
    w = 1 / (v + 0.1)
    P, V = _dense(w, X), np.diag(v)
    proj = Projection(w, X)
    assert proj.quadratic(y) == pytest.approx(y @ P @ y, rel=1e-9, abs=1e-12)
    assert proj.trace() == pytest.approx(np.trace(P), rel=1e-9)
    assert proj.trace_squared() == pytest.approx(np.sum(P * P), rel=1e-9)
    assert proj.trace_pv(v) == pytest.approx(np.trace(P @ V), rel=1e-9)
    assert proj.trace_pvpv(v) == pytest.approx(np.sum((P @ V) * (P @ V).T), rel=1e-9)
    assert proj.trace_ppv(v) == pytest.approx(np.sum((P @ V) * P), rel=1e-9)


@given(st.floats(0.1, 50.0), st.floats(-3.0, 3.0))
def test_uniroot_finds_the_root_within_r_tolerance(scale: float, root: float) -> None:
    def f(x: float) -> float:
        return scale * (x - root) + (x - root) ** 3

    found = uniroot(f, -5.0, 5.0)
    assert abs(found - brentq(f, -5.0, 5.0)) < 1.3e-4


def test_uniroot_refuses_an_interval_without_sign_change() -> None:
    with pytest.raises(ArithmeticError):
        uniroot(lambda x: x**2 + 1, -1.0, 1.0)


@given(studies, st.sampled_from(METHODS), st.floats(-5, 5))
@settings(max_examples=60, deadline=None)
def test_shift_moves_the_estimate_and_keeps_heterogeneity(
    data: tuple[list[float], list[float]], method: str, shift: float
) -> None:
    y, v = np.array(data[0]), np.array(data[1])
    try:
        base = rma(y, v, method=method)
    except ConvergenceError:
        assume(False)  # metafor stops on the same data (see the test below)
    moved = rma(y + shift, v, method=method)
    assert moved.estimate == pytest.approx(base.estimate + shift, abs=1e-6)
    assert moved.tau2 == pytest.approx(base.tau2, abs=1e-6)
    assert moved.q == pytest.approx(base.q, rel=1e-6, abs=1e-9)
    assert base.tau2 >= 0
    assert 0 <= base.i2 < 100
    assert base.ci_low <= base.estimate <= base.ci_high
    assert sum(base.weights) == pytest.approx(100)


def test_fisher_scoring_fails_where_metafor_fails() -> None:
    # metafor 3.8-1: rma(c(0,0,0,0,0,1), c(1,1,1,1,1,0.125), method="REML") stops, "did not converge".
    with pytest.raises(ConvergenceError):
        rma([0.0, 0.0, 0.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 0.125], method="REML")


def test_order_of_studies_does_not_matter() -> None:
    order = np.argsort(-YI)
    for method in METHODS:
        a, b = rma(YI, VI, method=method, test="knha"), rma(YI[order], VI[order], method=method, test="knha")
        assert (a.estimate, a.tau2, a.se) == pytest.approx((b.estimate, b.tau2, b.se), abs=1e-7)


def test_result_is_frozen_with_read_only_arrays() -> None:
    res = rma(YI, VI)
    with pytest.raises(AttributeError):
        res.tau2 = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        res.weights[0] = 1.0
    assert res.zval == res.statistic
    assert res.tval is None
    assert rma(YI, VI, test="knha").tval is not None


def test_to_dict_is_json_ready_and_summary_reports_the_numbers() -> None:
    res = rma(YI, VI, method="DL")
    json.dumps(res.to_dict())
    text = res.summary()
    assert f"{res.estimate:.4f}" in text
    assert f"{res.tau2:.4f}" in text
    assert "DerSimonian-Laird" in text


def test_meta_regression_summary_and_predict_at_new_values() -> None:
    x = np.arange(YI.size, dtype=float)
    res = rma(YI, VI, mods=x, mod_names=["year"])
    assert res.coef_names == ("intrcpt", "year")
    assert "Test of Moderators" in res.summary()
    new = res.predict(newmods=[[0.0], [10.0]])
    assert new.pred.tolist() == pytest.approx([res.beta[0], res.beta[0] + 10 * res.beta[1]])
    assert all(new.pi_low < new.ci_low)
    coefficients = res.to_dict()["coefficients"]
    assert isinstance(coefficients, dict)
    assert set(coefficients) == {"intrcpt", "year"}


def test_ratio_measures_back_transform() -> None:
    data = load("bcg")["data"]
    res = rma(escalc("OR", ai=data["ai"], bi=data["bi"], ci=data["ci"], di=data["di"]))
    back = res.predict(transform=True)
    assert back.pred[0] == pytest.approx(math.exp(res.estimate))
    assert back.pi_low[0] == pytest.approx(math.exp(res.pi_low))
    assert "OR =" in res.summary()
    with pytest.raises(ValueError, match="ratio"):
        rma(YI, VI).predict(transform=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"yi": YI, "vi": -VI}, "positive"),
        ({"yi": YI, "vi": VI[:3]}, "equal length"),
        ({"yi": YI, "vi": VI, "method": "XYZ"}, "unknown method"),
        ({"yi": YI, "vi": VI, "test": "t"}, "unknown test"),
        ({"yi": YI[:2], "vi": VI[:2], "mods": [1.0, 2.0]}, "larger than the number"),
        ({"yi": YI, "vi": VI, "mods": np.ones(YI.size)}, "full rank"),
    ],
)
def test_invalid_models_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rma(**kwargs)  # type: ignore[arg-type]


def test_studies_with_missing_values_are_omitted_like_metafor() -> None:
    y = YI.copy()
    y[2] = np.nan
    mods = np.arange(YI.size, dtype=float)
    mods[5] = np.nan
    labels = [f"S{i}" for i in range(YI.size)]
    res = rma(y, VI, mods=mods, slab=labels)
    keep = [0, 1, 3, 4, 6, 7]
    expected = rma(YI[keep], VI[keep], mods=mods[keep], slab=[labels[i] for i in keep])
    assert res.omitted == ("S2", "S5")
    assert res.k == 6
    assert res.tau2 == expected.tau2
    assert res.beta.tolist() == expected.beta.tolist()
    assert "2 studies omitted" in res.summary()
    with pytest.raises(ValueError, match="no study"):
        rma([np.nan], [0.1])


def test_single_study_uses_z_like_metafor() -> None:
    res = rma(YI[:1], VI[:1], test="knha")
    assert res.test == "z"
    assert res.estimate == pytest.approx(YI[0])
    assert res.se == pytest.approx(math.sqrt(VI[0]))


def test_subgroups_need_two_levels_and_are_indexable() -> None:
    groups = ["a", "b"] * 4
    result = subgroup(YI, groups, vi=VI, method="DL")
    assert result["b"].k == 4
    assert result.df_between == 1
    with pytest.raises(ValueError, match="two groups"):
        subgroup(YI, ["a"] * YI.size, vi=VI)


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_plots_are_written_in_the_format_of_the_extension(tmp_path: Path, suffix: str) -> None:
    res = rma(YI, VI, slab=[f"Trial {i}" for i in range(YI.size)])
    from matplotlib.figure import Figure

    forest = res.forest(tmp_path / f"forest{suffix}", title="Test")
    funnel = res.funnel(tmp_path / f"funnel{suffix}")
    assert isinstance(forest, Figure)
    assert isinstance(funnel, Figure)
    for path in (tmp_path / f"forest{suffix}", tmp_path / f"funnel{suffix}"):
        head = path.read_bytes()[:8]
        assert head == b"\x89PNG\r\n\x1a\n" if suffix == ".png" else b"<?xml" in head
    svg_text = (tmp_path / "forest.svg").read_text() if suffix == ".svg" else ""
    assert suffix == ".png" or "Trial 3" in svg_text


def test_plots_return_a_figure_without_touching_pyplot_state() -> None:
    import sys

    res = rma(YI, VI)
    figure = res.forest(title="In memory")
    assert figure.axes  # drawn, for the caller to save or render
    if "matplotlib.pyplot" in sys.modules:  # imported by another test: no figure may be left open in it
        import matplotlib.pyplot as plt

        assert plt.get_fignums() == []


def test_plots_refuse_other_formats_and_moderator_models(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        rma(YI, VI).forest(tmp_path / "forest.pdf")
    with pytest.raises(ValueError, match="moderators"):
        rma(YI, VI, mods=np.arange(YI.size, dtype=float)).funnel(tmp_path / "funnel.png")


def test_package_is_pure_and_imports_no_django_or_matplotlib() -> None:
    import subprocess
    import sys

    code = "import sys, bondwell.stats.meta; print(sorted(m for m in ('django', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_cumulative_follows_the_given_order() -> None:
    years = np.array([2001, 1995, 2010, 1999, 2005, 2003, 1990, 2008])
    labels = [f"S{i}" for i in range(YI.size)]
    res = rma(YI, VI, method="DL", test="knha", slab=labels)
    table = cumulative(res, order=years)
    order = np.argsort(years, kind="stable")
    assert table.slab == tuple(labels[i] for i in order)
    third = rma(YI[order[:3]], VI[order[:3]], method="DL", test="knha")
    assert table.estimate[2] == pytest.approx(third.estimate)
    assert table.ci_low[2] == pytest.approx(third.ci_low)
    assert table.rows()[2]["study"] == labels[order[2]]
