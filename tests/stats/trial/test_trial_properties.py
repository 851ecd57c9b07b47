"""Properties that must hold for any data: symmetries, invariances and the meaning of "rounded up"."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bondwell.stats.trial import (
    ancova_by_week,
    fit_mixed_model,
    paired_change,
    prepare_trial,
    reliable_change,
    sample_size,
    synth_trial,
    t_test_power,
)

# Derandomised so every run checks the same examples (tests must be deterministic); no example database.
SMALL = settings(max_examples=25, deadline=None, derandomize=True, database=None)
FITS = settings(max_examples=8, deadline=None, derandomize=True, database=None)

effects = st.floats(0.15, 1.5)
powers = st.floats(0.5, 0.95)
alphas = st.sampled_from([0.01, 0.025, 0.05, 0.1])


@SMALL
@given(d1=effects, d2=effects, power=powers, alpha=alphas)
def test_sample_size_never_grows_when_the_difference_grows(
    d1: float, d2: float, power: float, alpha: float
) -> None:
    small, large = sorted((d1, d2))
    assert sample_size(small, power, alpha).n_per_arm >= sample_size(large, power, alpha).n_per_arm


@SMALL
@given(d=effects, p1=powers, p2=powers, alpha=alphas)
def test_sample_size_never_shrinks_when_more_power_is_asked(
    d: float, p1: float, p2: float, alpha: float
) -> None:
    low, high = sorted((p1, p2))
    assert sample_size(d, low, alpha).n_per_arm <= sample_size(d, high, alpha).n_per_arm


@SMALL
@given(d=effects, power=powers, alpha=alphas)
def test_n_per_arm_is_the_smallest_n_reaching_the_power(d: float, power: float, alpha: float) -> None:
    n = sample_size(d, power, alpha).n_per_arm
    assert t_test_power(n, d, alpha) >= power - 1e-12
    if n > 2:
        assert t_test_power(n - 1, d, alpha) < power


@SMALL
@given(d=effects, r=st.floats(0, 0.9), attrition=st.floats(0, 0.5), icc=st.floats(0, 0.2),
       m=st.integers(1, 15))
def test_adjustments_move_n_in_the_expected_direction(
    d: float, r: float, attrition: float, icc: float, m: int
) -> None:
    plain = sample_size(d)
    ancova_only = sample_size(d, baseline_correlation=r)
    losses_only = sample_size(d, attrition=attrition, icc=icc, cluster_size=m)
    assert ancova_only.n_per_arm_adjusted <= plain.n_per_arm
    assert losses_only.n_per_arm_adjusted >= plain.n_per_arm
    assert losses_only.n_total == 2 * losses_only.n_per_arm_adjusted


scores = st.lists(st.integers(0, 30), min_size=3, max_size=40)


@SMALL
@given(pre=scores, post_seed=st.integers(0, 10_000))
def test_rci_classification_is_symmetric_under_swapping_pre_and_post(pre: list[int], post_seed: int) -> None:
    post = np.random.default_rng(post_seed).integers(0, 31, len(pre))
    sd = 4.0
    forward = reliable_change(pre, post, sd=sd)
    backward = reliable_change(post, pre, sd=sd)
    mirror = {"improved": "deteriorated", "deteriorated": "improved",
              "no reliable change": "no reliable change"}
    assert list(backward.category) == [mirror[c] for c in forward.category]
    np.testing.assert_allclose(backward.rci, -forward.rci)
    higher_better = reliable_change(pre, post, sd=sd, lower_is_better=False)
    assert list(higher_better.category) == [mirror[c] for c in forward.category]


@SMALL
@given(pre=scores, shift=st.integers(-5, 5))
def test_rci_does_not_depend_on_where_the_scale_starts(pre: list[int], shift: int) -> None:
    post = [min(30, max(0, x - 3)) for x in pre]
    base = reliable_change(pre, post, sd=4.0)
    moved = reliable_change([x + shift for x in pre], [x + shift for x in post], sd=4.0)
    np.testing.assert_allclose(moved.rci, base.rci)


@SMALL
@given(seed=st.integers(0, 10_000), n=st.integers(5, 60))
def test_paired_change_reverses_sign_when_pre_and_post_swap(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    pre = rng.normal(15, 4, n)
    post = pre - 2 + rng.normal(0, 3, n)
    forward, backward = paired_change(pre, post), paired_change(post, pre)
    assert backward.mean_change == pytest.approx(-forward.mean_change)
    assert backward.p == pytest.approx(forward.p)
    assert forward.ci_low < forward.mean_change < forward.ci_high
    assert np.sign(forward.hedges_g) == np.sign(forward.mean_change)


@FITS
@given(seed=st.integers(0, 10_000))
def test_swapping_the_arm_labels_negates_every_arm_effect(seed: int) -> None:
    frame = synth_trial(60, seed=seed, effect_size=0.5, attrition=0.3, sites=2)
    swapped = frame.assign(arm=frame["arm"].map({"control": "intervention", "intervention": "control"}))
    a, b = prepare_trial(frame, "epds"), prepare_trial(swapped, "epds")
    for x, y in zip(ancova_by_week(a).effects, ancova_by_week(b).effects, strict=True):
        assert y.estimate == pytest.approx(-x.estimate, abs=1e-9)
        assert y.se == pytest.approx(x.se, rel=1e-9)
    ma, mb = fit_mixed_model(a), fit_mixed_model(b)
    assert mb.tau2 == pytest.approx(ma.tau2, rel=1e-5, abs=1e-8)
    for mx, my in zip(ma.effects, mb.effects, strict=True):
        assert my.estimate == pytest.approx(-mx.estimate, abs=1e-6)
        assert my.se == pytest.approx(mx.se, rel=1e-5)


@FITS
@given(seed=st.integers(0, 10_000), shift=st.floats(-50, 50), scale=st.floats(0.2, 5))
def test_mixed_model_is_equivariant_to_the_units_of_the_outcome(
    seed: int, shift: float, scale: float
) -> None:
    frame = synth_trial(60, seed=seed, effect_size=0.5, attrition=0.3, sites=2)
    rescaled = frame.assign(epds=frame["epds"] * scale + shift)
    base = fit_mixed_model(prepare_trial(frame, "epds"))
    moved = fit_mixed_model(prepare_trial(rescaled, "epds"))
    assert moved.sigma2 == pytest.approx(base.sigma2 * scale**2, rel=1e-5)
    assert moved.tau2 == pytest.approx(base.tau2 * scale**2, rel=1e-4, abs=1e-8 * scale**2)
    for x, y in zip(base.effects, moved.effects, strict=True):
        assert y.estimate == pytest.approx(x.estimate * scale, rel=1e-5, abs=1e-8)
