"""Behaviour of the trial analyses beyond R replays: populations, edge cases and the printed summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bondwell.stats.trial import (
    EPDS_RELIABILITY,
    EPDS_RELIABLE_CHANGE_POINTS,
    PER_PROTOCOL,
    NotIdentifiableError,
    analyse_trial,
    fit_mixed_model,
    paired_change,
    per_protocol_subset,
    prepare_trial,
    reliable_change,
    sample_size,
    synth_trial,
)


@pytest.fixture(scope="module")
def trial() -> pd.DataFrame:
    return synth_trial(150, seed=21, effect_size=0.6, attrition=0.25, sites=3)


def test_analysis_summary_reads_like_a_trial_report(trial: pd.DataFrame) -> None:
    result = analyse_trial(prepare_trial(trial, "epds", "adherence_minutes_per_week"), per_protocol_min=50)
    text = result.summary()
    for heading in ("ANCOVA of epds", "Linear mixed model of epds", "Hedges' g", "epds below 13 by arm",
                    "intention-to-treat", PER_PROTOCOL):
        assert heading in text
    first = result.intention_to_treat.ancova.effects[0]
    assert f"{first.estimate:.2f}" in text
    assert result.per_protocol is not None
    assert result.per_protocol.label == PER_PROTOCOL


def test_per_protocol_keeps_all_controls_and_only_adherent_intervention_mothers(trial: pd.DataFrame) -> None:
    data = prepare_trial(trial, "epds", "adherence_minutes_per_week")
    subset = per_protocol_subset(data, 60).frame
    kept = subset.groupby("participant").agg(arm=("arm", "first"), adherence=("adherence", "mean"))
    everyone = data.frame.groupby("participant")["arm"].first()
    assert (kept["arm"] == "control").sum() == (everyone == "control").sum()
    assert (kept.loc[kept["arm"] == "intervention", "adherence"] >= 60).all()
    assert (kept["arm"] == "intervention").sum() < (everyone == "intervention").sum()


def test_per_protocol_without_adherence_column_is_refused(trial: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="adherence"):
        analyse_trial(prepare_trial(trial, "epds"), per_protocol_min=30)


def test_one_follow_up_per_mother_leaves_the_mixed_model_out_with_a_note() -> None:
    frame = synth_trial(40, seed=3, attrition=0.0, weeks=(0, 12))
    with pytest.raises(NotIdentifiableError):
        fit_mixed_model(prepare_trial(frame, "epds"))
    report = analyse_trial(prepare_trial(frame, "epds")).intention_to_treat
    assert report.mixed_model is None
    assert report.as_dict()["mixed_model"] is None
    assert "not identifiable" in report.notes[0]
    assert len(report.ancova.effects) == 1


def test_week_with_a_single_arm_is_named() -> None:
    frame = synth_trial(40, seed=3, attrition=0.0)
    frame = frame[~((frame["week"] == 52) & (frame["arm"] == "control"))]
    result = fit_mixed_model(prepare_trial(frame, "epds"))
    assert [s.week for s in result.skipped] == [52]
    assert "only one arm" in result.skipped[0].reason
    assert [e.week for e in result.effects] == [6, 13, 26]
    assert "armintervention:factor(week)52" in result.dropped_columns
    report = analyse_trial(prepare_trial(frame, "epds")).intention_to_treat
    assert [s.week for s in report.ancova.skipped] == [52]
    assert "Not estimated: week 52" in report.summary()


def test_reliable_change_with_epds_defaults_agrees_with_the_four_point_rule() -> None:
    # Cox et al.'s reliability and a baseline SD of 4 give a Jacobson & Truax threshold of Matthey's 4 points.
    result = reliable_change([15, 15, 15, 15], [11, 12, 19, 15], sd=4.0)
    assert result.reliability == EPDS_RELIABILITY
    assert result.reliable_change_threshold == pytest.approx(EPDS_RELIABLE_CHANGE_POINTS, abs=0.01)
    assert result.category == ("improved", "no reliable change", "deteriorated", "no reliable change")
    assert "improved" in result.summary()


def test_reliable_change_uses_the_baseline_sd_by_default() -> None:
    pre = np.array([10.0, 14.0, 18.0, 22.0])
    result = reliable_change(pre, pre - 5)
    assert result.sd == pytest.approx(np.std(pre, ddof=1))


def test_paired_change_drops_incomplete_pairs_and_needs_three() -> None:
    result = paired_change([10, 12, np.nan, 15, 20], [8, 11, 9, np.nan, 15])
    assert result.n == 3
    assert result.mean_change == pytest.approx(np.mean([-2, -1, -5]))
    assert "Paired change" in result.summary()
    with pytest.raises(ValueError, match="three"):
        paired_change([1, 2], [2, 3])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"smd": 0.0}, "non-zero"), ({"smd": 0.5, "power": 1.0}, "power"), ({"smd": 0.5, "alpha": 0.0}, "alpha"),
     ({"smd": 0.5, "attrition": 1.0}, "attrition"), ({"smd": 0.5, "cluster_size": 0.5}, "cluster size")],
)
def test_sample_size_refuses_impossible_inputs(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sample_size(**kwargs)


def test_sample_size_known_textbook_value_and_adjustments() -> None:
    # d = 0.5, 80% power, two-sided 5%: the familiar 64 per arm.
    plain = sample_size(0.5)
    assert plain.n_per_arm == 64
    adjusted = sample_size(0.5, baseline_correlation=0.6, attrition=0.2, icc=0.05, cluster_size=9)
    expected = plain.n_exact * (1 - 0.36) * (1 + 8 * 0.05) / 0.8
    assert adjusted.n_per_arm_adjusted == int(np.ceil(expected))
    assert "n total" in adjusted.summary()


def test_an_outcome_fitted_exactly_is_answered_as_summary_lm_does_never_divided_by_zero() -> None:
    from bondwell.stats.trial.ancova import ancova_week

    # The data on which a randomised test trial once divided by zero: residuals exactly 0.
    baseline = np.array([11.0, 12, 13, 14, 10, 11, 12, 13, 14, 10, 11])
    arm = np.array([1.0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1])
    outcome = np.array([6.0, 10, 8, 9, 8, 6, 10, 11, 9, 8, 6])
    effect = ancova_week(baseline, arm, outcome, week=6)
    assert effect.estimate == pytest.approx(-3.0)
    assert effect.p == pytest.approx(0.0, abs=1e-12)
