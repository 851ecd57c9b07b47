"""Synthetic trials look like EPDS trials: right scale, spread, drop-out, balance and effect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bondwell.stats.trial import ancova_by_week, prepare_trial, synth_trial


@pytest.fixture(scope="module")
def large() -> pd.DataFrame:
    return synth_trial(4000, seed=1, effect_size=0.5, attrition=0.3, sites=6)


def test_same_seed_same_trial_and_columns_as_documented() -> None:
    a = synth_trial(50, seed=9)
    pd.testing.assert_frame_equal(a, synth_trial(50, seed=9))
    assert not a.equals(synth_trial(50, seed=10))
    assert list(a.columns) == ["participant", "site", "arm", "week", "epds", "adherence_minutes_per_week"]


def test_scores_are_epds_integers_with_a_realistic_baseline(large: pd.DataFrame) -> None:
    assert large["epds"].dtype.kind == "i"
    assert large["epds"].between(0, 30).all()
    baseline = large.loc[large["week"] == 0, "epds"]
    assert len(baseline) == 4000
    assert 14.5 < baseline.mean() < 15.5
    assert 3.5 < baseline.std() < 4.5


def test_drop_out_grows_with_time_and_reaches_the_requested_attrition(large: pd.DataFrame) -> None:
    seen = large.groupby("week")["participant"].nunique() / 4000
    assert list(seen.index) == [0, 6, 13, 26, 52]
    assert np.all(np.diff(seen.to_numpy()) < 0)
    # 30% drop-out by the last wave, then 3% of remaining single visits missed.
    assert seen[52] == pytest.approx(0.7 * 0.97, abs=0.03)


def test_arms_are_balanced_within_sites_and_only_the_intervention_practises(large: pd.DataFrame) -> None:
    people = large.drop_duplicates("participant")
    per_site = people.groupby(["site", "arm"]).size().unstack()
    assert (abs(per_site["control"] - per_site["intervention"]) <= 1).all()
    assert (people.loc[people["arm"] == "control", "adherence_minutes_per_week"] == 0).all()
    assert people.loc[people["arm"] == "intervention", "adherence_minutes_per_week"].mean() == pytest.approx(
        60, rel=0.1
    )


def test_intervention_improves_by_the_requested_effect_size(large: pd.DataFrame) -> None:
    last = ancova_by_week(prepare_trial(large, "epds")).effects[-1]
    # effect_size 0.5 of the baseline SD of 4: about 2 points lower at week 52 (rounding and clipping aside).
    assert last.week == 52
    assert -2.4 < last.estimate < -1.6


def test_impossible_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="attrition"):
        synth_trial(10, seed=1, attrition=1.0)
    with pytest.raises(ValueError, match="week 0"):
        synth_trial(10, seed=1, weeks=(4, 8))
