"""The pool of a version against R metafor (tests/fixtures/evidence/make_fixtures.R), to 1e-6.

REML with Hartung–Knapp and the ad hoc correction; in both multi-study scenarios the knha variance factor is
below 1, so the ad hoc interval is wider than the plain Hartung–Knapp one (the overstatement issue 14 found).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bondwell.evidence.pool import PoolRow, analysis
from tests.tolerances import CLOSED_FORM

REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" / "evidence" / "pool.json").read_text("utf-8"))
TOL = CLOSED_FORM


def _rows(scenario: dict[str, Any]) -> list[PoolRow]:
    return [PoolRow(r["label"], r["label"], r["n1"], r["m1"], r["sd1"], r["n2"], r["m2"], r["sd2"])
            for r in scenario["rows"]]  # fmt: skip


@pytest.mark.parametrize("name", ["after_form", "after_csv"])
def test_the_pool_equals_metafor(name: str) -> None:
    ref = REFERENCE[name]
    assert ref["s2w_knha"] < 1
    a = analysis("main", "All", _rows(ref))
    assert [s["yi"] for s in a["studies"]] == pytest.approx(ref["yi"], abs=TOL)
    assert [s["vi"] for s in a["studies"]] == pytest.approx(ref["vi"], abs=TOL)
    assert [s["weight"] for s in a["studies"]] == pytest.approx(ref["weights"], abs=TOL)
    assert [s["ci_low"] for s in a["studies"]] == pytest.approx(ref["study_ci_lb"], abs=TOL)
    assert [s["ci_high"] for s in a["studies"]] == pytest.approx(ref["study_ci_ub"], abs=TOL)
    pairs = [("estimate", "estimate"), ("ci_low", "ci_lb"), ("ci_high", "ci_ub"), ("pi_low", "pi_lb"),
             ("pi_high", "pi_ub"), ("tau2", "tau2"), ("i2", "I2"), ("q", "QE"), ("q_pvalue", "QEp")]  # fmt: skip
    for ours, theirs in pairs:
        assert a[ours] == pytest.approx(ref[theirs], abs=TOL), ours


def test_one_study_is_its_own_effect_with_no_pooled_estimate() -> None:
    ref = REFERENCE["shipped"]
    a = analysis("main", "All", _rows(ref))
    assert a["studies"][0]["yi"] == pytest.approx(ref["yi"], abs=TOL)
    assert a["studies"][0]["vi"] == pytest.approx(ref["vi"], abs=TOL)
    assert a["studies"][0]["ci_low"] == pytest.approx(ref["study_ci_lb"], abs=TOL)
    assert a["studies"][0]["ci_high"] == pytest.approx(ref["study_ci_ub"], abs=TOL)
    assert "estimate" not in a
    assert "pi_low" not in a
