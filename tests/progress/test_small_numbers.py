"""The one small-number rule over every dashboard figure: no figure, and no difference of two figures, reveals a
count of 1 to 4 (issue 16)."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bondwell.progress import dashboard, presented
from bondwell.progress.dashboard import AlertResponse, BookingRow
from bondwell.progress.small_numbers import THRESHOLD, Count, disclose, reveals_small

LABELS = list(dashboard.FOLLOW_UP_WINDOWS)


@st.composite
def booking(draw: Any, mother_id: int) -> BookingRow:
    classes = draw(st.integers(0, 6))
    held = draw(st.integers(0, classes))
    return BookingRow(
        site_id=1, mother_id=mother_id, course_id=draw(st.integers(1, 3)), classes=classes, held=held,
        present=draw(st.integers(0, held)), baseline=draw(st.none() | st.integers(0, 30)),
        post=draw(st.none() | st.integers(0, 30)),
        follow_ups={label: draw(st.booleans()) for label in LABELS},
        follow_ups_closed={label: draw(st.booleans()) for label in LABELS},
        practice_seconds=draw(st.integers(0, 20_000)), prescribed_minutes=100, dose_weeks=2,
        dose_over=draw(st.booleans()),
    )


@st.composite
def figures(draw: Any) -> dashboard.Figures:
    n = draw(st.integers(0, 40))
    rows = [draw(booking(i)) for i in range(n)]
    raised = draw(st.integers(0, 30))
    acknowledged = draw(st.integers(0, raised))
    alerts = AlertResponse(raised, acknowledged, draw(st.integers(0, acknowledged)),
                           float(draw(st.integers(1, 300))) if acknowledged else None)
    return dashboard.figures(rows, alerts)


def _printed_integers(column: presented.Column) -> set[int]:
    texts = [column.enrolled, *column.participation, *column.outcomes, *column.follow_up, column.alerts]
    found: set[int] = set()
    for shown in texts:
        if not shown.hidden:
            # The values are percentages and a median time (not counts); enrolled is the one count shown as a value.
            text = shown.detail + (" " + shown.value if shown is column.enrolled else "")
            found |= {int(x) for x in re.findall(r"(?<![\d.])\d+(?![\d.%])", text)}
    if column.change_shown:
        found |= {int(x) for x in re.findall(r"n = (\d+)", column.change_detail)}
    return found


@settings(max_examples=300, deadline=None)
@given(figures())
def test_no_figure_or_difference_of_figures_reveals_a_count_under_the_threshold(f: dashboard.Figures) -> None:
    column = presented.present(f)
    for unit, counts in column.counts_shown.items():
        assert reveals_small(counts) == [], f"{unit}: {counts}"
    # Every whole number printed beside a figure is one of the counts the rule let through.
    allowed = {c for counts in column.counts_shown.values() for c in counts}
    assert _printed_integers(column) <= allowed


def test_the_issues_case_finished_17_then_14_is_no_longer_told_both_ways() -> None:
    # 17 whose course ended, 14 finished: the 3 who did not would be revealed.
    shown = disclose([Count("ended", 17), Count("finished", 14), Count("pairs", 14), Count("enrolled", 20)])
    assert "ended" in shown
    assert "finished" not in shown
    assert "pairs" not in shown
    assert "enrolled" not in shown  # 20 − 17 = 3
    # Counts of 1 to 4 are never shown, whatever else is.
    assert disclose([Count("a", 4), Count("b", 1), Count("c", 0), Count("d", THRESHOLD)]) == {"c", "d"}


def test_units_are_kept_apart_and_a_hidden_figure_says_why() -> None:
    assert disclose([Count("mothers", 10), Count("classes", 12, "classes")]) == {"mothers", "classes"}
    rows = [BookingRow(site_id=1, mother_id=i, course_id=1, classes=4, held=4, present=4 if i < 6 else 1,
                       baseline=15, post=10 + (i % 3), follow_ups={k: False for k in LABELS},
                       follow_ups_closed={k: False for k in LABELS}, practice_seconds=0, prescribed_minutes=100,
                       dose_weeks=2, dose_over=False) for i in range(9)]
    column = presented.present(dashboard.figures(rows, AlertResponse(0, 0, 0, None)))
    finished = column.participation[2]
    assert finished.hidden  # 6 of 9 finished: the 3 who did not would be revealed
    assert "would let a group of fewer than 5 be worked out" in finished.detail


def test_the_before_after_chart_is_drawn_only_when_the_change_is_shown() -> None:
    rows = [BookingRow(site_id=1, mother_id=i, course_id=1, classes=4, held=4, present=4, baseline=14 + i % 4,
                       post=9 + i % 5, follow_ups={k: False for k in LABELS},
                       follow_ups_closed={k: False for k in LABELS}, practice_seconds=0, prescribed_minutes=100,
                       dose_weeks=2, dose_over=False) for i in range(12)]
    column = presented.present(dashboard.figures(rows, AlertResponse(0, 0, 0, None)))
    assert column.change_shown
    assert column.before_after.startswith("<svg")
    assert "Mean EPDS before the course" in column.before_after
    assert presented.present(dashboard.figures(rows[:4], AlertResponse(0, 0, 0, None))).before_after == ""


def test_the_demo_dashboard_still_shows_its_change_under_the_rule(db: Any) -> None:
    from bondwell.accounts.access import mothers_in_scope
    from tests.progress.test_demo import load_demo

    context = load_demo()
    lead = context.users["site_lead"]
    board = dashboard.build(mothers_in_scope(lead), {lead.site_id: lead.site.name}, dashboard.Filters())
    column = presented.present(board.overall)
    for unit, counts in column.counts_shown.items():
        assert reveals_small(counts) == [], unit
    assert column.change_shown, column.change_detail
    assert column.before_after.startswith("<svg")
