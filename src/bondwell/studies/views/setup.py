"""Study list, set-up, status and members."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bondwell.accounts.access import require_role
from bondwell.accounts.roles import Role
from bondwell.errors import add_to_form
from bondwell.studies.access import MANAGERS, access_study, signed_in, studies_for
from bondwell.studies.forms import MemberForm, StudyForm
from bondwell.studies.models import StudyStatus
from bondwell.studies.services import (
    StudyError,
    add_study_member,
    create_study,
    may_set_status,
    set_study_status,
    update_study,
)


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER, Role.STATISTICIAN)
def study_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    studies = (
        studies_for(user).annotate(n_participants=Count("participants", distinct=True))
        .prefetch_related("sites").order_by("-created_at", "id")[:100]
    )
    return render(request, "studies/study_list.html", {
        "title": "Studies", "studies": studies, "may_create": user.role in MANAGERS,
    })


@require_role(Role.SITE_LEAD, Role.RESEARCHER)
def study_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = StudyForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            study = create_study(form.plan(), by=user)
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"Study {study.code} was created. Check it, then open recruitment.")
            return redirect("study-detail", study_id=study.pk)
    return render(request, "studies/study_form.html", {"title": "Set up a study", "form": form})


@require_role(Role.CLINICIAN, Role.SITE_LEAD, Role.RESEARCHER, Role.STATISTICIAN)
def study_detail(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access_study(request, study_id)
    user = signed_in(request)
    return render(request, "studies/study_detail.html", {
        "title": study.title, "study": study, "arms": study.arms.all(), "timepoints": study.timepoints.all(),
        "sites": study.sites.all(), "members": study.members.select_related("user"),
        "may_manage": user.role in MANAGERS, "may_set_status": may_set_status(user, study),
        "is_staff": user.role in {Role.CLINICIAN, Role.SITE_LEAD},
        "n_screened": study.screening_entries.count(), "n_enrolled": study.participants.count(),
        "n_randomised": study.allocations.count(),
    })


@require_role(Role.SITE_LEAD, Role.RESEARCHER)
def study_edit(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access_study(request, study_id, roles=MANAGERS)
    user = signed_in(request)
    if study.status != StudyStatus.SETUP:
        messages.error(request, "The protocol is fixed once recruitment opens; it can no longer be changed.")
        return redirect("study-detail", study_id=study.pk)
    form = StudyForm(request.POST or None, instance=study, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            update_study(study, form.plan(), by=user)
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "The study set-up was saved.")
            return redirect("study-detail", study_id=study.pk)
    return render(request, "studies/study_form.html", {"title": f"Set up {study.code}", "form": form,
                                                        "study": study})


@require_POST
@require_role(Role.SITE_LEAD)
def study_status(request: HttpRequest, study_id: int) -> HttpResponse:
    """Open or close recruitment: the study's own site leads only (a researcher or statistician may not)."""
    study = access_study(request, study_id, roles=frozenset({Role.SITE_LEAD}))
    try:
        set_study_status(study, request.POST.get("status", ""), by=signed_in(request))
    except StudyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The study status was changed.")
    return redirect("study-detail", study_id=study.pk)


@require_role(Role.SITE_LEAD, Role.RESEARCHER)
def study_members(request: HttpRequest, study_id: int) -> HttpResponse:
    study = access_study(request, study_id, roles=MANAGERS)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = add_study_member(study, form.cleaned_data["email"], by=signed_in(request))
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{member.user.full_name} is now a member of {study.code}.")
            return redirect("study-members", study_id=study.pk)
    return render(request, "studies/members.html", {
        "title": f"Researchers of {study.code}", "study": study, "form": form,
        "members": study.members.select_related("user").order_by("user__full_name"),
    })
