"""The public evidence page (latest published version only) and the review team's workflow pages.

Views parse the request, call one service, and render. Drafts are visible to the review team only
(researchers and programme leads); everyone sees published versions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bondwell.accounts.access import require_role
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.evidence import services
from bondwell.evidence.data import load_evidence
from bondwell.evidence.forms import (
    STAGE_LABELS,
    DecisionForm,
    ExtractionForm,
    ImportForm,
    PublishForm,
    Rob2Form,
    RobinsForm,
)
from bondwell.evidence.models import Extraction, Record, ReviewVersion
from bondwell.evidence.pool import effect_words, fmt, heterogeneity_words, prediction_words
from bondwell.evidence.review import citations, prisma, rob2, robins_i, screening
from bondwell.evidence.review.extraction import DESIGNS
from bondwell.evidence.review.forest import forest_svg, traffic_light_svg
from bondwell.evidence.review.grade import rate
from bondwell.evidence.review.report import report_pdf
from bondwell.evidence.review.versions import data_csv, r_script

TEAM = (Role.RESEARCHER, Role.SITE_LEAD)
JUDGEMENT_LABELS = {**{str(k): v for k, v in rob2.LABELS.items()}, **{str(k): v for k, v in robins_i.LABELS.items()}}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _version_context(version: ReviewVersion) -> dict[str, Any]:
    snap = version.snapshot
    rob = {s["key"]: s.get("rob") or {} for s in snap["studies"]}
    analyses = []
    main_keys = [s["key"] for s in snap["analyses"][0]["studies"]]
    for i, a in enumerate(snap["analyses"]):
        same = i > 0 and [s["key"] for s in a["studies"]] == main_keys
        analyses.append({**a, "title": _(a["title"]), "same_as_main": same, "effect": effect_words(a),
                         "heterogeneity": heterogeneity_words(a),
                         "prediction": prediction_words(a), "forest": forest_svg(a, rob),
                         "estimate_text": fmt(a["estimate"]) if a.get("estimate") is not None else ""})  # fmt: skip
    counts = prisma.Counts(**snap["prisma"])
    effects = {s["key"]: s for s in snap["analyses"][0]["studies"]}
    studies = [{**s, "g": fmt(effects[s["key"]]["yi"]) if s["key"] in effects else "",
                "design_label": DESIGNS.get(s.get("design") or "", ""),
                "rob_label": JUDGEMENT_LABELS.get((s.get("rob") or {}).get("overall") or "", _("not judged"))}
               for s in snap["studies"]]  # fmt: skip
    return {"version": version, "snap": snap, "analyses": analyses, "main": analyses[0], "studies": studies,
            "prisma_svg": prisma.svg(counts), "traffic": traffic_light_svg(snap["studies"]),
            "grade": rate(snap["analyses"][0], snap["studies"]),
            "sof_effect": _sof_effect(snap["analyses"][0])}  # fmt: skip


def _sof_effect(a: dict[str, Any]) -> str:
    if a["k"] >= 2:
        return _("%(g)s (%(low)s to %(high)s), pooled") % {
            "g": fmt(a["estimate"]), "low": fmt(a["ci_low"]), "high": fmt(a["ci_high"])}  # fmt: skip
    if a["k"] == 1:
        s = a["studies"][0]
        return _("%(g)s (%(low)s to %(high)s), one study's own result") % {
            "g": fmt(s["yi"]), "low": fmt(s["ci_low"]), "high": fmt(s["ci_high"])}  # fmt: skip
    return _("no estimate")


def evidence_page(request: HttpRequest) -> HttpResponse:
    version = services.latest_version(services.shipped_review())
    if version is None:
        raise Http404("No version of the review has been published yet.")
    context = _version_context(version)
    context.update(title=_("Evidence: infant massage and postnatal depression"), latest=True, sources=load_evidence(),
                   on_team=getattr(request.user, "role", None) in TEAM)  # fmt: skip
    return render(request, "evidence/page.html", context)


def versions_page(request: HttpRequest) -> HttpResponse:
    versions = ReviewVersion.objects.filter(review=services.shipped_review()).order_by("-number")[:100]
    return render(request, "evidence/versions.html", {"title": _("Published versions"), "versions": versions})


def _published(number: int) -> ReviewVersion:
    return get_object_or_404(ReviewVersion, review=services.shipped_review(), number=number)


def version_page(request: HttpRequest, number: int) -> HttpResponse:
    context = _version_context(_published(number))
    context.update(title=_("Evidence, version %(number)s") % {"number": number}, latest=False, sources=load_evidence())
    return render(request, "evidence/page.html", context)


def version_download(request: HttpRequest, number: int, name: str) -> HttpResponse:
    version = _published(number)
    snap = version.snapshot
    stem = f"bondwell-evidence-v{number}"
    if name == "data.csv":
        response = HttpResponse(data_csv(snap), content_type="text/csv; charset=utf-8")
    elif name == "analysis.R":
        response = HttpResponse(r_script(snap, number), content_type="text/plain; charset=utf-8")
    elif name == "report.pdf":
        published = version.published_at.strftime("%d %B %Y")
        response = HttpResponse(report_pdf(snap, number, published, version.changes), content_type="application/pdf")
    elif name == "prisma.svg":
        response = HttpResponse(prisma.svg(prisma.Counts(**snap["prisma"])), content_type="image/svg+xml")
    elif name == "prisma.pdf":
        response = HttpResponse(prisma.pdf(prisma.Counts(**snap["prisma"])), content_type="application/pdf")
    else:
        raise Http404("No such download.")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{name}"'
    return response


def csv_template(request: HttpRequest) -> HttpResponse:
    text = (
        ",".join(citations.CSV_COLUMNS) + "\n" + '"Example title",Author A; Author B,2025,Journal,10.1234/example,,\n'
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bondwell-search-results-template.csv"'
    return response


# --- the review team's pages ----------------------------------------------------------------------------


def _record(pk: int) -> Record:
    return get_object_or_404(Record, pk=pk, review=services.shipped_review())


def _stage(stage: str) -> str:
    if stage not in screening.STAGES:
        raise Http404("No such stage.")
    return stage


@require_role(*TEAM)
def workspace(request: HttpRequest) -> HttpResponse:
    review = services.shipped_review()
    records = Record.objects.filter(review=review)
    counts = prisma.count(prisma.RecordState(r.source, r.state, r.state_reason) for r in records.only(
        "source", "state", "state_reason"))  # fmt: skip
    included = records.filter(state=prisma.INCLUDED).order_by("id")[:200]
    return render(request, "evidence/workspace.html", {
        "title": "Review workspace", "review": review, "counts": counts, "included": included,
        "form": ImportForm(), "latest": services.latest_version(review), "labels": JUDGEMENT_LABELS,
        "locked": services.locked_studies(),
    })  # fmt: skip


@require_role(*TEAM)
def import_records(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            fmt_name = form.cleaned_data["file_format"] or citations.detect_format(upload.name)
            found = citations.parse(upload.name, upload.read(), fmt_name)
        except citations.ImportRefused as refused:
            problem = f"The file was not imported, and nothing was added. {refused}"
        else:
            search = services.import_search(services.shipped_review(), by=_user(request),
                                            source=form.cleaned_data["source"], filename=upload.name, fmt=fmt_name,
                                            citations=found)  # fmt: skip
            messages.success(request, f"{search.records} records imported from {search.source}; "
                                      f"{search.duplicates} were duplicates and will not be screened.")  # fmt: skip
            return redirect("evidence-review")
    return render(request, "evidence/import.html", {"title": "Import search results", "form": form,
                                                    "problem": problem})  # fmt: skip


@require_role(*TEAM)
def screen(request: HttpRequest, stage: str) -> HttpResponse:
    stage = _stage(stage)
    mine = Record.objects.filter(decisions__stage=stage, decisions__reviewer_id=request.user.pk)
    waiting = (Record.objects.filter(review=services.shipped_review(), state=services.STAGE_STATE[stage])
               .exclude(pk__in=mine.values("pk")).order_by("id")[:50])  # fmt: skip
    return render(request, "evidence/screen.html", {
        "title": f"Screening: {STAGE_LABELS[stage].lower()}", "stage": stage, "stage_label": STAGE_LABELS[stage],
        "records": waiting, "reasons": screening.FULL_TEXT_REASONS,
    })  # fmt: skip


def _record_decision(request: HttpRequest, pk: int, stage: str, decide: Any, done: str, back: HttpResponse
                     ) -> HttpResponse:
    """Parse an include/exclude decision on a record and hand it to `decide` (a screening service); `done` is said
    on success (with the record's label in place of {label}); back to `back` either way."""
    stage, record = _stage(stage), _record(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{record.label}: give a reason for excluding this record.")
        return back
    try:
        decide(record, by=_user(request), stage=stage, include=form.cleaned_data["include"],
               reason=form.cleaned_data["reason"])
    except services.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(label=record.label))
    return back


@require_role(*TEAM)
@require_POST
def decide(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    return _record_decision(request, pk, stage, services.decide_record, "Your decision on {label} is saved.",
                            redirect("evidence-screen", stage=_stage(stage)))


@require_role(*TEAM)
def conflicts(request: HttpRequest) -> HttpResponse:
    review = services.shipped_review()
    rows = []
    for stage, state in services.STAGE_STATE.items():
        for record in Record.objects.filter(review=review, state=state).prefetch_related("decisions")[:200]:
            if services.stage_status(record, stage) == screening.Status.CONFLICT:
                rows.append((stage, STAGE_LABELS[stage], record,
                             [d for d in record.decisions.all() if d.stage == stage]))  # fmt: skip
    return render(request, "evidence/conflicts.html", {"title": "Disagreements to resolve", "rows": rows,
                                                       "reasons": screening.FULL_TEXT_REASONS})  # fmt: skip


@require_role(*TEAM)
@require_POST
def resolve(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    return _record_decision(request, pk, stage, services.resolve_record, "The disagreement on {label} is resolved.",
                            redirect("evidence-conflicts"))


@require_role(*TEAM)
def extract(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(pk)
    if record.state != prisma.INCLUDED:
        raise Http404("Only included studies are extracted.")
    own = Extraction.objects.filter(record=record, reviewer_id=request.user.pk).first()
    form = ExtractionForm(request.POST or None, initial=own.data if own else None)
    if request.method == "POST" and form.is_valid():
        agreed = services.extract_record(record, form.cleaned_data, by=_user(request))
        messages.success(request, "Both extractions match: the data are agreed." if agreed
                         else "Your extraction is saved.")  # fmt: skip
        return redirect("evidence-extract", pk=record.pk)
    both = list(Extraction.objects.filter(record=record).order_by("saved_at", "id")[:2])
    differences = []
    if len(both) == 2:
        for name in screening.differences(both[0].data, both[1].data):
            differences.append((name, both[0].data.get(name), both[1].data.get(name)))
    agree_form = ExtractionForm(initial=record.agreed or (both[0].data if both else None), prefix="agree")
    return render(request, "evidence/extract.html", {
        "title": f"Data extraction: {record.label}", "record": record, "form": form, "count": len(both),
        "differences": differences, "agree_form": agree_form,
    })  # fmt: skip


@require_role(*TEAM)
@require_POST
def agree(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(pk)
    form = ExtractionForm(request.POST, prefix="agree")
    if not form.is_valid():
        messages.error(request, "The agreed values have problems: " + "; ".join(
            f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()))  # fmt: skip
        return redirect("evidence-extract", pk=record.pk)
    try:
        services.agree_extraction(record, form.cleaned_data, by=_user(request))
    except services.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The agreed data are saved.")
    return redirect("evidence-extract", pk=record.pk)


@require_role(*TEAM)
def risk_of_bias(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(pk)
    if record.state != prisma.INCLUDED:
        raise Http404("Only included studies are judged.")
    design = (record.agreed or {}).get("design", "")
    tool = "rob2" if design == "rct" else "robins_i"
    previous = {f"q{k}": v for k, v in ((record.rob or {}).get("answers") or {}).items()}
    form: Rob2Form | RobinsForm = (Rob2Form if tool == "rob2" else RobinsForm)(request.POST or None, initial=previous)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            assessor = form.assessor() if isinstance(form, RobinsForm) else None
            result = services.judge_risk_of_bias(record, by=_user(request), tool=tool, answers=form.answers(),
                                                 assessor=assessor)
        except (ValueError, KeyError) as problem:
            error = str(problem)
        else:
            verdict = JUDGEMENT_LABELS.get(result["overall"] or "", "a domain needs your judgement")
            messages.success(request, f"Risk of bias for {record.label}: {verdict}.")
            return redirect("evidence-rob", pk=record.pk)
    return render(request, "evidence/rob.html", {
        "title": f"Risk of bias: {record.label}", "record": record, "form": form, "error": error,
        "tool": "RoB 2" if tool == "rob2" else "ROBINS-I (version 2)", "labels": JUDGEMENT_LABELS,
        "needs_design": not design,
    })  # fmt: skip


@require_role(*TEAM)
@require_POST
def add_site_study(request: HttpRequest) -> HttpResponse:
    locked = {str(s.pk): s for s in services.locked_studies()}
    study = locked.get(request.POST.get("study") or "")
    if study is None:
        raise Http404("No locked study with that number.")
    week_text = (request.POST.get("week") or "").strip()
    week = int(week_text) if week_text.isdigit() else None
    try:
        record = services.add_site_study(services.shipped_review(), study, by=_user(request), week=week)
    except services.ReviewError as error:
        messages.error(request, str(error))
    else:
        when = (record.agreed or {}).get("time_point")
        messages.success(request, f"{record.label} was added to the draft (included, {when}); "
                                  "judge its risk of bias, then publish.")  # fmt: skip
    return redirect("evidence-review")


@require_role(*TEAM)
def publish(request: HttpRequest) -> HttpResponse:
    review = services.shipped_review()
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = services.publish_review(review, by=_user(request), note=form.cleaned_data["note"])
        messages.success(request, f"Version {version.number} is published: the public page now shows it.")
        return redirect("evidence")
    latest = services.latest_version(review)
    from bondwell.evidence.review.versions import changes

    draft = services.draft_snapshot(review)
    return render(request, "evidence/publish.html", {
        "title": "Publish a new version", "form": form, "latest": latest,
        "changes": changes(latest.snapshot if latest else None, draft),
    })  # fmt: skip


@require_role(*TEAM)
def draft_prisma(request: HttpRequest) -> HttpResponse:
    records = Record.objects.filter(review=services.shipped_review()).only("source", "state", "state_reason")
    counts = prisma.count(prisma.RecordState(r.source, r.state, r.state_reason) for r in records)
    return HttpResponse(prisma.svg(counts, "PRISMA 2020 flow diagram (draft)"), content_type="image/svg+xml")
