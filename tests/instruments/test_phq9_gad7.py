"""PHQ-9 exhaustively in bulk (4**9 patterns), GAD-7 exhaustively one by one (4**7), against the oracle."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bondwell.instruments import load, score, score_many
from tests.instruments.oracle import GAD7_BANDS, PHQ9_BANDS, band_of


def _all_patterns(items: int) -> np.ndarray:
    codes = np.arange(4**items, dtype=np.int64)
    return np.stack([(codes // 4**j) % 4 for j in range(items)], axis=1)


def test_phq9_every_pattern_in_bulk():
    phq9 = load("phq9")
    patterns = _all_patterns(9)
    bulk = score_many(phq9, patterns)
    totals = patterns.sum(axis=1)  # PHQ-9 scores every item 0..3 top to bottom
    np.testing.assert_array_equal(bulk.totals, totals)
    keys = np.array([band.key for band in phq9.bands], dtype=object)
    expected = np.array([band_of(PHQ9_BANDS, int(t)) for t in range(28)], dtype=object)[totals]
    np.testing.assert_array_equal(keys[bulk.band_index], expected)
    np.testing.assert_array_equal(bulk.flags["self_harm"], patterns[:, 8] > 0)


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_single_response_agrees_with_the_oracle_and_bulk(positions):
    phq9 = load("phq9")
    answers = {f"q{j + 1}": p for j, p in enumerate(positions)}
    result = score(phq9, answers)
    assert result.total == sum(positions)
    assert result.band.key == band_of(PHQ9_BANDS, sum(positions))
    assert ("self_harm" in result.flags) == (positions[8] > 0)
    assert result == score_many(phq9, np.array([positions])).score_at(0)


def test_gad7_every_pattern_one_by_one():
    gad7 = load("gad7")
    for positions in itertools.product(range(4), repeat=7):
        result = score(gad7, {f"q{j + 1}": p for j, p in enumerate(positions)})
        assert result.total == sum(positions)
        assert result.band.key == band_of(GAD7_BANDS, sum(positions))
        assert result.flags == frozenset()
