"""Forms for signing in and for managing users. Every error names its field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from bondwell.accounts.models import SITE_BOUND_ROLES, Site, User
from bondwell.accounts.roles import Role


class EmailLoginForm(AuthenticationForm):
    """Sign-in by email. A failure never says whether the email or the password was wrong."""

    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        "invalid_login": _("That email and password do not match an account. Check both and try again."),
        "inactive": _("That email and password do not match an account. Check both and try again."),
    }


class NewUserForm(forms.ModelForm[User]):
    """An administrator adds anyone; a site lead adds staff to her own site."""

    class Meta:
        model = User
        fields = ["full_name", "email", "role", "site"]
        labels = {"full_name": "Full name"}
        help_texts = {"email": "They sign in with this address and receive a link to set their password."}

    def __init__(self, *args: Any, creator: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creator = creator
        if creator.role == Role.SITE_LEAD:
            role_field = self.fields["role"]
            assert isinstance(role_field, forms.ChoiceField)
            role_field.choices = [(r.value, r.label) for r in (Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD)]
            site_field = self.fields["site"]
            assert isinstance(site_field, forms.ModelChoiceField)
            site_field.queryset = Site.objects.filter(pk=creator.site_id or 0)
            site_field.initial = creator.site_id
            site_field.required = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return str(email)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, site = cleaned.get("role"), cleaned.get("site")
        if role in SITE_BOUND_ROLES and site is None:
            self.add_error("site", "Choose the site this person works at.")
        return cleaned


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, its email queued in the one outbox (sent by the worker) instead of sent here."""

    purpose = "password_reset"

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        import secrets

        from django.template import loader
        from django.utils import timezone

        from bondwell.notify import outbox
        from bondwell.notify.models import Channel

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        user = context.get("user")
        outbox.queue(
            channel=Channel.EMAIL, recipient=to_email, purpose=self.purpose, now=timezone.now(), subject=subject,
            body=body, dedupe_key=f"{self.purpose}:{secrets.token_hex(12)}",
            site=getattr(user, "site", None), user=user if isinstance(user, User) else None,
        )


class InvitationForm(OutboxPasswordResetForm):
    """Sends a new person the link to set a first password (Django's reset skips accounts without one)."""

    purpose = "staff_invitation"

    def get_users(self, email: str) -> Iterator[User]:  # type: ignore[override]
        yield from User.objects.filter(email__iexact=email, is_active=True)


class StaffEditForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=120)
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args: Any, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = (Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD) if manager.role == Role.SITE_LEAD else [
            r for r in Role if r != Role.MOTHER
        ]
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r.value, r.label) for r in roles]


WEEKDAYS = [("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday"), ("4", "Friday"),
            ("5", "Saturday"), ("6", "Sunday")]


class SiteHoursForm(forms.Form):
    """When the site's clinicians are at work: alerts are routed and mothers promised by these hours. Whether the
    values make sense together (a real time zone, a region of the country, an end after the start) is the
    service's check (`accounts.service_hours.validate_site_hours`), shown beside the field it concerns."""

    working_days = forms.MultipleChoiceField(
        label="Days clinicians work", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day clinicians work."},
    )
    opens_at = forms.TimeField(
        label="Clinicians start at", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Enter the time clinicians start, such as 09:00.",
                        "invalid": "Enter the time clinicians start as hours and minutes, such as 09:00."},
    )
    closes_at = forms.TimeField(
        label="Clinicians finish at", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Enter the time clinicians finish, such as 17:00.",
                        "invalid": "Enter the time clinicians finish as hours and minutes, such as 17:00."},
    )
    time_zone = forms.CharField(label="Time zone", required=False, max_length=64)
    region = forms.CharField(label="Region for public holidays", required=False, max_length=8)

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        from bondwell.accounts.models import DEFAULT_TIME_ZONE
        from bondwell.accounts.service_hours import regions

        kwargs.setdefault("initial", {
            "working_days": list(site.working_days), "opens_at": site.opens_at, "closes_at": site.closes_at,
            "time_zone": site.time_zone, "region": site.region,
        })
        super().__init__(*args, **kwargs)
        default = DEFAULT_TIME_ZONE.get(site.country, "Australia/Sydney")
        self.fields["time_zone"].help_text = (
            f"A name such as Australia/Perth or Europe/London. Leave it empty for {default}.")
        self.fields["region"].help_text = (
            f"National public holidays always count. For your state's or nation's own, give one of: "
            f"{', '.join(regions(site.country))}.")

    def clean_working_days(self) -> str:
        return "".join(sorted(self.cleaned_data["working_days"]))
