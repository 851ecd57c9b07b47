"""Bad trial files are refused with the row and column named; good ones keep missing visits as missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bondwell.stats.trial import TrialDataError, load_trial_csv
from bondwell.stats.trial.data import parse_arms

HEADER = "participant,arm,week,epds\n"
GOOD_ROWS = [
    "P1,control,0,14",
    "P1,control,6,12",
    "P2,intervention,0,16",
    "P2,intervention,6,",
    "P3,intervention,0,11",
    "P3,intervention,6,9",
]


def _write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "trial.csv"
    path.write_text(header + "\n".join(rows) + "\n")
    return path


def _problems(tmp_path: Path, rows: list[str], header: str = HEADER) -> str:
    with pytest.raises(TrialDataError) as caught:
        load_trial_csv(_write(tmp_path, rows, header), "epds")
    return str(caught.value)


def test_good_file_attaches_baselines_and_keeps_blank_follow_up_as_missing(tmp_path: Path) -> None:
    data = load_trial_csv(_write(tmp_path, GOOD_ROWS), "epds")
    frame = data.frame.set_index(["participant", "week"])
    assert frame.loc[("P3", 6), "baseline"] == 11
    assert frame["value"].isna().sum() == 1
    assert len(data.follow_up) == 2
    assert data.weeks == (6,)


def test_missing_outcome_column_is_named(tmp_path: Path) -> None:
    message = _problems(tmp_path, ["P1,control,0,14"], header="participant,arm,week,phq9\n")
    assert "missing column 'epds'" in message


def test_arm_other_than_control_or_intervention_is_named_by_row(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS[:2], "P2,placebo,0,16", *GOOD_ROWS[3:]]
    message = _problems(tmp_path, rows)
    assert "row 3 (line 4), column 'arm': 'placebo'" in message


def test_non_numeric_outcome_is_named_by_row_and_column(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS[:5], "P3,intervention,6,nine"]
    assert "row 6 (line 7), column 'epds': 'nine' is not a number" in _problems(tmp_path, rows)


@pytest.mark.parametrize("week", ["six", "1.5", "-6"])
def test_week_must_be_a_whole_number_from_zero(tmp_path: Path, week: str) -> None:
    rows = [*GOOD_ROWS[:1], f"P1,control,{week},12", *GOOD_ROWS[2:]]
    assert "row 2 (line 3), column 'week'" in _problems(tmp_path, rows)


def test_participant_without_baseline_is_kept_and_listed(tmp_path: Path) -> None:
    # As R: lm/lmer drop a participant without a baseline (na.omit); the data is not refused.
    path = tmp_path / "trial.csv"
    path.write_text(HEADER + "\n".join([*GOOD_ROWS, "P4,control,6,10"]) + "\n")
    data = load_trial_csv(path, "epds")
    assert data.no_baseline == ("P4",)
    assert "P4" not in set(data.modelled["participant"])


def test_blank_baseline_counts_as_no_baseline(tmp_path: Path) -> None:
    path = tmp_path / "trial.csv"
    path.write_text(HEADER + "\n".join(["P1,control,0,", *GOOD_ROWS[1:]]) + "\n")
    assert load_trial_csv(path, "epds").no_baseline == ("P1",)


def test_arm_labels_match_in_any_case_or_through_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "trial.csv"
    path.write_text(HEADER + "P1,Control,0,10\nP1,CONTROL,6,9\nP2,Massage,0,12\nP2,massage,6,8\n")
    with pytest.raises(TrialDataError, match="row 3 \\(line 4\\), column 'arm'"):
        load_trial_csv(path, "epds")
    data = load_trial_csv(path, "epds", arms=parse_arms("MASSAGE=intervention"))
    assert list(data.frame["arm"]) == ["control", "control", "intervention", "intervention"]
    with pytest.raises(TrialDataError, match="--arms: 'Massage=treated'"):
        parse_arms("Massage=treated")


def test_duplicate_participant_week_names_both_rows(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "P1,control,6,13"]
    message = _problems(tmp_path, rows)
    assert "row 7 (line 8)" in message
    assert "participant 'P1' week 6 already given at row 2 (line 3)" in message


def test_participant_switching_arm_is_refused(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS[:1], "P1,intervention,6,12", *GOOD_ROWS[2:]]
    assert "row 2 (line 3), column 'arm': participant 'P1' is in 'control'" in _problems(tmp_path, rows)


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    rows = ["P1,control,0,x", "P1,ctrl,6,12", *GOOD_ROWS[2:]]
    with pytest.raises(TrialDataError) as caught:
        load_trial_csv(_write(tmp_path, rows), "epds")
    assert len(caught.value.problems) == 2
