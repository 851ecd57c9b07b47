"""The dashboard's filters."""

from __future__ import annotations

from typing import Any

from django import forms

from bondwell.progress.dashboard import SEVERITY_LABELS, Filters


class DashboardFilterForm(forms.Form):
    course = forms.TypedChoiceField(label="Course", required=False, coerce=int, empty_value=None)
    start = forms.DateField(label="Courses starting from", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="to", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    severity = forms.ChoiceField(label="Baseline EPDS", required=False, choices=list(SEVERITY_LABELS.items()))

    def __init__(self, *args: Any, courses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "All courses"), *courses]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the period must be after its start.")
        if start and end and (end - start).days > 3 * 366:
            self.add_error("start", "Choose a period of at most three years.")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(course_id=data.get("course"), start=data.get("start"), end=data.get("end"),
                       severity=data.get("severity") or "")
