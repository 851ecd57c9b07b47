"""A mother downloads her data and asks for erasure; her site lead carries the erasure out."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bondwell.accounts.access import access_mother, audit, mothers_in_scope, own_mother_record, require_role
from bondwell.accounts.models import User
from bondwell.accounts.roles import Purpose, Role
from bondwell.rights import erasure, export, pdf, policy
from bondwell.rights.models import ErasureRequest


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@never_cache
@require_role(Role.MOTHER)
def mine(request: HttpRequest) -> HttpResponse:
    mother = own_mother_record(request)
    pending = ErasureRequest.objects.filter(mother=mother, status=ErasureRequest.Status.PENDING).first()
    return render(request, "rights/mine.html", {"title": "Your data", "mother": mother, "pending": pending})


def _download(request: HttpRequest, kind: str) -> tuple[dict[str, object], str]:
    mother = own_mother_record(request)
    audit(request, f"export:own-data-{kind}", mother=mother)
    return export.collect(mother), f"bondwell-my-data-{mother.pseudonym}.{kind}"


@never_cache
@require_role(Role.MOTHER)
def mine_json(request: HttpRequest) -> HttpResponse:
    data, name = _download(request, "json")
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False, default=str),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@require_role(Role.MOTHER)
def mine_pdf(request: HttpRequest) -> HttpResponse:
    data, name = _download(request, "pdf")
    response = HttpResponse(pdf.render(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_role(Role.MOTHER)
@require_POST
def ask_erasure(request: HttpRequest) -> HttpResponse:
    erasure.request_erasure(own_mother_record(request), by=_user(request))
    messages.success(request, "Your request was sent to your service's lead. They will contact you within a month.")
    return redirect("rights-mine")


@never_cache
@require_role(Role.SITE_LEAD)
def requests(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    pending = ErasureRequest.objects.filter(
        status=ErasureRequest.Status.PENDING, mother__in=mothers_in_scope(user)
    ).select_related("mother")
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(request, "rights/requests.html", {"title": "Erasure requests", "page": page})


@never_cache
@require_role(Role.SITE_LEAD)
def erase(request: HttpRequest, mother_id: int) -> HttpResponse:
    mother = access_mother(request, mother_id, Purpose.RECORD, action="view:erasure")
    pending = ErasureRequest.objects.filter(mother=mother, status=ErasureRequest.Status.PENDING).first()
    problem = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            problem = "Tick the box to confirm this mother's identifiable data is to be erased."
        else:
            chosen = pending or erasure.request_erasure(mother, by=_user(request))
            try:
                erasure.erase(chosen, by=_user(request))
            except erasure.ErasureError as error:
                problem = str(error)
            else:
                messages.success(request, f"The record {mother.pseudonym} was erased as the policy states.")
                return redirect("rights-requests")
    return render(request, "rights/erase.html", {
        "title": "Erase a mother's identifiable data", "mother": mother, "pending": pending,
        "record_types": policy.RECORD_TYPES, "problem": problem,
    }, status=400 if problem else 200)
