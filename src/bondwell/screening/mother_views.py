"""The mother's questionnaire on her phone: one question at a time or the whole form, a draft saved as she
goes, one submission however often she taps, her result in kind words, and support the moment she needs it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bondwell.accounts.access import audit, own_mother_record, require_role
from bondwell.accounts.models import Mother, User
from bondwell.accounts.roles import Role
from bondwell.instruments import Instrument, Item
from bondwell.pathway.promises import immediate_lines
from bondwell.pathway.services import visible_to_mother
from bondwell.screening import services
from bondwell.screening.crisis import contacts_for
from bondwell.screening.models import Assessment, Draft, ScheduledQuestionnaire
from bondwell.screening.presenters import mother_result, option_label, question_text
from bondwell.screening.questionnaires import answerable_by_mother, due_for_mother, load_instrument, mother_instrument


def _her(request: HttpRequest) -> User:
    """The signed-in mother, who answers (every view here is `@require_role(Role.MOTHER)`)."""
    user = request.user
    assert isinstance(user, User)
    return user


def _own_draft(request: HttpRequest, draft_id: int) -> tuple[Mother, Draft]:
    mother = own_mother_record(request)
    draft = Draft.objects.filter(pk=draft_id, mother=mother).first()
    if draft is None:
        raise Http404("No such questionnaire.")
    # Her record, with its site, is read already: joining it again cost more than the draft's own read.
    draft.mother = mother
    return mother, draft


@require_role(Role.MOTHER)
def my_questionnaires(request: HttpRequest) -> HttpResponse:
    mother = own_mother_record(request)
    due = due_for_mother(mother, 20)
    drafts = Draft.objects.filter(mother=mother, submitted_at__isnull=True).order_by("-updated_at")[:5]
    results = visible_to_mother(Assessment.objects.current().filter(mother=mother)).order_by(
        "-answered_on", "-id"
    )[:10]
    audit(request, "view:own-questionnaires", mother=mother)
    return render(
        request,
        "screening/my_questionnaires.html",
        {
            "title": _("Questionnaires"), "due": due, "drafts": drafts, "results": results,
            "offered": mother_instrument(mother.site),
        },
    )


@require_role(Role.MOTHER)
def start(request: HttpRequest, instrument: str) -> HttpResponse:
    """Open her unfinished draft of this questionnaire, or start one (for a scheduled one when given)."""
    mother = own_mother_record(request)
    scheduled = None
    if request.GET.get("scheduled", "").isascii() and request.GET.get("scheduled", "").isdigit():
        scheduled = get_object_or_404(
            ScheduledQuestionnaire, pk=int(request.GET["scheduled"]), mother=mother,
            status=ScheduledQuestionnaire.Status.SCHEDULED,
        )
    if scheduled is not None and scheduled.instrument != instrument:
        raise Http404("This questionnaire is not offered to you.")
    if not answerable_by_mother(instrument, mother.site):
        # Without its licensed wording a questionnaire cannot be shown; her clinician can use the paper form.
        raise Http404("This questionnaire is not offered to you.")
    try:
        draft = services.start_draft(mother, instrument, by=_her(request), scheduled=scheduled)
    except services.ScreeningError as error:
        raise Http404(str(error)) from error
    return redirect("screening-answer", draft_id=draft.pk)


@require_role(Role.MOTHER)
def answer(request: HttpRequest, draft_id: int) -> HttpResponse:
    mother, draft = _own_draft(request, draft_id)
    instrument = load_instrument(draft.instrument, mother.site)
    count = len(instrument.items)
    whole = request.GET.get("view") == "all" or request.POST.get("view") == "all"
    number = _number(request.POST.get("q") or request.GET.get("q"), count, draft)
    if draft.submitted_at is not None:
        return _after_sending(request, draft, _posted_answers(request, instrument, whole, number))
    error = ""
    if request.method == "POST":
        given = _posted_answers(request, instrument, whole, number)
        go = request.POST.get("go", "next")
        if go == "submit":
            # Her result page carries the support screen when her answers raise a risk.
            return _submit(request, draft, given)
        try:
            state = services.save_answers(draft, given, by=_her(request))
        except services.ScreeningError as problem:
            error = str(problem)
        else:
            if "self_harm" in state.new_flags:
                return redirect(reverse("screening-support", kwargs={"draft_id": draft.pk}) + f"?next={go}")
            if whole:
                messages.success(request, _("Your answers are saved. You can come back to them at any time."))
                return redirect(reverse("screening-answer", kwargs={"draft_id": draft.pk}) + "?view=all")
            target = number - 1 if go == "back" else number + 1
            if target > count:
                return redirect(reverse("screening-answer", kwargs={"draft_id": draft.pk}) + "?q=review")
            here = reverse("screening-answer", kwargs={"draft_id": draft.pk})
            return redirect(f"{here}?q={max(1, target)}")
    answers = draft.answers
    answered = sum(1 for item in instrument.items if item.key in answers)
    context: dict[str, Any] = {
        "title": instrument.title, "draft": draft, "instrument": instrument, "count": count,
        "answered": answered, "error": error, "whole": whole,
        "questions": [_question(item, answers) for item in instrument.items],
    }
    all_answered = answered == count
    if not whole and (request.GET.get("q") == "review" or (all_answered and not request.GET.get("q"))):
        context["review"] = True
        context["missing"] = [q for q in context["questions"] if q["chosen"] is None]
        return render(request, "screening/answer.html", context)
    context["number"] = number
    context["question"] = context["questions"][number - 1]
    return render(request, "screening/answer.html", context)


def _number(raw: str | None, count: int, draft: Draft) -> int:
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= 4:  # "²".isdigit() is True, int("²") fails
        return min(max(1, int(raw)), count)
    # Resume where she stopped: the first question she has not answered yet.
    for number in range(1, count + 1):
        if f"q{number}" not in draft.answers:
            return number
    return count


def _posted_answers(
    request: HttpRequest, instrument: Instrument, whole: bool, number: int
) -> dict[str, object]:
    keys = list(instrument.item_keys) if whole else [f"q{number}"]
    given: dict[str, object] = {}
    for key in keys:
        raw = request.POST.get(key, "")
        if raw == "":
            continue
        given[key] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else raw
    return given


def _question(item: Item, answers: dict[str, int]) -> dict[str, Any]:
    return {
        "key": item.key,
        "number": item.number,
        "text": question_text(item),
        "options": [(o.position, option_label(o)) for o in item.options],
        "chosen": answers.get(item.key),
    }


def _after_sending(request: HttpRequest, draft: Draft, given: dict[str, object]) -> HttpResponse:
    """Her answers were sent already. Opened again: her result. Sent again (she went Back, perhaps changed an
    answer): the same answers show her result; changed answers are saved as a correction (the earlier version
    kept, her care team able to see both) and their risk rules run, so nothing she changed is lost."""
    before = services.latest_version(Assessment.objects.get(idempotency_key=draft.key))
    if request.method != "POST" or not given:
        return redirect("screening-result", assessment_id=before.pk)
    try:
        now = services.resubmit_answers(draft, given, by=_her(request))
    except services.ScreeningError as problem:
        messages.error(request, _("Your new answer could not be saved: %(problem)s") % {"problem": problem})
        return redirect("screening-result", assessment_id=before.pk)
    if now.pk != before.pk:
        messages.info(
            request, _("You changed your answers after sending them. We have saved your new answers; the earlier "
                       "ones stay on your record."),
        )
    return redirect("screening-result", assessment_id=now.pk)


def _submit(request: HttpRequest, draft: Draft, given: dict[str, object]) -> HttpResponse:
    try:
        assessment = services.submit_answers(draft, given, by=_her(request))
    except services.ScreeningError as problem:
        messages.error(request, str(problem))
        return redirect(reverse("screening-answer", kwargs={"draft_id": draft.pk}) + "?q=review")
    return redirect("screening-result", assessment_id=assessment.pk)


@require_role(Role.MOTHER)
def support(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Shown the moment an answer signals risk, before she goes on (or stops)."""
    mother, draft = _own_draft(request, draft_id)
    audit(request, "view:support", mother=mother, obj=draft)
    go = request.GET.get("next", "next")
    onward = reverse("screening-answer", kwargs={"draft_id": draft.pk})
    if go == "submit":
        onward += "?q=review"
    now = timezone.now()
    return render(
        request,
        "screening/support.html",
        {
            "title": _("Support is here for you"), "crisis": contacts_for(mother.site, now), "onward": onward,
            "told": immediate_lines(mother, now),
        },
    )


@require_role(Role.MOTHER)
def result(request: HttpRequest, assessment_id: int) -> HttpResponse:
    mother = own_mother_record(request)
    # One query: her result if she may see it (entered from paper: once her clinician has gone through it with
    # her and released it), and whether a correction replaced it.
    found = (
        visible_to_mother(Assessment.objects.filter(pk=assessment_id, mother=mother))
        .annotate(corrected=Exists(Assessment.objects.filter(supersedes=OuterRef("pk"))))
        .first()
    )
    if found is None:
        raise Http404("No such result.")
    found.mother = mother  # her record and site are already loaded: the result reads them without new queries
    if found.corrected:  # type: ignore[attr-defined]
        return redirect("screening-result", assessment_id=services.latest_version(found).pk)
    assessment = found
    audit(request, "view:own-result", mother=mother, obj=assessment)
    shown = mother_result(assessment)
    return render(
        request,
        "screening/result.html",
        {
            "title": _("Thank you"), "shown": shown, "reading": shown.reading, "crisis": shown.contacts,
            "assessment": assessment,
        },
    )
