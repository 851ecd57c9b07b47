"""Forms of the study pages. They only collect and type input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from bondwell.accounts.models import Site, User
from bondwell.accounts.roles import Role
from bondwell.instruments import available
from bondwell.studies.models import Study, WithdrawalScope
from bondwell.studies.services import StudyPlan


class StudyForm(forms.ModelForm[Study]):
    secondary = forms.MultipleChoiceField(
        label="Secondary outcomes", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The primary outcome is the EPDS total.",
    )

    withdrawal = forms.MultipleChoiceField(
        label="Withdrawal choices this consent version offers", choices=WithdrawalScope.choices,
        widget=forms.CheckboxSelectMultiple, initial=list(WithdrawalScope.values), required=False,
        help_text="Leave both ticked unless the consent form limits them; none ticked means both.",
    )

    class Meta:
        model = Study
        fields = [
            "title", "code", "design", "sites", "epds_min", "baby_age_min_days", "baby_age_max_days",
            "consent_text", "consent_version", "method", "block_sizes", "stratify_by_site",
            "stratify_by_severity", "severity_cutoff", "minimisation_probability", "anchor", "schedule_weeks",
            "window_days", "per_protocol_minutes", "shift_dates",
        ]
        labels = {
            "epds_min": "Eligible from EPDS total", "baby_age_min_days": "Baby's age from (days)",
            "baby_age_max_days": "Baby's age up to (days)", "method": "Randomisation",
            "anchor": "Schedule starts at", "schedule_weeks": "Schedule (weeks)",
            "window_days": "Window (± days)", "per_protocol_minutes": "Per-protocol minimum (minutes a week)",
            "shift_dates": "Shift dates in exports",
        }
        widgets = {
            "sites": forms.CheckboxSelectMultiple,
            "consent_text": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        secondary = self.fields["secondary"]
        assert isinstance(secondary, forms.MultipleChoiceField)
        secondary.choices = [(n, n.upper()) for n in available() if n != "epds"]
        if self.instance.pk:
            self.fields["secondary"].initial = [s for s in self.instance.secondary_outcomes.split(",") if s]
            current = self.instance.consent_versions.filter(version=self.instance.consent_version).first()
            if current is not None:
                self.fields["withdrawal"].initial = list(current.scopes)
        sites = self.fields["sites"]
        assert isinstance(sites, forms.ModelMultipleChoiceField)
        sites.queryset = Site.objects.order_by("name")
        if user.role == Role.SITE_LEAD and not self.instance.pk:
            sites.initial = [user.site_id]

    def plan(self) -> StudyPlan:
        data = self.cleaned_data
        return StudyPlan(
            title=data["title"], code=data["code"], design=data["design"], sites=tuple(data["sites"]),
            consent_text=data["consent_text"], consent_version=data["consent_version"],
            epds_min=data["epds_min"], baby_age_min_days=data["baby_age_min_days"],
            baby_age_max_days=data["baby_age_max_days"], method=data["method"], block_sizes=data["block_sizes"],
            stratify_by_site=data["stratify_by_site"], stratify_by_severity=data["stratify_by_severity"],
            severity_cutoff=data["severity_cutoff"], minimisation_probability=data["minimisation_probability"],
            anchor=data["anchor"], schedule_weeks=data["schedule_weeks"], window_days=data["window_days"],
            secondary_outcomes=",".join(data["secondary"]), per_protocol_minutes=data["per_protocol_minutes"],
            shift_dates=data["shift_dates"], withdrawal_scopes=tuple(data["withdrawal"] or WithdrawalScope.values),
        )

    def validate_unique(self) -> None:
        # The service checks the code (case-insensitively) and reports it next to the field.
        pass


class ScreenForm(forms.Form):
    declined = forms.BooleanField(label="She declined to take part", required=False)
    other_reason = forms.CharField(
        label="Other reason not to enrol (optional)", required=False, max_length=200,
        help_text="Leave empty when there is none.",
    )


class ConsentForm(forms.Form):
    consent_given = forms.BooleanField(label="She has read the consent text above and agrees to take part")
    consent_version = forms.CharField(label="Consent version she agreed to", max_length=20)
    consented_at = forms.DateTimeField(
        label="When consent was given", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )

    def __init__(self, *args: Any, version: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_version"].initial = version
        self.fields["consented_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class WithdrawForm(forms.Form):
    scope = forms.ChoiceField(label="She withdraws from", choices=WithdrawalScope.choices,
                              widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason (optional, in her words)", required=False, max_length=200)

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choices is not None:  # only what her consent version offers
            scope = self.fields["scope"]
            assert isinstance(scope, forms.ChoiceField)
            scope.choices = choices


class RandomiseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked her open risk alerts and follow-ups above; randomise her now (this is final)",
    )
    note = forms.CharField(label="Note on the decision (optional)", required=False, max_length=200)


class LockForm(forms.Form):
    reason = forms.CharField(label="Why lock now (e.g. last follow-up window closed, data queries resolved)",
                             max_length=300)
    confirm = forms.BooleanField(label="Lock the database: the data are frozen for the final analysis")


class LostForm(forms.Form):
    reason = forms.CharField(label="Why she is lost to follow-up", max_length=200)


class MemberForm(forms.Form):
    email = forms.EmailField(label="Researcher's email",
                             help_text="A researcher or the trial statistician, as registered in Bondwell.")


class SampleSizeForm(forms.Form):
    smd = forms.FloatField(label="Standardised difference to detect (Cohen's d)", initial=0.5,
                           help_text="e.g. 0.5 is a 2.5-point EPDS difference when the SD is 5.")
    power = forms.FloatField(label="Power", initial=0.8, min_value=0.5, max_value=0.99)
    alpha = forms.FloatField(label="Two-sided alpha", initial=0.05, min_value=0.001, max_value=0.2)
    baseline_correlation = forms.FloatField(
        label="Baseline–outcome correlation (ANCOVA)", initial=0.0, min_value=0.0, max_value=0.95
    )
    attrition = forms.FloatField(label="Expected attrition (0–0.9)", initial=0.2, min_value=0.0, max_value=0.9)
    icc = forms.FloatField(label="ICC within classes", initial=0.0, min_value=0.0, max_value=0.99)
    cluster_size = forms.FloatField(label="Mothers per class", initial=1.0, min_value=1.0, max_value=100.0)
