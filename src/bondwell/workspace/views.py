"""The mother's record as the hub, the searchable list of mothers, and educators' concerns.

Every record is opened through `bondwell.accounts.access` (scoped, audited); what each part shows follows the
purposes of the viewer's role.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bondwell.accounts.access import access_mother, audit, may, mothers_in_scope, require_role
from bondwell.accounts.models import AuditEvent, User
from bondwell.accounts.roles import Purpose, Role
from bondwell.errors import add_to_form
from bondwell.workspace import concerns, record
from bondwell.workspace.forms import CloseConcernForm, ConcernForm
from bondwell.workspace.models import Concern

PAGE_SIZE = 50
STAFF = (Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def parse_birth_date(text: str) -> date | None:
    """A date of birth as staff type it: 2026-03-14, 14/03/2026, 14.3.1990 or 14-03-1990 (day first)."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return datetime.strptime(text, "%Y-%m-%d").date()
        found = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None
    return None


def _count(queryset: Any) -> Subquery:
    """A per-mother count as a correlated subquery (one index probe per row shown; no join fan-out)."""
    return Subquery(queryset.filter(mother=OuterRef("pk")).values("mother").annotate(c=Count("id")).values("c")[:1])


def _due_counts(today: date) -> dict[str, Any]:
    from bondwell.pathway.models import FollowUp
    from bondwell.screening.models import RiskAlert, ScheduledQuestionnaire

    return {
        "open_alerts": Coalesce(_count(RiskAlert.objects.exclude(status=RiskAlert.Status.CLOSED)), 0),
        "open_follow_ups": Coalesce(_count(FollowUp.objects.filter(status=FollowUp.Status.OPEN)), 0),
        "due_questionnaires": Coalesce(_count(ScheduledQuestionnaire.objects.filter(
            status=ScheduledQuestionnaire.Status.SCHEDULED, due_on__lte=today)), 0),
        "open_concerns": Coalesce(_count(Concern.objects.exclude(status=Concern.Status.CLOSED)), 0),
    }


@require_role(*STAFF)
def mother_list(request: HttpRequest) -> HttpResponse:
    """Search by name, date of birth or study code; open alerts, follow-ups and due questionnaires per mother."""
    user = _user(request)
    query = request.GET.get("q", "").strip()[:80]
    mothers = mothers_in_scope(user).select_related("site")
    if query:
        born = parse_birth_date(query)
        if born is not None:
            mothers = mothers.filter(date_of_birth=born)
        else:
            mothers = mothers.filter(Q(full_name__icontains=query) | Q(pseudonym__iexact=query.upper())
                                     | Q(pseudonym__iexact="BW-" + query.upper()))
    shows_alerts = may(user, Purpose.ALERTS)
    if shows_alerts:
        mothers = mothers.annotate(**_due_counts(timezone.localdate()))
    page = Paginator(mothers.order_by("full_name", "date_of_birth", "id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = list(page)
    names = [m.full_name for m in rows]
    audit(request, "list:mothers", detail=f"q={query}" if query else "")
    return render(request, "workspace/mother_list.html", {
        "title": "Mothers", "page": page, "rows": rows, "q": query, "shows_alerts": shows_alerts,
        "shared_names": {n for n in names if names.count(n) > 1}, "searched_date": bool(query and
                                                                                        parse_birth_date(query)),
    })


@require_role(*STAFF)
def mother_record(request: HttpRequest, mother_id: int) -> HttpResponse:
    """Everything about her on one page, each part as the viewer's role allows, with links to act."""
    user = _user(request)
    mother = access_mother(request, mother_id, Purpose.RECORD, action="view:record")
    context: dict[str, Any] = record.sections(mother, user)
    context.update(title=mother.full_name, mother=mother, babies=list(mother.babies.all()))
    return render(request, "workspace/record.html", context)


@require_role(Role.EDUCATOR, Role.CLINICIAN)
def concern_new(request: HttpRequest, mother_id: int) -> HttpResponse:
    """'I'm worried about this mother': a note that reaches the clinicians' queue as a concern."""
    mother = access_mother(request, mother_id, Purpose.PROGRAMME, action="open:concern-form")
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concerns.raise_concern(mother, form.cleaned_data["note"], by=_user(request))
        except concerns.ConcernError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, "Thank you. Your concern is in the clinicians' queue; a clinician will "
                                      "read it and decide what to do.")
            return redirect("mother-record", mother_id=mother.pk)
    return render(request, "workspace/concern_new.html", {
        "title": f"I'm worried about {mother.full_name}", "mother": mother, "form": form,
        "forms": [form] if form.errors else [],
    })


@require_role(Role.CLINICIAN, Role.SITE_LEAD)
def concern_detail(request: HttpRequest, concern_id: int) -> HttpResponse:
    found = Concern.objects.filter(pk=concern_id).select_related("raised_by").first()
    if found is None:
        raise Http404("No such concern.")
    mother = access_mother(request, found.mother_id, Purpose.ALERTS, action="view:concern")
    user = _user(request)
    step = request.POST.get("step") if request.method == "POST" else None
    close_form = CloseConcernForm(request.POST if step == "close" else None)
    if step == "acknowledge":
        concerns.acknowledge_concern(found, by=user)
        messages.success(request, "Acknowledged. Close it with what was done once you have acted.")
        return redirect("workspace-concern", concern_id=found.pk)
    if step == "close" and close_form.is_valid():
        try:
            concerns.close_concern(found, close_form.cleaned_data["outcome"], by=user)
        except concerns.ConcernError as problem:
            add_to_form(close_form, problem)
        else:
            messages.success(request, "Concern closed.")
            return redirect("screening-queue")
    found.refresh_from_db()
    return render(request, "workspace/concern.html", {
        "title": "Concern", "concern": found, "mother": mother, "close_form": close_form,
        "forms": [close_form] if close_form.errors else [],
        "trail": AuditEvent.objects.filter(object_type="workspace.Concern", object_id=str(found.pk))
        .select_related("actor").order_by("at", "id")[:50],
    })


def concerns_in_scope(user: User, *, include_closed: bool = False) -> Any:
    """The queue's concerns: open first, oldest first among them (a worry should not wait behind newer ones)."""
    mothers = mothers_in_scope(user)
    found = Concern.objects.filter(mother__in=mothers).select_related("mother", "raised_by")
    if not include_closed:
        found = found.exclude(status=Concern.Status.CLOSED)
    open_first = Case(When(status=Concern.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return found.annotate(open_first=open_first).order_by("open_first", "raised_at", "id")

