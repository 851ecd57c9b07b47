"""Every statistic replays R on held-in data sets (lm, lme4 REML, metafor escalc, t.test, power.t.test)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.stats.trial.trial_reference import CLOSED_FORM_TOL, FIXTURES, ITERATIVE_TOL, reference

from bondwell.stats.trial import (
    ancova_by_week,
    below_cutoff_by_week,
    fit_mixed_model,
    hedges_g_by_week,
    load_trial_csv,
    paired_change,
    reliable_change,
    sample_size,
    t_test_power,
)

DATASETS = ("trial_small", "trial_unbalanced", "trial_two_waves", "trial_singular")


def _load(name: str) -> tuple[Any, dict[str, Any]]:
    spec = reference()["datasets"][name]
    return load_trial_csv(FIXTURES / spec["file"], spec["outcome"]), spec


@pytest.mark.parametrize("name", DATASETS)
def test_ancova_per_week_matches_lm(name: str) -> None:
    data, spec = _load(name)
    ours = ancova_by_week(data).effects
    assert [e.week for e in ours] == [r["week"] for r in spec["ancova"]]
    for effect, expected in zip(ours, spec["ancova"], strict=True):
        assert effect.n == expected["n"]
        for key in ("estimate", "se", "ci_low", "ci_high", "p"):
            assert getattr(effect, key) == pytest.approx(expected[key], abs=CLOSED_FORM_TOL), key


@pytest.mark.parametrize("name", DATASETS)
def test_mixed_model_matches_lme4_reml(name: str) -> None:
    data, spec = _load(name)
    expected = spec["mixed_model"]
    ours = fit_mixed_model(data)
    assert ours.n_participants == expected["n_participants"]
    assert ours.n_observations == expected["n_observations"]
    assert list(ours.coefficient_names) == expected["coefficient_names"]
    np.testing.assert_allclose(ours.coefficients, expected["coefficients"], rtol=0, atol=ITERATIVE_TOL)
    assert ours.sigma2 == pytest.approx(expected["sigma2"], abs=ITERATIVE_TOL)
    assert ours.tau2 == pytest.approx(expected["tau2"], abs=ITERATIVE_TOL)
    assert ours.reml_criterion == pytest.approx(expected["reml_criterion"], abs=ITERATIVE_TOL)
    for effect, want in zip(ours.effects, expected["effects"], strict=True):
        assert effect.week == want["week"]
        for key in ("estimate", "se", "ci_low", "ci_high"):
            assert getattr(effect, key) == pytest.approx(want[key], abs=ITERATIVE_TOL), (effect.week, key)


def test_singular_data_set_gives_zero_participant_variance() -> None:
    data, spec = _load("trial_singular")
    assert spec["mixed_model"]["singular"] is True
    assert fit_mixed_model(data).tau2 == pytest.approx(0.0, abs=1e-8)


@pytest.mark.parametrize("name", DATASETS)
def test_hedges_g_and_below_cutoff_per_week_match_r(name: str) -> None:
    data, spec = _load(name)
    g_weeks = hedges_g_by_week(data).weeks
    below = {w.week: w for w in below_cutoff_by_week(data, cutoff=reference()["cutoff"]).weeks}
    for ours, want in zip(g_weeks, spec["per_week"], strict=True):
        assert ours.week == want["week"]
        assert ours.g == pytest.approx(want["g"], abs=CLOSED_FORM_TOL)
        assert ours.variance == pytest.approx(want["g_var"], abs=CLOSED_FORM_TOL)
        assert (ours.n_control, ours.n_intervention) == (want["n_control"], want["n_intervention"])
        counted = below[want["week"]]
        assert counted.control_proportion == pytest.approx(want["below_control"], abs=1e-12)
        assert counted.intervention_proportion == pytest.approx(want["below_intervention"], abs=1e-12)


def _pairs(name: str) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    spec = reference()["datasets"][name]
    paired = spec["paired"]
    frame = pd.read_csv(FIXTURES / spec["file"], dtype={"participant": str})
    wide = frame.pivot(index="participant", columns="week", values=spec["outcome"])
    wide = wide.loc[[str(p) for p in paired["participants"]]]
    return wide[0].to_numpy(float), wide[paired["week"]].to_numpy(float), paired


@pytest.mark.parametrize("name", DATASETS)
def test_paired_change_matches_t_test_and_escalc_smcr(name: str) -> None:
    pre, post, want = _pairs(name)
    ours = paired_change(pre, post)
    assert ours.n == want["n"]
    assert ours.df == want["df"]
    for key, ref_key in (("mean_change", "mean_change"), ("ci_low", "ci_low"), ("ci_high", "ci_high"),
                         ("t", "t"), ("p", "p"), ("hedges_g", "hedges_g"),
                         ("hedges_g_variance", "hedges_g_var"), ("correlation", "r")):
        assert getattr(ours, key) == pytest.approx(want[ref_key], abs=CLOSED_FORM_TOL), key


@pytest.mark.parametrize("name", DATASETS)
def test_reliable_change_matches_r(name: str) -> None:
    pre, post, want = _pairs(name)
    ours = reliable_change(pre, post, reliability=reference()["reliability"])
    assert ours.sd == pytest.approx(want["sd_pre"], abs=CLOSED_FORM_TOL)
    np.testing.assert_allclose(ours.rci, want["rci"], rtol=0, atol=CLOSED_FORM_TOL)
    assert list(ours.category) == want["rci_class"]


def test_sample_size_equals_power_t_test_rounded_up() -> None:
    for row in reference()["power"]:
        ours = sample_size(row["d"], row["power"], row["alpha"])
        assert ours.n_per_arm == row["n_per_arm"], row
        # R's uniroot stops at ~1e-4, so its unrounded root is only that close to the exact one.
        assert ours.n_exact == pytest.approx(row["n_root"], abs=1e-3)
        achieved = t_test_power(row["n_per_arm"], row["d"], row["alpha"])
        assert achieved == pytest.approx(row["achieved_power"], abs=CLOSED_FORM_TOL)
