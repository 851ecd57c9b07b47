"""Effect sizes against values printed by R metafor 3.8-1 `escalc` (full sets: tests/fixtures/metafor)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bondwell.stats.effect_sizes import escalc, generic, log_or, log_rr, md, rd, small_sample_correction, smd

COUNTS = ([0, 3, 0], [10, 7, 10], [2, 4, 0], [8, 6, 10])


def test_smd_matches_metafor_escalc() -> None:
    es = smd([10, 12, 3], [2, 3, 1], [10, 20, 400], [9, 13, 2.5], [2.5, 3, 1.2], [12, 18, 380])
    np.testing.assert_allclose(es.yi, [0.420327701681328, -0.326332129718061, 0.453294062685494], rtol=1e-12)
    np.testing.assert_allclose(es.vi, [0.187348682806077, 0.106956774751428, 0.00526329401612863], rtol=1e-12)


def test_zero_cells_get_one_half_in_every_cell_like_metafor() -> None:
    rr = log_rr(*COUNTS)
    np.testing.assert_allclose(rr.yi, [-1.6094379124341, -0.287682072451781, 0.0], atol=1e-12)
    np.testing.assert_allclose(rr.vi, [2.21818181818182, 0.383333333333333, 3.81818181818182], rtol=1e-12)
    diff = rd(*COUNTS)
    np.testing.assert_allclose(diff.yi, [-0.181818181818182, -0.1, 0.0], atol=1e-12)
    np.testing.assert_allclose(diff.vi, [0.0199098422238918, 0.045, 0.00788880540946657], rtol=1e-12)


def test_drop00_removes_double_zero_studies() -> None:
    assert np.isnan(log_or(*COUNTS, drop00=True).yi[2])
    assert np.isfinite(log_or(*COUNTS).yi[2])


def test_arrays_are_read_only() -> None:
    es = md([1.0], [1.0], [5], [0.0], [1.0], [5])
    with pytest.raises(ValueError, match="read-only"):
        es.yi[0] = 3.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"yi": [1.0], "vi": [-1.0]}, "negative"),
        ({"yi": [1.0]}, "needs column vi"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        escalc("GEN", **kwargs)


def test_negative_sd_is_refused() -> None:
    with pytest.raises(ValueError, match="standard deviations"):
        smd([1], [-1], [5], [0], [1], [5])


@given(st.floats(min_value=2.5, max_value=300.0))
def test_correction_is_below_one_and_close_to_approximation(m: float) -> None:
    exact = float(small_sample_correction(np.array([m]))[0])
    assert 0 < exact < 1
    assert exact == pytest.approx(1 - 3 / (4 * m - 1), abs=0.1 / m**2)


def test_generic_keeps_labels() -> None:
    assert generic([0.1, 0.2], [0.01, 0.02], slab=["a", "b"]).slab == ("a", "b")
