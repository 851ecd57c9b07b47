"""Extracted numbers outside what a trial can report are refused by field, never pooled."""

from __future__ import annotations

import pytest

from bondwell.evidence.review.extraction import clean

VALID = {
    "n_massage": "20", "mean_massage": "9.5", "sd_massage": "4.1",
    "n_control": "21", "mean_control": "12.0", "sd_control": "4.4",
    "source": "Table 2",
}


def _errors(**changes: str) -> dict[str, str]:
    return clean({**VALID, **changes})[1]


@pytest.mark.parametrize("value", ["100000000000000000000", "1e20", "10000001"])
def test_a_group_larger_than_any_trial_is_refused_by_its_field(value: str) -> None:
    assert "n_massage" in _errors(n_massage=value)


def test_a_group_of_ten_million_is_still_accepted() -> None:
    assert "n_control" not in _errors(n_control="10000000")


def test_a_standard_deviation_wider_than_the_scale_allows_is_refused() -> None:
    assert "sd_control" in _errors(sd_control="15.5")
    assert "sd_control" not in _errors(sd_control="15")
