"""Notify's pages: acknowledge from a link, the on-call rota, my alert contact, messages that could not be sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bondwell.accounts.access import audit, own_site, posted_row, require_role
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.errors import add_to_form
from bondwell.notify import links, mobile, rota
from bondwell.notify.forms import CodeForm, MobileForm, PreferencesForm, ShiftForm
from bondwell.notify.models import OnCallShift
from bondwell.notify.outbox import failed_for_site


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (so a mail scanner opening the link changes nothing); POST acknowledges, once."""
    now = timezone.now()
    try:
        link = links.find(token, now)
    except links.LinkError as problem:
        return render(request, "notify/ack.html", {"title": "Link not usable", "problem": str(problem)}, status=410)
    if request.method == "POST":
        try:
            target = links.redeem(token, request, now)
        except links.LinkError as problem:
            return render(request, "notify/ack.html", {"title": "Link not usable", "problem": str(problem)},
                          status=410)
        messages.success(request, "Alert acknowledged. Record what you did when you have acted.")
        return redirect(target)
    return render(request, "notify/ack.html", {"title": "Acknowledge the alert", "link": link})


@require_role(Role.SITE_LEAD)
def rota_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    site = own_site(user)
    now = timezone.now()
    form = ShiftForm(request.POST if request.POST.get("part") == "add" else None, site=site)
    if request.method == "POST":
        if request.POST.get("part") == "remove":
            shift = posted_row(request, OnCallShift.objects.filter(site=site), "shift")
            if shift is not None:
                rota.remove_shift(shift, by=user)
                messages.success(request, "Shift removed.")
            return redirect("notify-rota")
        if form.is_valid():
            try:
                rota.add_shift(site, form.cleaned_data["user"], form.cleaned_data["starts_at"],
                               form.cleaned_data["ends_at"], by=user, now=now)
            except rota.RotaError as problem:
                add_to_form(form, problem)
            else:
                messages.success(request, "Shift added to the on-call rota.")
                return redirect("notify-rota")
    audit(request, "view:on-call-rota")
    return render(request, "notify/rota.html", {
        "title": "On-call rota", "form": form, "shifts": rota.upcoming(site, now), "site": site,
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def contact(request: HttpRequest) -> HttpResponse:
    """Her mobile number (verified by a texted code) and how she wants urgent alerts."""
    user = _user(request)
    now = timezone.now()
    part = request.POST.get("part") if request.method == "POST" else None
    mobile_form = MobileForm(request.POST if part == "mobile" else None, initial={"mobile": user.mobile})
    code_form = CodeForm(request.POST if part == "code" else None)
    prefs_form = PreferencesForm(request.POST if part == "prefs" else None, initial={
        "alerts_by_email": user.alerts_by_email, "alerts_by_sms": user.alerts_by_sms,
    })
    # Each part: its form, the change (made only when the form is valid) and the thanks.
    parts: dict[str, tuple[Form, Callable[[dict[str, Any]], object], str]] = {
        "mobile": (mobile_form, lambda data: mobile.start(data["mobile"], by=user, now=now),
                   "We have texted you a code. Type it below to confirm the number."),
        "code": (code_form, lambda data: mobile.confirm(data["code"], by=user, now=now),
                 "Your mobile number is confirmed: urgent alerts can now reach it."),
        "prefs": (prefs_form, lambda data: mobile.set_preferences(by=user, by_email=data["alerts_by_email"],
                                                                  by_sms=data["alerts_by_sms"]),
                  "Alert preferences saved."),
    }
    if part in parts:
        form, change, thanks = parts[part]
        if form.is_valid():
            try:
                change(form.cleaned_data)
            except mobile.MobileError as problem:
                add_to_form(form, problem)
            else:
                messages.success(request, thanks)
                return redirect("notify-contact")
    return render(request, "notify/contact.html", {
        "title": "My alert contact", "mobile_form": mobile_form, "code_form": code_form, "prefs_form": prefs_form,
        "awaiting_code": bool(user.mobile) and user.mobile_verified_at is None,
    })


@require_role(Role.SITE_LEAD, Role.ADMIN)
def undelivered(request: HttpRequest) -> HttpResponse:
    """Messages that could not be sent (a site lead: her site's; an administrator: those of no site)."""
    user = _user(request)
    rows = failed_for_site(user.site if user.role == Role.SITE_LEAD else None)
    audit(request, "view:undelivered-messages")
    return render(request, "notify/undelivered.html", {"title": "Messages that could not be sent", "rows": rows})
