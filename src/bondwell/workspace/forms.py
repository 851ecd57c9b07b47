from __future__ import annotations

from django import forms


class ConcernForm(forms.Form):
    note = forms.CharField(
        label="What worries you about her?", max_length=1000,
        help_text="What you saw or heard, in your own words. A clinician at her service reads it and decides what "
                  "to do. If she or her baby is in danger now, call emergency services first.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what worries you about her."},
    )


class CloseConcernForm(forms.Form):
    outcome = forms.CharField(
        label="What was done", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done before closing the concern."},
    )
