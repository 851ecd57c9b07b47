"""The clinician's worklist of follow-ups by due date, one follow-up with its tries and outcome, and a mother's
pathway (her follow-ups and the paper results waiting to be released to her). Views parse, call one service,
render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bondwell.accounts.access import access_mother, access_row, audit, mothers_in_scope, require_role
from bondwell.accounts.models import User
from bondwell.accounts.roles import Purpose, Role
from bondwell.errors import add_to_form
from bondwell.pathway import services
from bondwell.pathway.forms import AttemptForm, CloseForm
from bondwell.pathway.models import UNABLE_TO_CONTACT_AFTER, FollowUp
from bondwell.screening.models import Assessment, Source

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def worklist(request: HttpRequest) -> HttpResponse:
    """Open follow-ups of the mothers in her scope, soonest due first (overdue at the top)."""
    user = _user(request)
    show_closed = request.GET.get("show") == "closed"
    rows = FollowUp.objects.filter(mother__in=mothers_in_scope(user)).select_related("mother", "owner", "scheduled")
    if show_closed:
        rows = rows.filter(status=FollowUp.Status.CLOSED).order_by("-closed_at", "-id")
    else:
        rows = rows.filter(status=FollowUp.Status.OPEN).order_by("due_at", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit(request, "view:follow-up-worklist")
    return render(
        request, "pathway/worklist.html",
        {
            "title": "Follow-ups", "page": page, "show_closed": show_closed, "now": timezone.now(),
            "zone": user.site.zone_name if user.site is not None else "UTC",  # times as her site's clock shows them
        },
    )


def _follow_up(request: HttpRequest, follow_up_id: int) -> FollowUp:
    rows = FollowUp.objects.filter(pk=follow_up_id).select_related("mother__site", "owner", "scheduled")
    return access_row(request, rows, Purpose.ALERTS, action="view:follow-up", missing="No such follow-up.")


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def follow_up(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    item = _follow_up(request, follow_up_id)
    user = _user(request)
    step = request.POST.get("step", "")
    attempt_form = AttemptForm(request.POST if step == "attempt" else None)
    close_form = CloseForm(request.POST if step == "close" else None)
    if request.method == "POST":
        if user.role != Role.CLINICIAN:
            raise PermissionDenied("Only a clinician records tries and outcomes.")
        try:
            if step == "take":
                services.take_follow_up(item, by=user)
                messages.success(request, "You own this follow-up now.")
                return redirect("pathway-follow-up", follow_up_id=item.pk)
            if step == "attempt" and attempt_form.is_valid():
                services.record_attempt(
                    item, attempt_form.cleaned_data["result"], attempt_form.cleaned_data["note"], by=user,
                )
                messages.success(request, "Recorded.")
                return redirect("pathway-follow-up", follow_up_id=item.pk)
            if step == "close" and close_form.is_valid():
                services.close_follow_up(
                    item, close_form.cleaned_data["outcome"], close_form.cleaned_data["detail"], by=user,
                )
                messages.success(request, "Follow-up closed.")
                return redirect("pathway-worklist")
        except services.PathwayError as problem:
            target = close_form if step == "close" else attempt_form
            add_to_form(target, problem)
    item.refresh_from_db()
    return render(
        request, "pathway/follow_up.html",
        {
            "title": "Follow-up", "item": item, "attempt_form": attempt_form, "close_form": close_form,
            "attempts": item.attempts.select_related("by"), "events": item.events.select_related("actor")[:100],
            "may_act": user.role == Role.CLINICIAN, "now": timezone.now(), "tries_needed": UNABLE_TO_CONTACT_AFTER,
            "forms": [f for f in (attempt_form, close_form) if f.is_bound and f.errors],
        },
    )


@require_role(Role.CLINICIAN)
def mother_pathway(request: HttpRequest, mother_id: int) -> HttpResponse:
    """Her follow-ups, open and closed, and the results entered from paper that she cannot see yet."""
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="view:pathway")
    if request.method == "POST":
        chosen = request.POST.get("assessment", "")
        valid = chosen.isascii() and chosen.isdigit() and len(chosen) <= 18
        assessment = Assessment.objects.filter(pk=int(chosen), mother=mother).first() if valid else None
        if assessment is None:
            messages.error(request, "Choose a result to release.")
        else:
            services.release_result(assessment, by=_user(request))
            messages.success(request, "Released: she can now see this result.")
        return redirect("pathway-mother", mother_id=mother.pk)
    unreleased = (
        Assessment.objects.current().filter(mother=mother, source=Source.PAPER, release__isnull=True)
        .order_by("-answered_on", "-id")[:20]
    )
    follow_ups = FollowUp.objects.filter(mother=mother).select_related("owner", "scheduled").order_by(
        "status", "due_at"
    )[:50]
    return render(
        request, "pathway/mother.html",
        {"title": f"Follow-ups: {mother.full_name}", "mother": mother, "follow_ups": follow_ups,
         "unreleased": unreleased, "now": timezone.now()},
    )
