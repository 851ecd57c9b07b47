"""The one web page of the API app: a user's own API tokens (made, shown once, revoked), and for an
administrator every user's. Changes go through `bondwell.api.tokens`, as the CLI's do."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.api import tokens
from bondwell.api.models import ApiToken
from bondwell.errors import add_to_form

LISTED = 100


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, required=False, help_text="What it is for, e.g. “clinic EMR bridge”.")
    scopes = forms.MultipleChoiceField(
        choices=[(s, s) for s in tokens.all_scopes()], widget=forms.CheckboxSelectMultiple,
        help_text="RESOURCE:read or RESOURCE:write. Your role still limits what the token can do.",
    )
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="At most a year ahead.")
    owner_email = forms.EmailField(required=False, label="For (email)",
                                   help_text="Administrators only: make it for this user.")


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    is_admin = user.role == Role.ADMIN
    form = TokenForm(request.POST if request.POST.get("step") == "create" else None)
    secret = None
    if request.method == "POST" and request.POST.get("step") == "create" and form.is_valid():
        owner = user
        email = form.cleaned_data["owner_email"].strip().lower()
        if email and email != user.email:
            found = User.objects.filter(email=email).first() if is_admin else None
            if found is None:
                form.add_error("owner_email", "No such user (only an administrator makes tokens for others).")
            owner = found or user
        if not form.errors:
            expires = timezone.make_aware(datetime.combine(form.cleaned_data["expires_on"], time(23, 59, 59)))
            try:
                made = tokens.create_token(owner, form.cleaned_data["scopes"], expires, by=user,
                                           name=form.cleaned_data["name"])
            except tokens.TokenError as error:
                add_to_form(form, error, fields={"expires": "expires_on", "scope": "scopes"})
            else:
                secret = made.secret
                form = TokenForm()
    rows = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if not is_admin:
        rows = rows.filter(user=user)
    return render(request, "api/tokens.html", {
        "title": "API tokens", "form": form, "secret": secret, "tokens": rows[:LISTED], "is_admin": is_admin,
        "now": timezone.now(),
    })


@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _user(request)
    token = ApiToken.objects.filter(pk=token_id).select_related("user").first()
    if token is None or (token.user_id != user.pk and user.role != Role.ADMIN):
        raise Http404("No such token.")
    if request.method == "POST":
        tokens.revoke_token(token, by=user)
        messages.success(request, f"Token {token.prefix}… revoked: it is refused from now on.")
    return redirect("api-tokens")
