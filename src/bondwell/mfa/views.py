"""The second step at sign-in, setting up factors, and an administrator's reset of a lost factor."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bondwell.accounts.access import require_role
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.mfa import passkeys, services
from bondwell.mfa.forms import CodeForm, ResetForm
from bondwell.mfa.middleware import REMEMBER_COOKIE
from bondwell.mfa.models import Passkey, RecoveryCode
from bondwell.mfa.policy import STAFF_ROLES
from bondwell.mfa.session import mark_verified, verified_method


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404("Sign in first.")
    return user


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


def _passed(request: HttpRequest, user: User, method: str) -> None:
    request.session.cycle_key()  # a new session id once the second step is passed
    mark_verified(request.session, user, method)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if verified_method(request.session, user) is not None:
        return HttpResponseRedirect(_next(request))
    if not services.has_second_factor(user):
        return redirect(f"{reverse('mfa-setup')}?{urlencode({'next': _next(request)})}")
    days = settings.BONDWELL_MFA_REMEMBER_DAYS
    form = CodeForm(request.POST or None, remember_days=days)
    if request.method == "POST" and form.is_valid():
        result = services.verify_code(form.cleaned_data["code"], by=user)
        if result.ok:
            _passed(request, user, result.method)
            response = HttpResponseRedirect(_next(request))
            if form.cleaned_data.get("remember"):
                token = services.remember_device(by=user, user_agent=request.META.get("HTTP_USER_AGENT", ""))
                response.set_cookie(
                    REMEMBER_COOKIE, token, max_age=days * 24 * 3600,
                    secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
                )
            return response
        form.add_error("code", result.message)
    return render(request, "mfa/verify.html", {
        "title": _("Check it is you"), "form": form, "next": _next(request),
        "has_totp": services.totp_device(user) is not None,
        "has_passkey": Passkey.objects.filter(user=user).exists(),
    })


def _key_text(key_hex: str) -> str:
    b32 = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    return " ".join(b32[i:i + 4] for i in range(0, len(b32), 4))


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: at first sign-in for staff, by choice for mothers, or to replace one."""
    user = _user(request)
    if services.has_second_factor(user) and verified_method(request.session, user) is None:
        # Adding a factor needs the second step first, or a stolen password could add its own.
        return redirect(f"{reverse('mfa-verify')}?{urlencode({'next': reverse('mfa-setup')})}")
    device = services.pending_totp(user)
    form = CodeForm(request.POST or None, setup=True)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp(form.cleaned_data["code"], by=user)
        if codes is not None:
            _passed(request, user, "totp")
            return render(request, "mfa/recovery_codes.html",
                          {"title": _("Your recovery codes"), "codes": codes, "next": _next(request)})
        form.add_error("code", _("That code does not match. Check the key was entered correctly and try the code "
                                 "your app shows now."))
    return render(request, "mfa/setup.html", {
        "title": _("Set up your authenticator app"), "form": form, "key": _key_text(device.key),
        "config_url": device.config_url, "next": _next(request), "first_time": not services.has_second_factor(user),
        "staff": user.role in STAFF_ROLES,
    })


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(request, "mfa/security.html", {
        "title": _("Sign-in security"),
        "totp": services.totp_device(user),
        "passkeys": Passkey.objects.filter(user=user),
        "codes_left": RecoveryCode.objects.filter(user=user, used_at__isnull=True).count(),
        "remembered": user.remembered_devices.count(),
    })


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not services.has_second_factor(user):
        return redirect("mfa-setup")
    codes = services.new_recovery_codes(by=user)
    return render(request, "mfa/recovery_codes.html",
                  {"title": _("Your recovery codes"), "codes": codes, "next": reverse("mfa-security")})


@login_required
@require_POST
def forget_devices(request: HttpRequest) -> HttpResponse:
    count = services.forget_devices(by=_user(request))
    messages.success(request, ngettext(
        "Forgot %(count)d remembered browser.", "Forgot %(count)d remembered browsers.", count) % {"count": count})
    response = redirect("mfa-security")
    response.delete_cookie(REMEMBER_COOKIE)
    return response


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _passkey_refusal_as_json(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """The passkey pages answer the page's script: a refused ceremony is a JSON error, not an error page."""

    @wraps(view)
    def answer(request: HttpRequest) -> HttpResponse:
        try:
            return view(request)
        except passkeys.PasskeyError as error:
            return _json_error(str(error))

    return answer


def _start_ceremony(request: HttpRequest, made: tuple[str, str], challenge_key: str) -> HttpResponse:
    """Keep a passkey ceremony's challenge in the session; send the browser its options."""
    options, challenge = made
    request.session[challenge_key] = challenge
    return HttpResponse(options, content_type="application/json")


def _finish_ceremony(request: HttpRequest, user: User, finish: Callable[..., Passkey], challenge_key: str) -> Passkey:
    """Check the browser's answer (`passkeys.register` or `authenticate`) against the challenge kept for it."""
    return finish(request.body, by=user, party=passkeys.RelyingParty.of(request),
                  challenge=request.session.pop(challenge_key, None))


@login_required
@require_POST
def passkey_options(request: HttpRequest) -> HttpResponse:
    made = passkeys.registration_options(_user(request), party=passkeys.RelyingParty.of(request))
    return _start_ceremony(request, made, passkeys.REGISTER_CHALLENGE)


@login_required
@require_POST
@_passkey_refusal_as_json
def passkey_add(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    passkey = _finish_ceremony(request, user, passkeys.register, passkeys.REGISTER_CHALLENGE)
    if verified_method(request.session, user) is None:
        _passed(request, user, "passkey")
    return JsonResponse({"ok": True, "name": passkey.name, "next": reverse("mfa-security")})


@login_required
@require_POST
def passkey_login_options(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not Passkey.objects.filter(user=user).exists():
        return _json_error(_("You have no passkey yet. Use the code from your authenticator app."))
    made = passkeys.login_options(user, party=passkeys.RelyingParty.of(request))
    return _start_ceremony(request, made, passkeys.LOGIN_CHALLENGE)


@login_required
@require_POST
@_passkey_refusal_as_json
def passkey_login(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _finish_ceremony(request, user, passkeys.authenticate, passkeys.LOGIN_CHALLENGE)
    _passed(request, user, "passkey")
    return JsonResponse({"ok": True, "next": _next(request)})


@never_cache
@require_role(Role.ADMIN, Role.SITE_LEAD)
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """An administrator (anyone) or a site lead (staff of her site) clears a person's lost second factor."""
    actor = _user(request)
    people = User.objects.all()
    if actor.role == Role.SITE_LEAD:
        people = people.filter(site_id=actor.site_id or 0).exclude(role=Role.MOTHER)
    person = people.filter(pk=user_id).first()
    if person is None:
        raise Http404("No such person.")
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reset_second_factor(person, by=actor, reason=form.cleaned_data["reason"])
        messages.success(request, f"{person.full_name} will set up a new second factor at their next sign-in.")
        return redirect("staff-list")
    return render(request, "mfa/reset.html", {"title": "Reset a second factor", "person": person, "form": form})
