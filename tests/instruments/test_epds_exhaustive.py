"""Every one of the 4**10 EPDS answer patterns, scored by the engine and by the independent oracle."""

from __future__ import annotations

import numpy as np
import pytest

from bondwell.instruments import load, score, score_many
from tests.instruments.oracle import EPDS_ANXIETY_ITEMS, EPDS_AU_BANDS, EPDS_KEY

PATTERNS = 4**10


@pytest.fixture(scope="module")
def all_patterns() -> np.ndarray:
    # Row r holds the base-4 digits of r: pattern r answers item j with digit j.
    codes = np.arange(PATTERNS, dtype=np.int64)
    return np.stack([(codes // 4**j) % 4 for j in range(10)], axis=1)


@pytest.fixture(scope="module")
def oracle(all_patterns: np.ndarray) -> dict[str, np.ndarray]:
    table = np.array([EPDS_KEY[item] for item in range(1, 11)])
    item_scores = table[np.arange(10), all_patterns]
    totals = item_scores.sum(axis=1)
    band = np.empty(PATTERNS, dtype=object)
    for low, high, key in EPDS_AU_BANDS:
        band[(totals >= low) & (totals <= high)] = key
    return {
        "total": totals,
        "anxiety": item_scores[:, [i - 1 for i in EPDS_ANXIETY_ITEMS]].sum(axis=1),
        "band": band,
        "self_harm": item_scores[:, 9] > 0,
    }


def test_bulk_scoring_matches_the_oracle_on_every_pattern(all_patterns, oracle):
    epds = load("epds")
    bulk = score_many(epds, all_patterns)
    keys = np.array([band.key for band in epds.bands], dtype=object)
    assert bulk.valid.all()
    np.testing.assert_array_equal(bulk.totals, oracle["total"])
    np.testing.assert_array_equal(bulk.subscales["anxiety"], oracle["anxiety"])
    np.testing.assert_array_equal(keys[bulk.band_index], oracle["band"])
    np.testing.assert_array_equal(bulk.flags["self_harm"], oracle["self_harm"])


def test_every_total_from_0_to_30_occurs(oracle):
    assert set(oracle["total"].tolist()) == set(range(31))


def test_single_response_scoring_matches_the_oracle_and_the_bulk_path(all_patterns, oracle):
    epds = load("epds")
    # Every 61st pattern (17,190 responses) plus both extremes keeps the per-response loop fast.
    rows = np.unique(np.concatenate([np.arange(0, PATTERNS, 61), [PATTERNS - 1]]))
    bulk = score_many(epds, all_patterns[rows])
    for index, row in enumerate(rows.tolist()):
        answers = {f"q{j + 1}": int(all_patterns[row, j]) for j in range(10)}
        single = score(epds, answers)
        assert single == bulk.score_at(index)
        assert single.total == oracle["total"][row]
        assert single.subscales == {"anxiety": oracle["anxiety"][row]}
        assert single.band.key == oracle["band"][row]
        assert ("self_harm" in single.flags) == oracle["self_harm"][row]
        assert single.definition_version == epds.version
