"""Acknowledgement links, the on-call rota, a clinician's mobile number, staff lifecycle, health and metrics."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from bondwell import worker
from bondwell.accounts.models import AuditEvent, User
from bondwell.notify import heartbeat, links
from bondwell.notify.channels import LocmemSms
from bondwell.notify.models import AckLink, Message, OnCallShift
from bondwell.notify.outbox import deliver_due
from bondwell.screening.models import RiskAlert
from tests.notify.helpers import mother_answers
from tests.screening.helpers import PHQ9_SELF_HARM


def _on_call_now(world: Any) -> None:
    """Whatever the real clock says (in hours or not), site A's clinician is told of an alert raised now."""
    now = timezone.now()
    OnCallShift.objects.create(site=world.site_a, user=world.users["clinician"], starts_at=now - timedelta(hours=1),
                               ends_at=now + timedelta(hours=2))


def _alert_link(world: Any, sms: Any) -> tuple[RiskAlert, str]:
    _on_call_now(world)
    now = timezone.now()
    assessment = mother_answers(world, PHQ9_SELF_HARM, now=now)
    alert = RiskAlert.objects.get(assessment=assessment)
    message = Message.objects.filter(topic=f"alert:{alert.pk}", user=world.users["clinician"]).first()
    assert message is not None
    match = re.search(r"https?://\S+/notify/ack/(\S+)/", message.body)
    assert match is not None, message.body
    return alert, match.group(1)


def test_an_acknowledgement_link_needs_sign_in_works_once_and_audits(world: Any, sms: Any, client: Any,
                                                                     client_as: Any) -> None:
    alert, token = _alert_link(world, sms)
    url = reverse("notify-ack", kwargs={"token": token})
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert reverse("login") in anonymous["Location"]
    alert.refresh_from_db()
    assert alert.status == "open", "opening the link changes nothing"
    signed_in = client_as(world.users["clinician"])
    assert world.mother_a.full_name not in signed_in.get(url).content.decode()
    done = signed_in.post(url)
    assert done.status_code == 302
    assert done["Location"] == reverse("screening-alert", kwargs={"alert_id": alert.pk})
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert alert.acknowledged_by == world.users["clinician"]
    assert AuditEvent.objects.filter(action="acknowledge:alert", actor=world.users["clinician"]).exists()
    again = signed_in.post(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_a_forged_or_expired_link_is_refused(world: Any, sms: Any, client_as: Any) -> None:
    alert, token = _alert_link(world, sms)
    client = client_as(world.users["clinician"])
    nonce = signing.TimestampSigner(salt=links.SALT).unsign(token)
    forged = signing.TimestampSigner(salt="another purpose").sign(nonce)
    assert client.post(reverse("notify-ack", kwargs={"token": forged})).status_code == 410
    AckLink.objects.filter(nonce=nonce).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.post(reverse("notify-ack", kwargs={"token": token}))
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_a_link_cannot_acknowledge_another_sites_alert(world: Any, sms: Any, client_as: Any) -> None:
    alert, token = _alert_link(world, sms)
    other = client_as(world.users_b["clinician"])
    assert other.post(reverse("notify-ack", kwargs={"token": token})).status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"
    assert AckLink.objects.get(nonce=signing.TimestampSigner(salt=links.SALT).unsign(token)).used_at is None


def test_the_site_lead_adds_an_on_call_shift_in_site_time_with_errors_at_each_field(
    world: Any, client_as: Any
) -> None:
    client = client_as(world.users["site_lead"])
    bad = client.post(reverse("notify-rota"), {"part": "add", "user": world.users["clinician"].pk,
                                               "starts_at": "2030-01-02T17:00", "ends_at": "2030-01-02T09:00"})
    page = bad.content.decode()
    assert "There is a problem" in page
    assert 'id="id_ends_at_error"' in page
    assert "must end after it starts" in page
    foreign = client.post(reverse("notify-rota"), {"part": "add", "user": world.users_b["clinician"].pk,
                                                   "starts_at": "2030-01-02T17:00", "ends_at": "2030-01-03T09:00"})
    assert 'id="id_user_error"' in foreign.content.decode()
    good = client.post(reverse("notify-rota"), {"part": "add", "user": world.users["clinician"].pk,
                                                "starts_at": "2030-01-02T17:00", "ends_at": "2030-01-03T09:00"})
    assert good.status_code == 302
    assert "email only: no confirmed mobile" in client.get(reverse("notify-rota")).content.decode()
    shift = OnCallShift.objects.get()
    assert shift.starts_at.astimezone(timezone.get_fixed_timezone(0)).hour == 6  # 17:00 in Sydney (UTC+11)
    assert AuditEvent.objects.filter(action="add:on-call-shift").exists()
    client.post(reverse("notify-rota"), {"part": "remove", "shift": shift.pk})
    assert not OnCallShift.objects.exists()


def test_a_clinician_confirms_her_mobile_with_the_texted_code(world: Any, client_as: Any, settings: Any) -> None:
    settings.SMS_BACKEND = {"kind": "locmem"}
    LocmemSms.outbox.clear()
    clinician = world.users["clinician"]
    client = client_as(clinician)
    refused = client.post(reverse("notify-contact"), {"part": "mobile", "mobile": "02 9999 9999"})
    assert "not a mobile number" in refused.content.decode()
    assert client.post(reverse("notify-contact"), {"part": "mobile", "mobile": "0412 345 678"}).status_code == 302
    clinician.refresh_from_db()
    assert clinician.mobile == "+61412345678"
    assert clinician.verified_mobile == ""
    deliver_due(timezone.now())
    (text,) = LocmemSms.outbox
    code = re.search(r"\b(\d{6})\b", text.body)
    assert code is not None
    wrong = client.post(reverse("notify-contact"), {"part": "code", "code": "000000" if code.group(1) != "000000"
                                                    else "111111"})
    assert "does not match" in wrong.content.decode()
    assert client.post(reverse("notify-contact"), {"part": "code", "code": code.group(1)}).status_code == 302
    clinician.refresh_from_db()
    assert clinician.verified_mobile == "+61412345678"
    none = client.post(reverse("notify-contact"), {"part": "prefs"})
    assert "at least one way" in none.content.decode()


def test_deactivating_a_clinician_ends_her_sessions_takes_her_off_the_rota_and_is_audited(
    world: Any, client: Any, client_as: Any
) -> None:
    clinician = world.users["clinician"]
    client.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("screening-queue")).status_code == 200
    OnCallShift.objects.create(site=world.site_a, user=clinician, starts_at=timezone.now() - timedelta(hours=1),
                               ends_at=timezone.now() + timedelta(hours=5))
    OnCallShift.objects.create(site=world.site_a, user=clinician, starts_at=timezone.now() + timedelta(days=2),
                               ends_at=timezone.now() + timedelta(days=2, hours=8))
    from django.test import Client

    lead = Client()
    lead.force_login(world.users["site_lead"], backend="django.contrib.auth.backends.ModelBackend")
    response = lead.post(reverse("staff-edit", kwargs={"user_id": clinician.pk}), {"part": "deactivate"})
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert not clinician.is_active
    assert client.get(reverse("screening-queue")).status_code == 302, "signed out at once"
    assert not any(str(s.get_decoded().get("_auth_user_id")) == str(clinician.pk) for s in Session.objects.all())
    (ended,) = OnCallShift.objects.filter(user=clinician)
    assert ended.ends_at <= timezone.now()
    event = AuditEvent.objects.get(action="deactivate:user")
    assert event.actor == world.users["site_lead"]
    assert "shifts removed 2" in event.detail
    assert "sessions ended 1" in event.detail


def test_a_lead_changes_a_role_with_errors_by_the_field_and_cannot_manage_another_site(
    world: Any, client_as: Any
) -> None:
    client = client_as(world.users["site_lead"])
    educator = world.users["educator"]
    url = reverse("staff-edit", kwargs={"user_id": educator.pk})
    page = client.post(url, {"part": "details", "full_name": "", "role": "admin"}).content.decode()
    assert 'id="id_full_name_error"' in page
    assert 'id="id_role_error"' in page
    assert client.post(url, {"part": "details", "full_name": "Ed U", "role": "clinician"}).status_code == 302
    educator.refresh_from_db()
    assert (educator.full_name, educator.role) == ("Ed U", "clinician")
    assert AuditEvent.objects.filter(action="update:user", detail__contains="role educator->clinician").exists()
    own = client.post(reverse("staff-edit", kwargs={"user_id": world.users["site_lead"].pk}),
                      {"part": "deactivate"}).content.decode()
    assert "cannot deactivate yourself" in own
    foreign = reverse("staff-edit", kwargs={"user_id": world.users_b["clinician"].pk})
    assert client.post(foreign, {"part": "deactivate"}).status_code == 404
    assert User.objects.get(pk=world.users_b["clinician"].pk).is_active


def test_healthz_names_a_silent_worker_and_recovers_after_a_cycle(world: Any, client: Any, settings: Any) -> None:
    settings.BONDWELL_WORKER_STALE_SECONDS = 120
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "degraded"
    assert any("no worker has ever run" in r for r in body["reasons"])
    worker.beat(timezone.now() - timedelta(seconds=121))
    stale = client.get(reverse("healthz"))
    assert stale.status_code == 503
    assert any("silent for 12" in r for r in stale.json()["reasons"])
    worker.beat()
    fresh = client.get(reverse("healthz"))
    assert fresh.status_code == 200
    assert fresh.json()["worker"]["live_workers"] == 1
    assert heartbeat.latest_beat() is not None


def test_the_staff_banner_shows_while_degraded_and_mothers_never_see_it(world: Any, client_as: Any) -> None:
    assert "Alerts may not reach anyone" in client_as(world.users["clinician"]).get(reverse("home")).content.decode()
    assert "Alerts may not reach anyone" not in client_as(world.users["mother"]).get(reverse("home")).content.decode()
    worker.beat()
    assert "Alerts may not reach anyone" not in client_as(world.users["clinician"]).get(
        reverse("home")).content.decode()


def test_metrics_need_the_token_and_expose_the_queue_latency_and_time_to_acknowledge(
    world: Any, client: Any, settings: Any, smtp: Any
) -> None:
    from bondwell.screening.services import acknowledge_alert

    settings.BONDWELL_METRICS_TOKEN = ""
    assert client.get(reverse("metrics")).status_code == 404
    settings.BONDWELL_METRICS_TOKEN = "s3cret-token"
    assert client.get(reverse("metrics")).status_code == 401
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    _on_call_now(world)
    assessment = mother_answers(world, PHQ9_SELF_HARM, now=timezone.now())
    deliver_due(timezone.now())
    alert = RiskAlert.objects.get(assessment=assessment)
    acknowledge_alert(alert, by=world.users["clinician"])
    RiskAlert.objects.filter(pk=alert.pk).update(raised_at=timezone.now() - timedelta(minutes=10))
    text = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer s3cret-token").content.decode()
    assert 'bondwell_outbox_messages{status="sent",channel="email"} 1' in text
    assert "bondwell_outbox_queue_depth 0" in text
    assert 'bondwell_delivery_latency_seconds_count{urgent="true"} 1' in text
    assert 'bondwell_alert_time_to_acknowledge_seconds_bucket{kind="self_harm",le="900"} 1' in text
    assert 'bondwell_alert_time_to_acknowledge_seconds_bucket{kind="self_harm",le="300"} 0' in text
    assert "bondwell_degraded 1" in text  # no worker has beaten in this test


def test_the_site_fallback_phone_must_be_a_mobile_and_is_stored_in_international_form(
    world: Any, client_as: Any
) -> None:
    from bondwell.screening.models import SiteSafetySettings

    client = client_as(world.users["site_lead"])
    data = {"part": "rules", "self_harm_ack_minutes": "30", "urgent_band_ack_working_days": "1",
            "fallback_contact_name": "On-call team", "fallback_contact_email": "", "fallback_phone": "02 9999 9999"}
    page = client.post(reverse("screening-settings"), data).content.decode()
    assert 'id="id_fallback_phone_error"' in page
    assert "not a mobile number" in page
    assert client.post(reverse("screening-settings"), {**data, "fallback_phone": "0412 000 009"}).status_code == 302
    assert SiteSafetySettings.objects.get(site=world.site_a).fallback_phone == "+61412000009"


def test_a_site_nobody_could_be_alerted_at_cannot_save_its_settings(world: Any, client_as: Any) -> None:
    lead = world.users["site_lead"]
    from bondwell.screening.forms import SafetySettingsForm
    from bondwell.screening.safety import safety_settings

    User.objects.filter(site=world.site_a).exclude(pk=lead.pk).exclude(role="mother").update(is_active=False)
    form_with_lead = SafetySettingsForm({"self_harm_ack_minutes": "30", "urgent_band_ack_working_days": "1"},
                                        instance=safety_settings(world.site_a))
    assert form_with_lead.is_valid(), "the lead herself still receives alerts"
    User.objects.filter(pk=lead.pk).update(is_active=False)  # as if her own account were ended meanwhile
    form = SafetySettingsForm({"self_harm_ack_minutes": "30", "urgent_band_ack_working_days": "1",
                               "fallback_contact_name": "", "fallback_contact_email": "", "fallback_phone": ""},
                              instance=safety_settings(world.site_a))
    assert not form.is_valid()
    assert "Nobody at this site could receive an alert" in str(form.errors["fallback_phone"])
