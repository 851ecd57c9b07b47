"""Records of mothers (through the scoping layer), the access trail, and user management."""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bondwell.accounts import staff
from bondwell.accounts.access import (
    access_mother,
    audit,
    own_mother_record,
    require_role,
)
from bondwell.accounts.forms import InvitationForm, NewUserForm, StaffEditForm
from bondwell.accounts.models import AuditEvent, User
from bondwell.accounts.roles import Purpose, Role
from bondwell.accounts.services import AccountError, create_user
from bondwell.errors import add_to_form

PAGE_SIZE = 50


# The mothers list and her record (the hub) are in bondwell.workspace.views.


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def mother_audit(request: HttpRequest, mother_id: int) -> HttpResponse:
    mother = access_mother(request, mother_id, Purpose.AUDIT)
    events = AuditEvent.objects.filter(mother=mother).select_related("actor")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/mother_audit.html", {"title": f"Access trail: {mother.full_name}", "mother": mother,
                                                 "page": page}
    )


@require_role(Role.MOTHER)
def my_record(request: HttpRequest) -> HttpResponse:
    mother = own_mother_record(request)
    audit(request, "view:own-record", mother=mother)
    return render(
        request, "accounts/my_record.html", {"title": _("My details"), "mother": mother, "babies": mother.babies.all()}
    )


@require_role(Role.SITE_LEAD, Role.ADMIN)
def staff_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    people = User.objects.select_related("site").exclude(role=Role.MOTHER)
    if user.role == Role.SITE_LEAD:
        people = people.filter(site_id=user.site_id or 0)
    page = Paginator(people.order_by("full_name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/staff_list.html", {"title": "Staff", "page": page})


@require_role(Role.SITE_LEAD, Role.ADMIN)
def staff_new(request: HttpRequest) -> HttpResponse:
    creator = request.user
    assert isinstance(creator, User)
    form = NewUserForm(request.POST or None, creator=creator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                new_user = create_user(data["email"], by=creator, role=data["role"], full_name=data["full_name"],
                                       site=data["site"], password=None)
                # Queued with the account it invites: both exist, or neither; the worker sends it.
                reset = InvitationForm({"email": new_user.email})
                if reset.is_valid():
                    reset.save(request=request, use_https=settings.BONDWELL_BASE_URL.startswith("https:"),
                               domain_override=_public_host())
        except AccountError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{new_user.full_name} was added and sent a link to set a password.")
            return redirect("staff-list")
    return render(request, "accounts/staff_new.html", {"title": "Add a person", "form": form})


def _public_host() -> str:
    return urlparse(settings.BONDWELL_BASE_URL).netloc


@require_role(Role.SITE_LEAD, Role.ADMIN)
def staff_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """A lead edits a person's name and role, or deactivates (and reactivates) her account."""
    manager = request.user
    assert isinstance(manager, User)
    person = User.objects.filter(pk=user_id).select_related("site").first()
    if person is None or not staff.may_manage(manager, person):
        raise Http404("No such person.")
    part = request.POST.get("part") if request.method == "POST" else None
    form = StaffEditForm(request.POST if part == "details" else None, manager=manager,
                         initial={"full_name": person.full_name, "role": person.role})
    problem = ""
    try:
        if part == "details" and form.is_valid():
            staff.update(person, by=manager, full_name=form.cleaned_data["full_name"],
                         role=form.cleaned_data["role"])
            messages.success(request, f"{form.cleaned_data['full_name']}'s details were saved.")
            return redirect("staff-edit", user_id=person.pk)
        if part == "deactivate":
            staff.deactivate(person, by=manager, now=timezone.now())
            messages.success(request, f"{person.full_name} was deactivated: signed out, off the rota and no longer "
                                      "sent alerts.")
            return redirect("staff-list")
        if part == "reactivate":
            staff.reactivate(person, by=manager)
            messages.success(request, f"{person.full_name} can sign in again.")
            return redirect("staff-edit", user_id=person.pk)
    except staff.StaffError as error:
        if error.field:
            add_to_form(form, error)
        else:
            problem = str(error)
    return render(request, "accounts/staff_edit.html", {
        "title": f"Staff: {person.full_name}", "person": person, "form": form, "problem": problem,
    })
