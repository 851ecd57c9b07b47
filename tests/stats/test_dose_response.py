"""Dose–response OLS and its confidence band against R's lm / confint / predict(interval = "confidence")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.tolerances import CLOSED_FORM

from bondwell.stats.dose_response import OBSERVATIONAL_NOTE, fit_dose_response

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dose_response" / "reference.json"
TOL = CLOSED_FORM
CASES: list[dict[str, Any]] = json.loads(FIXTURE.read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_fit_matches_r_lm(case: dict[str, Any]) -> None:
    fit = fit_dose_response(case["dose"], case["change"])
    assert fit.n == len(case["dose"])
    assert fit.df == case["df"]
    for ours, theirs in [
        (fit.intercept, case["intercept"]), (fit.slope, case["slope"]),
        (fit.intercept_se, case["intercept_se"]), (fit.slope_se, case["slope_se"]),
        (fit.slope_t, case["slope_t"]), (fit.slope_p, case["slope_p"]),
        (fit.residual_sd, case["sigma"]), (fit.r_squared, case["r_squared"]),
    ]:
        assert ours == pytest.approx(theirs, abs=TOL, rel=TOL)
    assert fit.conf_int() == pytest.approx(tuple(case["slope_ci"]), abs=TOL, rel=TOL)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_band_matches_r_predict_confidence(case: dict[str, Any]) -> None:
    fit = fit_dose_response(case["dose"], case["change"])
    band = fit.predict(case["grid"])
    np.testing.assert_allclose(band.fit, case["fit"], atol=TOL, rtol=TOL)
    np.testing.assert_allclose(band.lower, case["lwr"], atol=TOL, rtol=TOL)
    np.testing.assert_allclose(band.upper, case["upr"], atol=TOL, rtol=TOL)
    band90 = fit.predict(case["grid"], level=0.90)
    np.testing.assert_allclose(band90.lower, case["lwr90"], atol=TOL, rtol=TOL)
    np.testing.assert_allclose(band90.upper, case["upr90"], atol=TOL, rtol=TOL)


def test_missing_pairs_are_dropped_and_too_few_refused() -> None:
    fit = fit_dose_response([1, 2, np.nan, 4, 5], [1.0, 2.5, 3.0, np.nan, 5.5])
    assert fit.n == 3
    with pytest.raises(ValueError, match="three complete pairs"):
        fit_dose_response([1, 2], [3, 4])
    with pytest.raises(ValueError, match="same"):
        fit_dose_response([2, 2, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="equal length"):
        fit_dose_response([1, 2, 3], [1, 2])


def test_band_stays_on_observed_range_and_says_observational() -> None:
    fit = fit_dose_response([10, 20, 30, 60], [-1, -2, -2, -5])
    band = fit.band(points=5)
    assert band.x[0] == 10
    assert band.x[-1] == 60
    assert "association" in OBSERVATIONAL_NOTE
    assert OBSERVATIONAL_NOTE in fit.summary()


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(
    st.lists(st.floats(0, 300, allow_nan=False), min_size=4, max_size=30, unique=True),
    st.floats(-0.2, 0.2), st.floats(-10, 10),
)
def test_band_contains_the_line_and_is_narrowest_at_the_mean(xs: list[float], b: float, a: float) -> None:
    x = np.array(xs)
    if np.ptp(x) < 1:
        return
    noise = np.sin(np.arange(x.size) * 1.7)  # deterministic, not collinear with x
    fit = fit_dose_response(x, a + b * x + noise)
    band = fit.predict(np.array([x.min(), fit.x_mean, x.max()]))
    assert np.all(band.lower <= band.fit + 1e-12)
    assert np.all(band.fit <= band.upper + 1e-12)
    widths = band.upper - band.lower
    assert widths[1] <= widths[0] + 1e-9
    assert widths[1] <= widths[2] + 1e-9
