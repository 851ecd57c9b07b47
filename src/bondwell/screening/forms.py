"""Forms: a paper questionnaire as entered by a clinician, corrections, scheduling and alert steps."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from bondwell import instruments
from bondwell.screening.models import AlertAction, SiteCrisisContact, SiteSafetySettings
from bondwell.screening.presenters import option_label, question_text
from bondwell.screening.questionnaires import MOTHER_INSTRUMENTS, PAPER_INSTRUMENTS

# The browser's date picker needs ISO dates whatever the language of the page.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


BLANK = "blank"


class PaperForm(forms.Form):
    """Every item of a paper form as a row of choices, none chosen to begin with: each item is entered as ticked
    on paper or, explicitly, as left blank on paper (a Save that skips an item is refused, never stored)."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    answered_on = forms.DateField(
        label="Date she answered", widget=DATE_INPUT, initial=timezone.localdate
    )

    def __init__(
        self, instrument: instruments.Instrument, *args: Any, correcting: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            choices = [(str(o.position), option_label(o)) for o in item.options] + [(BLANK, "Left blank on paper")]
            self.fields[item.key] = forms.ChoiceField(
                label=f"{item.number}. {question_text(item)}", choices=choices, widget=forms.RadioSelect,
                error_messages={"required": f"Item {item.number}: choose the answer ticked, or “Left blank on "
                                            "paper”."},
            )
        if correcting:
            self.fields["reason"] = forms.CharField(
                label="Why are you correcting these answers?", max_length=300,
                help_text="Kept with the new version; the original stays on record.",
            )

    def clean_answered_on(self) -> date:
        answered: date = self.cleaned_data["answered_on"]
        if answered > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return answered

    def answers(self) -> dict[str, int]:
        return {
            item.key: int(self.cleaned_data[item.key])
            for item in self.instrument.items
            if self.cleaned_data.get(item.key) not in (None, "", BLANK)
        }

    def rows(self) -> list[dict[str, Any]]:
        """The grid: each item with its options (digit, position, label, score) and its bound field."""
        return [
            {"item": item, "field": self[item.key], "chosen": str(self[item.key].value() or ""),
             "options": [{"digit": o.position + 1, "value": str(o.position), "label": option_label(o),
                          "score": o.score} for o in item.options]}
            for item in self.instrument.items
        ]


class ScheduleForm(forms.Form):
    """Only the questionnaires she can answer on her phone at this site (licensed wording installed) are offered;
    the others are entered from paper."""

    instrument = forms.ChoiceField(label="Questionnaire", choices=[])
    due_on = forms.DateField(label="Answer by", widget=DATE_INPUT)

    def __init__(self, *args: Any, site: Any = None, **kwargs: Any) -> None:
        from bondwell.screening.questionnaires import answerable_by_mother, short_name

        super().__init__(*args, **kwargs)
        offered = [n for n in MOTHER_INSTRUMENTS if site is None or answerable_by_mother(n, site)]
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, short_name(name)) for name in offered]
        self.offered = offered


class CancelForm(forms.Form):
    scheduled = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why cancel it?", max_length=200,
        error_messages={"required": "Say why the questionnaire is being cancelled."},
    )

    def clean_due_on(self) -> date:
        due: date = self.cleaned_data["due_on"]
        if due < timezone.localdate():
            raise forms.ValidationError("Choose today or a later date.")
        return due


class ActionForm(forms.Form):
    action = forms.ChoiceField(label="What was done", choices=[("", "Choose…"), *AlertAction.choices])
    note = forms.CharField(
        label="Note", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


PAPER_CHOICES = [(name, name) for name in PAPER_INSTRUMENTS]


class SafetySettingsForm(forms.ModelForm[SiteSafetySettings]):
    self_harm_ack_minutes = forms.IntegerField(
        label="Minutes to acknowledge a self-harm or infant-harm alert before it goes up the chain",
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    urgent_band_ack_working_days = forms.IntegerField(
        label="Working days to acknowledge an urgent-band alert",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    fallback_phone = forms.CharField(
        label="Fallback mobile number (texted when the site lead does not acknowledge in time)", required=False,
        max_length=40, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text="A mobile that is answered day and night, such as the on-call team's phone.",
    )

    class Meta:
        model = SiteSafetySettings
        fields = ["self_harm_ack_minutes", "urgent_band_ack_working_days", "fallback_contact_name",
                  "fallback_contact_email", "fallback_phone"]
        labels = {
            "fallback_contact_name": "Fallback contact (told when the site lead does not acknowledge in time)",
            "fallback_contact_email": "Fallback contact email",
        }

    def clean_fallback_phone(self) -> str:
        from bondwell.accounts.phones import PhoneNumberError, mobile_e164

        text = str(self.cleaned_data.get("fallback_phone") or "").strip()
        if not text:
            return ""
        try:
            return mobile_e164(text, self.instance.site.country)
        except PhoneNumberError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        from bondwell.accounts.models import User
        from bondwell.accounts.roles import Role

        cleaned = super().clean() or {}
        site = self.instance.site
        staff = User.objects.filter(site=site, is_active=True, role__in=(Role.CLINICIAN, Role.SITE_LEAD))
        if not staff.exists() and not cleaned.get("fallback_contact_email") and not cleaned.get("fallback_phone"):
            self.add_error("fallback_phone", "Nobody at this site could receive an alert: add active clinicians "
                                             "or a fallback mobile number or email.")
        return cleaned


class CrisisContactForm(forms.ModelForm[SiteCrisisContact]):
    """A contact the site adds beside the national lines: a dialable number and its hours."""

    def __init__(self, *args: Any, site: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if site is not None:
            self.instance.site = site  # the number is checked against the site's country

    class Meta:
        model = SiteCrisisContact
        fields = ["name", "phone", "is_crisis_line", "open_24_7", "days", "opens_at", "closes_at", "when",
                  "description", "order"]
        labels = {"when": "More about the hours (optional)", "is_crisis_line": "This is a crisis line"}
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class SchedulePbqForm(forms.Form):
    due_on = forms.DateField(label="Due by", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = date.today() + timedelta(days=7)
