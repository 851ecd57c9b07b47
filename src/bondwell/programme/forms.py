"""Forms: input shapes and field-level messages only; the rules live in services.py."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.programme import checklist
from bondwell.programme.models import (
    DEFAULT_DOSE_WEEKS,
    DEFAULT_MINUTES_PER_SESSION,
    DEFAULT_SESSIONS_PER_WEEK,
    MOST_DOSE_WEEKS,
    MOST_MINUTES_PER_SESSION,
    MOST_SESSIONS_PER_WEEK,
    BabyResponse,
    Course,
    Mood,
)
from bondwell.programme.services import PracticeEntry


def _dose_part(most: int, initial: int, label: str | None = None) -> forms.IntegerField:
    """One part of a home-practice dose, with the bounds the models hold."""
    return forms.IntegerField(min_value=1, max_value=most, initial=initial, label=label)


class CourseForm(forms.Form):
    title = forms.CharField(max_length=120, initial="Baby massage")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    educator = forms.ModelChoiceField(queryset=User.objects.none(), empty_label=None)
    place = forms.CharField(max_length=200, help_text="Where the classes meet.")
    capacity = forms.IntegerField(min_value=1, max_value=50, initial=8, help_text="Mothers per class.")
    first_class_at = forms.DateTimeField(
        label="First class", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Later classes follow weekly at the same time.",
    )
    classes = forms.IntegerField(min_value=1, max_value=12, initial=5, label="Number of classes")
    class_minutes = forms.IntegerField(min_value=15, max_value=180, initial=60, label="Class length (minutes)")
    minutes_per_session = _dose_part(MOST_MINUTES_PER_SESSION, DEFAULT_MINUTES_PER_SESSION,
                                     "Home practice: minutes per session")
    sessions_per_week = _dose_part(MOST_SESSIONS_PER_WEEK, DEFAULT_SESSIONS_PER_WEEK,
                                   "Home practice: sessions per week")
    dose_weeks = _dose_part(MOST_DOSE_WEEKS, DEFAULT_DOSE_WEEKS, "Home practice: weeks")

    def __init__(self, *args: Any, creator: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        educators = User.objects.filter(role=Role.EDUCATOR, site_id=creator.site_id or 0, is_active=True)
        if creator.role == Role.EDUCATOR:
            educators = educators.filter(pk=creator.pk)
        self.fields["educator"].queryset = educators.order_by("full_name")  # type: ignore[attr-defined]


MOOD_CHOICES = list(Mood.choices)


class FaceChoice(forms.RadioSelect):
    """The five moods as radio buttons (the guided page draws them as faces)."""


class PracticeForm(forms.Form):
    """A session logged afterwards, without the guide."""

    started_at = forms.DateTimeField(label=_("When did you start?"),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    minutes = forms.IntegerField(min_value=1, max_value=180, initial=15, label=_("About how many minutes?"))
    completed = forms.TypedChoiceField(
        label=_("How did it end?"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("We finished the routine")), ("no", _("We stopped early"))], initial="yes",
    )
    mood_before = forms.TypedChoiceField(label=_("Your mood before"), required=False, coerce=int, empty_value=None,
                                         choices=MOOD_CHOICES, widget=FaceChoice)
    mood_after = forms.TypedChoiceField(label=_("Your mood after"), required=False, coerce=int, empty_value=None,
                                        choices=MOOD_CHOICES, widget=FaceChoice)
    baby_response = forms.ChoiceField(label=_("How did your baby respond?"), required=False,
                                      choices=BabyResponse.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_at"].initial = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)


class GuidedSaveForm(forms.Form):
    """What the guided page posts at the end of a session (filled in by its small script)."""

    token = forms.UUIDField()
    started_epoch_ms = forms.IntegerField(min_value=0)
    duration_seconds = forms.IntegerField(min_value=1, max_value=3 * 60 * 60)
    steps_completed = forms.IntegerField(min_value=0, max_value=100)
    steps_total = forms.IntegerField(min_value=0, max_value=100)
    outcome = forms.ChoiceField(choices=[("completed", "completed"), ("stopped_early", "stopped early")])
    mood_before = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=Mood.choices)
    mood_after = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=Mood.choices)
    baby_response = forms.ChoiceField(required=False, choices=BabyResponse.choices)

    def started_at(self) -> datetime:
        """When the phone says the session began (UTC)."""
        return datetime.fromtimestamp(self.cleaned_data["started_epoch_ms"] / 1000, tz=UTC)

    def entry(self, started: datetime, routine_version: str) -> PracticeEntry:
        """The practice entry this guided session makes, begun at `started` (the caller's judgement of the clock)."""
        data = self.cleaned_data
        return PracticeEntry(
            started_at=started, duration_seconds=data["duration_seconds"], guided=True,
            completed=data["outcome"] == "completed", mood_before=data["mood_before"], mood_after=data["mood_after"],
            baby_response=data["baby_response"], steps_completed=min(data["steps_completed"], data["steps_total"]),
            steps_total=data["steps_total"], routine_version=routine_version, client_token=data["token"],
        )


class EnrolForm(forms.Form):
    course: forms.ModelChoiceField[Course] = forms.ModelChoiceField(queryset=Course.objects.none(), empty_label=None)

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]


class DoseForm(forms.Form):
    minutes_per_session = _dose_part(MOST_MINUTES_PER_SESSION, DEFAULT_MINUTES_PER_SESSION)
    sessions_per_week = _dose_part(MOST_SESSIONS_PER_WEEK, DEFAULT_SESSIONS_PER_WEEK)
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    weeks = _dose_part(MOST_DOSE_WEEKS, DEFAULT_DOSE_WEEKS)


def _time_field(label: Any, initial: time | None = None, required: bool = False) -> forms.TimeField:
    return forms.TimeField(label=label, required=required, initial=initial,
                           widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


class ReminderForm(forms.Form):
    enabled = forms.BooleanField(required=False, label=_("Send me reminders by email"))
    time_1 = _time_field(_("Reminder time"))
    time_2 = _time_field(_("Second time (optional)"))
    quiet_start = _time_field(_("Quiet hours start"), time(21, 0), required=True)
    quiet_end = _time_field(_("Quiet hours end"), time(8, 0), required=True)

    def times(self) -> list[time]:
        return [t for t in (self.cleaned_data.get("time_1"), self.cleaned_data.get("time_2")) if t is not None]


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
