"""The page's pool against R metafor on the same rows (fixture made by tests/fixtures/evidence/make_fixtures.R)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from bondwell.evidence.pool import PoolRow, fmt, pool
from bondwell.evidence.services import pool_rows, primary_outcomes
from tests.evidence.conftest import valid_study

FIXTURE = Path(__file__).parents[1] / "fixtures" / "evidence" / "pool.json"
TOL = 1e-6
R = json.loads(FIXTURE.read_text(encoding="utf-8"))


def rows_of(scenario: dict[str, Any]) -> list[PoolRow]:
    return [
        PoolRow(r["label"], r["label"], int(r["n1"]), r["m1"], r["sd1"], int(r["n2"]), r["m2"], r["sd2"])
        for r in scenario["rows"]
    ]


def assert_matches_r(rows: list[PoolRow], expected: dict[str, Any]) -> None:
    result = pool(rows).result
    assert result is not None
    np.testing.assert_allclose(result.yi, np.atleast_1d(expected["yi"]), atol=TOL)
    np.testing.assert_allclose(result.vi, np.atleast_1d(expected["vi"]), atol=TOL)
    for ours, theirs in [
        (result.estimate, expected["estimate"]), (result.ci_low, expected["ci_lb"]),
        (result.ci_high, expected["ci_ub"]), (result.tau2, expected["tau2"]), (result.i2, expected["I2"]),
        (result.q, expected["QE"]),
    ]:  # fmt: skip
        assert ours == pytest.approx(theirs, abs=TOL)
    assert result.pi_low == pytest.approx(expected["pi_lb"], abs=TOL)
    assert result.pi_high == pytest.approx(expected["pi_ub"], abs=TOL)
    np.testing.assert_allclose(result.weights, np.atleast_1d(expected["weights"]), atol=1e-4)


@pytest.mark.parametrize("name", ["shipped", "after_form", "after_csv"])
def test_the_pool_matches_metafor(name: str) -> None:
    assert_matches_r(rows_of(R[name]), R[name])


def test_the_page_after_a_researcher_adds_a_study_shows_metafors_estimate(
    client_as: Any, world: Any, shipped: None
) -> None:
    researcher = client_as(world.users["researcher"])
    researcher.post(reverse("evidence-add"), valid_study())
    assert_matches_r(pool_rows(primary_outcomes()), R["after_form"])
    html = researcher.get(reverse("evidence")).content.decode()
    assert f'data-testid="pooled-g">{fmt(R["after_form"]["estimate"])}<' in html
