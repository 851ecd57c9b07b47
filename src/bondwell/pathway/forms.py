"""Forms of the follow-up pathway: a try at reaching her, and the outcome that closes a follow-up."""

from __future__ import annotations

from typing import Any

from django import forms

from bondwell.pathway.models import FollowUp, FollowUpAttempt

CLOSING_OUTCOMES = [(value, label) for value, label in FollowUp.Outcome.choices if value != FollowUp.Outcome.RESCREENED]


class AttemptForm(forms.Form):
    result = forms.ChoiceField(
        label="What happened when you phoned?", choices=FollowUpAttempt.Result.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened when you phoned."},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=CLOSING_OUTCOMES, widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of this follow-up."},
    )
    detail = forms.CharField(
        label="Referred to, or other detail", required=False, max_length=300,
        help_text="Required when she was referred: say to whom (e.g. perinatal mental health team, her GP).",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == FollowUp.Outcome.REFERRED and not str(cleaned.get("detail", "")).strip():
            self.add_error("detail", "Say whom she was referred to.")
        return cleaned
