"""Forms of the second step. Every error names its field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=24,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        error_messages={"required": _("Enter the code from your authenticator app."),
                        "max_length": _("That code is too long: enter 6 digits or a recovery code.")},
    )
    remember = forms.BooleanField(label=_("Remember this browser"), required=False)

    def __init__(self, *args: object, remember_days: int = 0, setup: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if setup:
            del self.fields["remember"]
            self.fields["code"].help_text = _("The 6-digit code your authenticator app shows for Bondwell.")
        else:
            self.fields["remember"].label = ngettext(
                "Do not ask again on this browser for %(days)d day",
                "Do not ask again on this browser for %(days)d days", remember_days,
            ) % {"days": remember_days}


class ResetForm(forms.Form):
    reason = forms.CharField(
        label="Why is the second factor being reset?", max_length=200,
        help_text="For the audit trail, e.g. 'phone lost, identity checked in person'.",
        error_messages={"required": "Enter why the second factor is being reset.",
                        "max_length": "Keep the reason under 200 characters."},
    )
