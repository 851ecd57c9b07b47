"""Results objects in the metafor / statsmodels style: `level` on every fit, `conf_int(level)`, a summary that
prints and serialises through one JSON serialiser, plots that return a Figure."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.stats.meta.metafor_reference import FIXTURES, as_array, assert_close

from bondwell.stats.meta import rma
from bondwell.stats.results import Summary, jsonable, to_json
from bondwell.stats.trial import analyse_trial, load_trial_csv, paired_change, reliable_change, sample_size

EDGE = json.loads((FIXTURES / "edge_cases.json").read_text())
TRIAL = Path(__file__).resolve().parents[1] / "fixtures" / "trial" / "trial_interim.csv"


@pytest.mark.parametrize("case", EDGE["level90"], ids=lambda c: f"{c['method']}-{c['test']}")
def test_level_sets_every_interval_as_metafor(case: dict) -> None:  # type: ignore[type-arg]
    res = rma(as_array(case["yi"]), as_array(case["vi"]), method=case["method"], test=case["test"], level=0.90)
    assert res.level == 0.90
    assert_close([res.ci_low, res.ci_high], [case["ci_lb"], case["ci_ub"]], "ci at 90%")
    if case["method"] != "FE":
        assert_close([res.pi_low, res.pi_high], [case["pi_lb"], case["pi_ub"]], "pi at 90%")
        interval = res.conf_int()
        assert interval.tau2 is not None
        assert_close(interval.tau2, case["tau2_ci"], "Q-profile at 90%")
    interval = res.conf_int()
    assert interval.level == 0.90
    assert interval.coefficients is not None
    assert_close(interval.coefficients["intrcpt"], case["fixed_ci"], "coefficients at 90%")
    # conf_int(level) at another level, from the same fit
    wider = rma(as_array(case["yi"]), as_array(case["vi"]), method=case["method"], test=case["test"]).conf_int(0.90)
    assert wider.coefficients is not None
    assert_close(wider.coefficients["intrcpt"], case["fixed_ci"], "conf_int(0.90) of a 95% fit")


def test_level_is_checked() -> None:
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        rma([0.1, 0.2], [0.01, 0.02], level=95)


def test_every_summary_prints_and_serialises_through_one_serialiser() -> None:
    res = rma([0.1, 0.3, 0.35, -0.05], [0.01, 0.02, 0.015, 0.03], test="adhoc")
    analysis = analyse_trial(load_trial_csv(TRIAL, "epds"))
    results = [
        res, analysis, analysis.intention_to_treat.ancova, analysis.intention_to_treat.mixed_model,
        analysis.intention_to_treat.hedges_g, analysis.intention_to_treat.below_cutoff,
        paired_change([15, 14, 18, 12], [10, 12, 11, 12]), reliable_change([15, 15, 16], [10, 15, 19], sd=4.0),
        sample_size(0.5),
    ]
    for result in results:
        summary = result.summary()  # type: ignore[union-attr]
        assert isinstance(summary, Summary)
        assert str(summary).strip()
        text = summary.to_json()
        assert "NaN" not in text
        assert json.loads(text) == summary.to_dict()
        assert to_json(result) == to_json(summary.to_dict())  # one serialiser, the same numbers
    assert "Hartung-Knapp, ad hoc correction" in str(res.summary())
    assert res.summary().to_dict()["level"] == 0.95


def test_the_serialiser_turns_nan_and_arrays_into_json() -> None:
    value = {"a": np.float64("nan"), "b": np.arange(3), "c": (1.5, float("inf")), "d": np.int64(4)}
    assert jsonable(value) == {"a": None, "b": [0, 1, 2], "c": [1.5, None], "d": 4}
    with pytest.raises(TypeError, match="cannot serialise object"):
        to_json(object())


def test_trial_results_give_intervals_at_any_level() -> None:
    report = analyse_trial(load_trial_csv(TRIAL, "epds")).intention_to_treat
    assert report.ancova.level == 0.95
    at95 = report.ancova.conf_int()
    for interval, effect in zip(at95, report.ancova.effects, strict=True):
        assert interval.ci_low == pytest.approx(effect.ci_low, rel=1e-12)
        assert interval.ci_high == pytest.approx(effect.ci_high, rel=1e-12)
    for result in (report.ancova, report.mixed_model, report.hedges_g):
        narrow, wide = result.conf_int(0.80), result.conf_int(0.99)  # type: ignore[union-attr]
        for n, w in zip(narrow, wide, strict=True):
            assert w.ci_low < n.ci_low < n.estimate < n.ci_high < w.ci_high
            assert n.level == 0.80
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        report.ancova.conf_int(95)
