"""Alerts reach a person at 3 a.m.: clinicians at work by SMS and email in hours, the on-call clinician only out
of hours and on public holidays, then on call → site lead → the site's fallback phone; never a deactivated person.
Real SMTP and a Twilio-speaking provider on loopback; the clock is the `now` the worker is given."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse

from bondwell import worker
from bondwell.accounts import service_hours, staff
from bondwell.notify import health
from bondwell.notify.models import Message, OnCallShift
from bondwell.screening import jobs
from bondwell.screening.alerts import chain, has_alert_recipient
from bondwell.screening.models import RiskAlert, SiteSafetySettings
from tests.notify.conftest import (
    CHRISTMAS_2AM,
    CHRISTMAS_11AM,
    CLINICIAN_MOBILE,
    FALLBACK_MOBILE,
    LEAD_MOBILE,
    MONDAY_10AM,
    ON_CALL_MOBILE,
)
from tests.notify.helpers import mother_answers
from tests.screening.helpers import PHQ9_SELF_HARM, PHQ9_SEVERE

CLINICIAN = "clinician@a.test"
LEAD = "site_lead@a.test"
ON_CALL = "oncall@a.test"


def _self_harm(world: Any, now: Any) -> RiskAlert:
    assessment = mother_answers(world, PHQ9_SELF_HARM, now=now)
    return RiskAlert.objects.get(assessment=assessment, kind="self_harm")


def _shift(world: Any, around: Any) -> OnCallShift:
    return OnCallShift.objects.create(site=world.site_a, user=world.on_call, starts_at=around - timedelta(hours=8),
                                      ends_at=around + timedelta(hours=8))


def _addressed(alert: RiskAlert) -> set[tuple[str, str]]:
    return set(Message.objects.filter(topic=f"alert:{alert.pk}").values_list("channel", "recipient"))


def test_in_working_hours_a_self_harm_alert_goes_to_the_clinicians_at_work_by_sms_and_email(
    staffed: Any, sms: Any, smtp: Any
) -> None:
    alert = _self_harm(staffed, MONDAY_10AM)
    assert _addressed(alert) == {
        ("sms", CLINICIAN_MOBILE), ("email", CLINICIAN), ("sms", ON_CALL_MOBILE), ("email", ON_CALL),
    }
    worker.run_once(MONDAY_10AM)
    assert len(sms.to(CLINICIAN_MOBILE)) == 1
    assert len(smtp.to(CLINICIAN)) == 1
    text = sms.to(CLINICIAN_MOBILE)[0].body
    assert staffed.mother_a.pseudonym in text
    assert staffed.mother_a.full_name not in text
    assert "Mother" not in text
    assert "/notify/ack/" in text


def test_an_alert_raised_at_2am_on_a_public_holiday_goes_to_the_on_call_clinician_only(
    staffed: Any, sms: Any, smtp: Any
) -> None:
    assert service_hours.holiday_name(staffed.site_a, CHRISTMAS_2AM.date()) == "Christmas Day"
    _shift(staffed, CHRISTMAS_2AM)
    alert = _self_harm(staffed, CHRISTMAS_2AM)
    assert _addressed(alert) == {("sms", ON_CALL_MOBILE), ("email", ON_CALL)}
    worker.run_once(CHRISTMAS_2AM)
    assert [t.to for t in sms.delivered] == [ON_CALL_MOBILE]
    assert [str(m["To"]) for m in smtp.messages] == [ON_CALL]


def test_a_public_holiday_is_out_of_hours_even_at_11am_on_a_weekday(staffed: Any, sms: Any) -> None:
    _shift(staffed, CHRISTMAS_11AM)
    alert = _self_harm(staffed, CHRISTMAS_11AM)
    assert _addressed(alert) == {("sms", ON_CALL_MOBILE), ("email", ON_CALL)}


def test_out_of_hours_without_anyone_on_call_the_site_lead_is_told_at_once(staffed: Any, sms: Any) -> None:
    alert = _self_harm(staffed, CHRISTMAS_2AM)
    assert _addressed(alert) == {("sms", LEAD_MOBILE), ("email", LEAD)}


def test_unacknowledged_it_climbs_on_call_then_site_lead_then_the_fallback_phone_by_sms(
    staffed: Any, sms: Any, smtp: Any
) -> None:
    SiteSafetySettings.objects.create(site=staffed.site_a, fallback_phone=FALLBACK_MOBILE)
    _shift(staffed, CHRISTMAS_2AM)
    alert = _self_harm(staffed, CHRISTMAS_2AM)
    assert [t.name for t in chain(staffed.site_a, "self_harm", CHRISTMAS_2AM)] == [
        "on call", "site lead", "fallback contact",
    ]
    worker.run_once(CHRISTMAS_2AM)
    worker.run_once(CHRISTMAS_2AM + timedelta(minutes=59))
    assert not sms.to(LEAD_MOBILE), "escalated too early"
    worker.run_once(CHRISTMAS_2AM + timedelta(minutes=60))
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert len(sms.to(LEAD_MOBILE)) == 1
    assert len(sms.to(ON_CALL_MOBILE)) == 2, "the on-call clinician is reminded as it climbs"
    assert not sms.to(FALLBACK_MOBILE)
    worker.run_once(CHRISTMAS_2AM + timedelta(minutes=120))
    alert.refresh_from_db()
    assert alert.escalation_level == 2
    (fallback_text,) = sms.to(FALLBACK_MOBILE)
    assert "escalation 2" in fallback_text.body
    assert not Message.objects.filter(topic=f"alert:{alert.pk}", recipient=CLINICIAN).exists()


def test_in_hours_the_chain_is_clinicians_at_work_then_on_call_then_lead(staffed: Any, sms: Any) -> None:
    from bondwell.accounts.models import User
    from tests.conftest import PASSWORD
    from tests.notify.conftest import verify_mobile

    # An on-call clinician who is not at work today (a site lead covering on call from home).
    second_lead = verify_mobile(User.objects.create_user("lead2@a.test", PASSWORD, full_name="Lead Two",
                                                         role="site_lead", site=staffed.site_a), "+61412000004")
    staffed.on_call = second_lead
    _shift(staffed, MONDAY_10AM)
    names = [t.name for t in chain(staffed.site_a, "self_harm", MONDAY_10AM)]
    assert names == ["clinicians at work", "on call", "site lead"]


def test_with_mail_down_and_sms_up_the_alert_is_delivered_by_sms_within_one_worker_cycle(
    staffed: Any, sms: Any, smtp: Any
) -> None:
    smtp.stop()
    alert = _self_harm(staffed, MONDAY_10AM)
    worker.run_once(MONDAY_10AM)  # one cycle
    assert len(sms.to(CLINICIAN_MOBILE)) == 1
    texted = Message.objects.get(topic=f"alert:{alert.pk}", recipient=CLINICIAN_MOBILE)
    assert texted.status == "sent"
    assert texted.sent_at is not None
    assert texted.sent_at - MONDAY_10AM < timedelta(seconds=30)
    mailed = Message.objects.get(topic=f"alert:{alert.pk}", recipient=CLINICIAN)
    assert mailed.status == "pending"
    assert mailed.attempts == 1
    assert "notified" in set(alert.events.values_list("step", flat=True))
    assert health.undelivered_problems(MONDAY_10AM + timedelta(hours=2)) == []


def test_with_mail_and_sms_down_it_escalates_on_time_and_the_site_is_shown_degraded(
    staffed: Any, sms: Any, smtp: Any, client_as: Any
) -> None:
    smtp.stop()
    sms.stop()
    alert = _self_harm(staffed, MONDAY_10AM)
    for minutes in range(0, 60, 5):
        worker.run_once(MONDAY_10AM + timedelta(minutes=minutes))
    alert.refresh_from_db()
    assert alert.escalation_level == 0
    assert health.undelivered_problems(MONDAY_10AM + timedelta(minutes=59)) == []
    due = MONDAY_10AM + timedelta(minutes=60)
    worker.run_once(due)
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert Message.objects.filter(topic=f"alert:{alert.pk}", recipient=LEAD, purpose="escalation").exists()
    (problem,) = health.undelivered_problems(due)
    assert problem.site_id == staffed.site_a.pk
    assert health.undelivered_problems(due, site_id=staffed.site_b.pk) == []
    # Staff of site A see the banner (the real clock is far past the alert's window).
    page = client_as(staffed.users["clinician"]).get(reverse("screening-queue")).content.decode()
    assert "Alerts may not reach anyone right now" in page
    assert "an alert has not reached anyone in time" in page


def test_a_deactivated_clinician_receives_nothing(staffed: Any, sms: Any, smtp: Any) -> None:
    clinician = staffed.users["clinician"]
    earlier = _self_harm(staffed, MONDAY_10AM - timedelta(minutes=5))  # queued for her, not yet sent
    OnCallShift.objects.create(site=staffed.site_a, user=clinician, starts_at=CHRISTMAS_2AM - timedelta(hours=1),
                               ends_at=CHRISTMAS_2AM + timedelta(hours=6))
    staff.deactivate(clinician, by=staffed.users["site_lead"], now=MONDAY_10AM)
    assert not OnCallShift.objects.filter(user=clinician).exists()
    later = _self_harm(staffed, MONDAY_10AM)
    for step in range(4):
        worker.run_once(MONDAY_10AM + timedelta(minutes=61 * step))
    assert sms.to(CLINICIAN_MOBILE) == []
    assert smtp.to(CLINICIAN) == []
    assert len(sms.to(ON_CALL_MOBILE)) >= 2, "her colleague at work got both alerts"
    assert not Message.objects.filter(topic=f"alert:{later.pk}", user=clinician).exists()
    assert set(Message.objects.filter(topic=f"alert:{earlier.pk}", user=clinician)
               .values_list("status", flat=True)) == {"cancelled"}


def test_urgent_band_alerts_go_by_email_to_the_clinicians(staffed: Any, sms: Any) -> None:
    assessment = mother_answers(staffed, PHQ9_SEVERE, now=CHRISTMAS_2AM)
    alert = RiskAlert.objects.get(assessment=assessment)
    assert _addressed(alert) == {("email", CLINICIAN), ("email", ON_CALL)}


def test_has_alert_recipient_is_true_only_when_an_alert_would_reach_a_person(world: Any, settings: Any) -> None:
    from bondwell.accounts.models import User

    settings.BONDWELL_FALLBACK_CONTACT_EMAIL = ""
    assert has_alert_recipient(world.site_a)
    User.objects.filter(site=world.site_a).exclude(role="mother").update(is_active=False)
    assert not has_alert_recipient(world.site_a)
    settings.SMS_BACKEND = {}
    SiteSafetySettings.objects.create(site=world.site_a, fallback_phone=FALLBACK_MOBILE)
    assert not has_alert_recipient(world.site_a), "a phone number without SMS set up reaches no one"
    settings.SMS_BACKEND = {"kind": "locmem"}
    assert has_alert_recipient(world.site_a)


def test_acknowledging_stops_what_is_still_waiting(staffed: Any, sms: Any, smtp: Any) -> None:
    from bondwell.screening.services import acknowledge_alert

    smtp.stop()
    sms.stop()
    alert = _self_harm(staffed, MONDAY_10AM)
    acknowledge_alert(alert, by=staffed.users["clinician"])
    assert set(Message.objects.filter(topic=f"alert:{alert.pk}").values_list("status", flat=True)) == {"cancelled"}
    worker.run_once(MONDAY_10AM + timedelta(hours=3))
    alert.refresh_from_db()
    assert alert.escalation_level == 0
    assert health.undelivered_problems(MONDAY_10AM + timedelta(hours=3)) == []


def test_the_escalate_job_runs_in_the_worker(settings: Any) -> None:
    assert "bondwell.notify.jobs.deliver" in settings.BONDWELL_WORKER_JOBS
    assert "bondwell.screening.jobs.escalate" in settings.BONDWELL_WORKER_JOBS
    assert jobs.escalate.__module__ == "bondwell.screening.jobs"


def test_an_alert_nobody_could_be_told_of_makes_the_site_degraded_once_past_its_window(
    world: Any, settings: Any
) -> None:
    from bondwell.accounts.models import User

    settings.BONDWELL_FALLBACK_CONTACT_EMAIL = ""
    User.objects.filter(site=world.site_a).exclude(role="mother").update(is_active=False)
    alert = _self_harm(world, MONDAY_10AM)
    assert not Message.objects.filter(topic=f"alert:{alert.pk}").exists()
    assert "unaddressed" in set(alert.events.values_list("step", flat=True))
    assert [p.code for p in health.problems(MONDAY_10AM + timedelta(minutes=59), world.site_a.pk)
            if p.site_id] == []
    late = [p for p in health.problems(MONDAY_10AM + timedelta(minutes=60), world.site_a.pk) if p.site_id]
    assert [(p.code, p.site_id) for p in late] == [("alert_unaddressed", world.site_a.pk)]


def test_an_alerts_chain_reads_the_sites_staff_once(staffed: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _shift(staffed, MONDAY_10AM)
    for kind in ("self_harm", "urgent_band"):
        with CaptureQueriesContext(connection) as read:
            tiers = chain(staffed.site_a, kind, MONDAY_10AM)
        staff_reads = [q["sql"] for q in read.captured_queries if 'FROM "accounts_user"' in q["sql"]]
        assert len(staff_reads) == 1, staff_reads
        assert any(t.name == "site lead" for t in tiers)
