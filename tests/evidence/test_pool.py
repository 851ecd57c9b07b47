"""The pool's choice of rows and its plain words; the numbers themselves come from bondwell.stats.meta."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from bondwell.evidence.pool import PoolRow, pool
from bondwell.stats.meta import escalc, rma
from tests.evidence.conftest import arms


def row(key: str, mean_massage: float, n: int = 40, sd: float = 3.0, mean_control: float = 11.0) -> PoolRow:
    return PoolRow(key, key, n, mean_massage, sd, n, mean_control, sd)


def test_no_rows_pool_to_nothing_and_say_so() -> None:
    empty = pool([])
    assert empty.result is None
    assert "nothing is pooled" in empty.effect_text


def test_the_pool_is_the_stats_package_fit_with_reml_and_hartung_knapp() -> None:
    rows = [row("a", 8.0), row("b", 10.5, n=25), row("c", 9.0, n=60, sd=4.0)]
    es = escalc("SMD", **arms(rows))
    expected = rma(es, method="REML", test="knha")
    result = pool(rows).result
    assert result is not None
    assert (result.estimate, result.ci_low, result.ci_high, result.pi_low) == (
        expected.estimate, expected.ci_low, expected.ci_high, expected.pi_low,
    )  # fmt: skip
    assert result.test == "knha"
    assert result.method == "REML"


def test_agreeing_studies_are_described_as_agreeing_and_a_benefit_expected() -> None:
    current = pool([row("a", 8.0), row("b", 8.1), row("c", 7.9)])
    assert "I² = 0%" in current.heterogeneity_text
    assert "little of the spread" in current.heterogeneity_text
    assert "would be expected to see some benefit" in current.prediction_text


def test_disagreeing_studies_are_described_as_disagreeing_and_no_benefit_is_promised() -> None:
    current = pool([row("a", 5.0, n=80), row("b", 11.5, n=80), row("c", 8.0, n=80), row("d", 12.0, n=80)])
    assert current.result is not None
    assert current.result.i2 > 75
    assert "disagree substantially" in current.heterogeneity_text
    assert "might see no benefit" in current.prediction_text
    assert "includes zero" in current.effect_text


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(min_value=2.0, max_value=20.0), min_size=2, max_size=6))
def test_the_pooled_effect_lies_between_the_smallest_and_largest_study_effect(means: list[float]) -> None:
    current = pool([row(f"s{i}", m) for i, m in enumerate(means)])
    assert current.result is not None
    effects = [g for _, g, _, _, _ in current.study_effects()]
    assert min(effects) - 1e-9 <= current.result.estimate <= max(effects) + 1e-9
    assert math.isclose(sum(w for *_, w in current.study_effects()), 100.0)
