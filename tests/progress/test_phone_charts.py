"""The numbers her phone draws: one series, plain band labels, bands cut at the chart's top, ISO dates."""

from __future__ import annotations

from datetime import date

from bondwell.instruments import Band
from bondwell.progress.charts import plain_band_label, practice_chart_data, score_chart_data
from bondwell.progress.series import CourseSpan, PracticeWeek, ScorePoint


def _band(key: str, low: int, high: int, label: str) -> Band:
    return Band(key=key, minimum=low, maximum=high, label=label, mother_message="", clinician_action="",
                urgent=False, source="")


def test_band_labels_are_short_plain_words() -> None:
    assert plain_band_label("Score in the usual range") == "Usual range"
    assert plain_band_label("Score suggests symptoms worth talking about") == "Worth talking about"
    assert plain_band_label("Something else") == "Something else"


def test_score_chart_data_has_one_series_and_bands_within_the_axis() -> None:
    bands = [_band("a", 0, 9, "Score in the usual range"), _band("b", 10, 40, "Score suggests symptoms worth "
                                                                              "talking about")]
    points = [ScorePoint(date(2025, 1, 2), 14, "b", 1), ScorePoint(date(2025, 3, 4), 8, "a", 2)]
    data = score_chart_data(points, bands, title="T", description="D", y_max=30,
                            courses=[CourseSpan("Spring", date(2025, 1, 10), date(2025, 2, 10), 5, 4)])
    assert data["points"] == [{"x": "2025-01-02", "y": 14}, {"x": "2025-03-04", "y": 8}]
    assert [b["max"] for b in data["bands"]] == [9, 30]
    assert [b["label"] for b in data["bands"]] == ["Usual range", "Worth talking about"]
    assert data["courses"] == [{"from": "2025-01-10", "to": "2025-02-10", "label": "Spring"}]
    assert data["cutoff"] is None
    assert data["kind"] == "scores"


def test_practice_chart_data_scales_to_the_larger_of_minutes_and_target() -> None:
    weeks = [PracticeWeek(date(2025, 1, 6), 25, 2), PracticeWeek(date(2025, 1, 13), 40, 3)]
    data = practice_chart_data(weeks, title="T", description="D", target=60)
    assert data["y_max"] == 60
    assert data["target"] == 60
    assert [p["y"] for p in data["points"]] == [25, 40]
