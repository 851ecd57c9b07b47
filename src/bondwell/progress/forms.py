"""Forms: the educator's observation checklist, the dashboard filters, and scheduling the PBQ."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from bondwell.progress import checklist
from bondwell.progress.dashboard import SEVERITY_LABELS, Filters


class ObservationForm(forms.Form):
    """One radio group per checklist item: big touch targets for a tablet held in class."""

    note = forms.CharField(
        label="Note (optional)", required=False, max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}), help_text="What you saw, in a sentence. No diagnosis.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in checklist.ITEMS:
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.label, help_text=item.hint, choices=checklist.SCALE, coerce=int,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
            )
        self.order_fields([*checklist.ITEM_KEYS, "note"])

    def values(self) -> dict[str, int]:
        return {key: int(self.cleaned_data[key]) for key in checklist.ITEM_KEYS}


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


class SchedulePbqForm(forms.Form):
    due_on = forms.DateField(label="Due by", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = date.today() + timedelta(days=7)
