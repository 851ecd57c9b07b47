"""PBQ scoring against the published key: reversed items, four scales and their cut-offs, total cut-off."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bondwell.instruments import load, score
from tests.instruments.oracle import (
    PBQ_SCALE_CUTOFFS,
    PBQ_SCALES,
    PBQ_TOTAL_CUTOFF,
    pbq_item_score,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=25, max_size=25))
def test_pbq_scores_match_the_published_key(positions):
    result = score(load("pbq"), {f"q{n}": p for n, p in enumerate(positions, start=1)})
    item_scores = {n: pbq_item_score(n, p) for n, p in enumerate(positions, start=1)}
    assert result.total == sum(item_scores.values())
    for scale, items in PBQ_SCALES.items():
        value = sum(item_scores[n] for n in items)
        assert result.subscales[scale] == value
        expected = "at_or_above_cutoff" if value >= PBQ_SCALE_CUTOFFS[scale] else "below_cutoff"
        assert result.subscale_bands[scale].key == expected
    expected_band = "at_or_above_cutoff" if result.total >= PBQ_TOTAL_CUTOFF else "below_cutoff"
    assert result.band.key == expected_band
    # Scale 4 at or above 2, or any answer other than "Never" (position 5) on item 18 or item 24.
    harm_answered = positions[17] != 5 or positions[23] != 5
    assert ("infant_harm" in result.flags) == (result.subscales["risk_of_abuse"] >= 2 or harm_answered)


def test_a_mother_answering_the_warmest_option_everywhere_scores_zero():
    pbq = load("pbq")
    # Positive items: Always (position 0) is warmest; negative items: Never (position 5).
    warmest = {item.key: min(item.options, key=lambda o: o.score).position for item in pbq.items}
    result = score(pbq, warmest)
    assert (result.total, result.flags) == (0, frozenset())
    assert warmest["q1"] == 0
    assert warmest["q2"] == 5
