"""What a mother is told happens next: built from her site's pathway, the follow-ups actually on her record, whether
anyone will receive an alert, and the time now on the site's clock. Never from hope.

"Today" is said only when the site's clinicians are at work now; out of hours she is told when they start again
and where to go in the meantime. "Your care team has been told" is said only when an alert reaches someone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from bondwell.accounts import service_hours
from bondwell.accounts.models import Mother, Site
from bondwell.pathway.models import FollowUp
from bondwell.pathway.services import open_follow_ups
from bondwell.screening.alerts import chain, open_alerts
from bondwell.screening.models import AlertKind, Assessment, SiteSafetySettings
from bondwell.screening.safety import safety_settings
from bondwell.web.dates import day_in_words


@dataclass(frozen=True)
class NextSteps:
    """Sentences for her, most urgent first, and what they rest on (for tests and templates)."""

    lines: list[str] = field(default_factory=list)
    urgent: bool = False  # an immediate step is open: show the call-now list first
    told: bool = False  # an alert reached (will reach) someone
    today: bool = False  # a same-day route exists now
    risk_open: bool = False  # anything about her still open: a risk alert or a follow-up without an outcome

    @property
    def any(self) -> bool:
        return bool(self.lines)


def _day(moment: datetime | date) -> str:
    return day_in_words(moment)


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def next_steps(mother: Mother, assessment: Assessment | None = None, *, now: datetime | None = None) -> NextSteps:
    """What she is told happens next after `assessment` (or about her record as it stands, when None)."""
    now = now or timezone.now()
    site = mother.site
    # Everything open about her, two queries, then what concerns `assessment` picked from it: the result page
    # needs both (what happens next after this result; whether anything else is open, `risk_open`).
    all_ups = list(open_follow_ups(mother).select_related("scheduled"))
    all_alerts = list(open_alerts(mother).values_list("assessment_id", "source_key"))
    for up in all_ups:
        up.mother = mother  # her site is loaded already: the follow-up's line reads it without a query
    ups, has_alert = all_ups, bool(all_alerts)
    if assessment is not None:
        ups = [up for up in all_ups if up.assessment_id == assessment.pk]
        has_alert = any(
            found == assessment.pk or (key == assessment.idempotency_key) for found, key in all_alerts
        )
    immediate = has_alert or any(up.action == FollowUp.Action.IMMEDIATE for up in ups)
    # Who would be told is asked only when something is to be said (a calm result without follow-ups, the
    # common case, needs neither the alert chain's queries nor the site's hours).
    rules = safety_settings(site) if immediate or ups else None  # read once for the chain and "today"
    told = _told(site, now, rules) if immediate or ups else _Told()
    recipient = told.anyone
    lines: list[str] = []
    if immediate:
        lines.extend(_immediate_lines(mother, now, told=told, open_now=service_hours.is_open(site, now),
                                      rules=rules))
    for up in ups:
        if up.action == FollowUp.Action.FOLLOW_UP:
            lines.append(_follow_up_line(up, now, recipient=recipient))
        elif up.action == FollowUp.Action.REPEAT_SCREEN and up.scheduled is not None:
            lines.append(
                _("We will ask you to answer this questionnaire again on %(day)s. If things get harder before then, "
                  "tell your care team or call one of the lines below.") % {"day": _day(up.scheduled.due_on)}
            )
    return NextSteps(
        lines=list(dict.fromkeys(lines)), urgent=immediate, told=recipient and (has_alert or bool(ups)),
        today=immediate and recipient and same_day_route(site, now, rules), risk_open=bool(all_ups or all_alerts),
    )


def same_day_route(site: Site, now: datetime, rules: SiteSafetySettings | None = None) -> bool:
    """Whether a clinician at work can still act today: the site is open and more of its day is left than a
    clinician has to acknowledge a risk alert (`rules`: the site's safety settings, when read already)."""
    closes = service_hours.closes_at(site, now)
    if closes is None:
        return False
    return closes - now >= timedelta(minutes=(rules or safety_settings(site)).self_harm_ack_minutes)


@dataclass(frozen=True)
class _Told:
    """Who a self-harm alert raised now would reach, from the chain the alert itself walks (one read of it)."""

    anyone: bool = False
    on_call_first: bool = False  # out of hours, its first link is a reachable clinician on call


def _told(site: Site, now: datetime, rules: SiteSafetySettings | None) -> _Told:
    tiers = chain(site, AlertKind.SELF_HARM, now, rules)
    return _Told(anyone=bool(tiers), on_call_first=bool(tiers) and tiers[0].name == "on call")


def immediate_lines(mother: Mother, now: datetime | None = None) -> list[str]:
    """What she is told the moment a risk answer raises an alert (before she has sent the questionnaire)."""
    now = now or timezone.now()
    site = mother.site
    rules = safety_settings(site)
    return _immediate_lines(mother, now, told=_told(site, now, rules), open_now=service_hours.is_open(site, now),
                            rules=rules)


def _immediate_lines(
    mother: Mother, now: datetime, *, told: _Told, open_now: bool, rules: SiteSafetySettings | None = None
) -> list[str]:
    site = mother.site
    if not told.anyone:
        return [
            _("We could not pass your answers on to a clinician automatically. Please do not wait: call one of the "
              "numbers below now, or your midwife, nurse or GP."),
        ]
    closes = service_hours.closes_at(site, now) if open_now else None
    if closes is not None and same_day_route(site, now, rules):
        return [
            _("Your care team has been told. A clinician will try to contact you today, before %(time)s.")
            % {"time": _clock(closes)}
        ]
    if closes is not None:
        # Less time left today than a clinician has to acknowledge: no promise of today.
        opens = service_hours.local(site, service_hours.next_opening(site, closes + timedelta(minutes=1)))
        return [
            _("Your care team has been told. Their working day ends at %(ends)s; if nobody has called you by then, a "
              "clinician will see your answers when they start again at %(time)s on %(day)s.")
            % {"ends": _clock(service_hours.local(site, closes)), "time": _clock(opens), "day": _day(opens)},
            _("If you feel unsafe before then, call one of the numbers below now."),
        ]
    opens = service_hours.local(site, service_hours.next_opening(site, now))
    if told.on_call_first:
        return [
            _("Your care team is not at work now, so the clinician on call for them has been told about your answers. "
              "Your care team will also see them when they start again at %(time)s on %(day)s.")
            % {"time": _clock(opens), "day": _day(opens)},
            _("If you feel unsafe, do not wait for a call: call one of the numbers below now."),
        ]
    return [
        _("Your care team has been told, but they are not at work now. A clinician will see your answers when they "
          "start again at %(time)s on %(day)s.") % {"time": _clock(opens), "day": _day(opens)},
        _("If you feel unsafe before then, call one of the numbers below now."),
    ]


def _follow_up_line(up: FollowUp, now: datetime, *, recipient: bool) -> str:
    if not recipient:
        return _(
            "Your answers are saved, but we cannot be sure a clinician will see them soon. Please tell your midwife, "
            "nurse or GP how you are feeling."
        )
    due = service_hours.local(up.mother.site, up.due_at)
    return _("Someone from your care team will contact you by %(day)s to talk about how you are feeling.") % {
        "day": _day(due)
    }
