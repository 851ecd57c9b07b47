"""Properties over every instrument: totals stay in range, answering 'worse' never lowers a result, and the
bulk path agrees with the single-response path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bondwell.instruments import Instrument, available, load, score, score_many

INSTRUMENTS = {name: load(name) for name in available()}


@st.composite
def responses(draw: st.DrawFn, instrument: Instrument) -> dict[str, int]:
    return {item.key: draw(st.integers(0, len(item.options) - 1)) for item in instrument.items}


def _worse_position(instrument: Instrument, key: str, position: int) -> int | None:
    """A position on the same item that scores exactly one point more, if there is one."""
    item = instrument.item(key)
    target = item.score_of(position) + 1
    return next((o.position for o in item.options if o.score == target), None)


@pytest.mark.parametrize("name", sorted(INSTRUMENTS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_total_and_subscales_stay_within_their_range(name, data):
    instrument = INSTRUMENTS[name]
    result = score(instrument, data.draw(responses(instrument)))
    assert 0 <= result.total <= instrument.max_total
    assert result.band.contains(result.total)
    for subscale in instrument.subscales:
        assert 0 <= result.subscales[subscale.key] <= result.total


@pytest.mark.parametrize("name", sorted(INSTRUMENTS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_worse_answer_never_lowers_the_total_band_or_flags(name, data):
    instrument = INSTRUMENTS[name]
    answers = data.draw(responses(instrument))
    key = data.draw(st.sampled_from(instrument.item_keys))
    worse = _worse_position(instrument, key, answers[key])
    if worse is None:
        return  # already the highest-scoring option
    before, after = score(instrument, answers), score(instrument, {**answers, key: worse})
    band_keys = [band.key for band in instrument.bands]
    assert after.total == before.total + 1
    assert band_keys.index(after.band.key) >= band_keys.index(before.band.key)
    assert after.flags >= before.flags


@pytest.mark.parametrize("name", sorted(INSTRUMENTS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_bulk_equals_single_response_scoring(name, data):
    instrument = INSTRUMENTS[name]
    batch = data.draw(st.lists(responses(instrument), min_size=1, max_size=30))
    matrix = np.array([[answers[key] for key in instrument.item_keys] for answers in batch])
    bulk = score_many(instrument, matrix)
    assert [bulk.score_at(row) for row in range(len(batch))] == [score(instrument, a) for a in batch]


@pytest.mark.parametrize("name", sorted(INSTRUMENTS))
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_bulk_flags_on_invalid_rows_match_risk_flags_on_the_valid_answers(name, data):
    from bondwell.instruments import risk_flags

    instrument = INSTRUMENTS[name]
    row = [data.draw(st.integers(-2, len(item.options) + 1)) for item in instrument.items]
    bulk = score_many(instrument, np.array([row]))
    answers = {item.key: value for item, value in zip(instrument.items, row, strict=True)}
    assert bulk.flags_at(0) == risk_flags(instrument, answers)
    in_range = [0 <= v < len(i.options) for i, v in zip(instrument.items, row, strict=True)]
    assert bool(bulk.valid[0]) == all(in_range)
