"""Forms for the on-call rota and a staff member's alert contact. Every error names its field."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from bondwell.accounts.models import Site, User
from bondwell.accounts.roles import Role


class ShiftForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Who is on call")
    starts_at = forms.DateTimeField(label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(site=site, is_active=True, role__in=(Role.CLINICIAN, Role.SITE_LEAD))
        zone = site.zone_name
        self.fields["starts_at"].help_text = f"Time at the site ({zone})."
        self.fields["ends_at"].help_text = f"Time at the site ({zone})."

    def _site_time(self, name: str) -> datetime | None:
        value = self.cleaned_data.get(name)
        if not isinstance(value, datetime):
            return None
        return value.replace(tzinfo=ZoneInfo(self.site.zone_name))

    def clean_starts_at(self) -> datetime | None:
        return self._site_time("starts_at")

    def clean_ends_at(self) -> datetime | None:
        return self._site_time("ends_at")


class MobileForm(forms.Form):
    mobile = forms.CharField(label="Mobile number", max_length=40,
                             widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                             help_text="We text a code to it; alerts go to it only after you type the code back.")


class CodeForm(forms.Form):
    code = forms.CharField(label="Code from the text message", max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class PreferencesForm(forms.Form):
    alerts_by_email = forms.BooleanField(label="Send urgent alerts to my email", required=False)
    alerts_by_sms = forms.BooleanField(label="Send urgent alerts to my verified mobile by text", required=False)
