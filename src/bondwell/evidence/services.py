"""Writes to the review: one function per state change, each in its own transaction with its audit event."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.errors import BondwellError
from bondwell.evidence import publishing
from bondwell.evidence.models import Decision, Extraction, Record, Resolution, Review, ReviewVersion, SearchImport
from bondwell.evidence.review import prisma, rob2, robins_i, screening
from bondwell.evidence.review.citations import Citation
from bondwell.evidence.review.dedupe import Candidate, find_duplicates
from bondwell.evidence.review.versions import changes
from bondwell.evidence.shipped import SLUG

STAGE_STATE = {screening.TITLE_ABSTRACT: prisma.SCREENING, screening.FULL_TEXT: prisma.FULL_TEXT}


class ReviewError(BondwellError):
    """A change the review's rules do not allow; the message says why in plain words."""


def shipped_review() -> Review:
    return Review.objects.get(slug=SLUG)


def latest_version(review: Review) -> ReviewVersion | None:
    return ReviewVersion.objects.filter(review=review).order_by("-number").first()


def _candidate(key: int, c: Citation | Record) -> Candidate:
    authors = c.authors if isinstance(c, Citation) else list(c.authors or [])
    return Candidate(key, c.title, c.year, str(authors[0]) if authors else "", c.doi)


def import_search(review: Review, *, by: User, source: str, filename: str, fmt: str,
                  citations: list[Citation]) -> SearchImport:  # fmt: skip
    """Add a parsed search-results file (already refused whole if malformed); mark duplicates before screening.

    Incoming records are keyed -1, -2, ... for duplicate detection; existing records by their primary key.
    """
    with transaction.atomic():
        existing = list(Record.objects.filter(review=review).exclude(state=prisma.DUPLICATE))
        incoming = [_candidate(-(i + 1), c) for i, c in enumerate(citations)]
        matches = {m.key: m for m in find_duplicates([_candidate(r.pk, r) for r in existing], incoming)}
        search = SearchImport.objects.create(review=review, source=source, filename=filename[:200], file_format=fmt,
                                             records=len(citations), duplicates=len(matches),
                                             imported_by=by)  # fmt: skip
        by_pk = {r.pk: r for r in existing}
        records = Record.objects.bulk_create(
            Record(
                review=review, search=search, source=source, key=f"rec-{uuid.uuid4().hex[:12]}", title=c.title,
                authors=list(c.authors), year=c.year, journal=c.journal[:300], doi=c.doi, pmid=c.pmid,
                abstract=c.abstract, state=prisma.DUPLICATE if -(i + 1) in matches else prisma.SCREENING,
                state_reason=matches[-(i + 1)].reason if -(i + 1) in matches else "",
            )
            for i, c in enumerate(citations)
        )  # fmt: skip
        linked = []
        for i, record in enumerate(records):
            match = matches.get(-(i + 1))
            if match is None:
                continue
            target = match.duplicate_of
            record.duplicate_of = records[-target - 1] if target < 0 else by_pk.get(target)
            linked.append(record)
        if linked and all(r.pk is not None for r in records):
            Record.objects.bulk_update(linked, ["duplicate_of"])
        audit(None, "import:evidence-records", actor=by, obj=search,
              detail=f"{source}: {len(citations)} records, {len(matches)} duplicates")  # fmt: skip
    return search


def _apply(record: Record, stage: str) -> None:
    votes = [screening.Vote(d.reviewer_id, d.include, d.reason) for d in record.decisions.filter(stage=stage)]
    settled = record.resolutions.filter(stage=stage).first()
    resolution = screening.Vote(settled.resolved_by_id, settled.include, settled.reason) if settled else None
    result = screening.outcome(votes, resolution)
    if result.status == screening.Status.INCLUDE:
        record.state = prisma.FULL_TEXT if stage == screening.TITLE_ABSTRACT else prisma.INCLUDED
        record.state_reason = ""
    elif result.status == screening.Status.EXCLUDE:
        record.state = prisma.TA_EXCLUDED if stage == screening.TITLE_ABSTRACT else prisma.FT_EXCLUDED
        record.state_reason = result.reason
    record.save(update_fields=["state", "state_reason"])


def stage_status(record: Record, stage: str) -> screening.Status:
    votes = [screening.Vote(d.reviewer_id, d.include, d.reason) for d in record.decisions.all() if d.stage == stage]
    return screening.outcome(votes).status


def decide_record(record: Record, *, by: User, stage: str, include: bool, reason: str) -> None:
    """One reviewer's independent decision; the record moves on when two reviewers agree."""
    vote = screening.Vote(by.pk, include, reason.strip())
    screening.check_vote(vote)
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.state != STAGE_STATE[stage]:
            raise ReviewError("This record is no longer at this stage of screening.")
        Decision.objects.update_or_create(record=record, stage=stage, reviewer=by,
                                          defaults={"include": include, "reason": vote.reason})  # fmt: skip
        _apply(record, stage)
        audit(None, f"screen:{stage}", actor=by, obj=record,
              detail=f"{'include' if include else 'exclude'} {vote.reason}")


def resolve_record(record: Record, *, by: User, stage: str, include: bool, reason: str) -> None:
    """Settle a disagreement between the two reviewers (an exclusion still needs its reason)."""
    screening.check_vote(screening.Vote(by.pk, include, reason))
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.state != STAGE_STATE[stage] or stage_status(record, stage) != screening.Status.CONFLICT:
            raise ReviewError("There is no disagreement to resolve on this record.")
        Resolution.objects.create(record=record, stage=stage, include=include, reason=reason.strip(),
                                  resolved_by=by)  # fmt: skip
        _apply(record, stage)
        audit(None, f"resolve:{stage}", actor=by, obj=record, detail=f"{'include' if include else 'exclude'} {reason}")


def extract_record(record: Record, data: Mapping[str, Any], *, by: User) -> bool:
    """Save this reviewer's extraction; when two reviewers' extractions match, they become the agreed data."""
    if record.state != prisma.INCLUDED:
        raise ReviewError("Only included studies are extracted.")
    with transaction.atomic():
        Extraction.objects.update_or_create(record=record, reviewer=by, defaults={"data": dict(data)})
        both = list(Extraction.objects.filter(record=record).order_by("saved_at", "id")[:2])
        agreed = len(both) == 2 and not screening.differences(both[0].data, both[1].data)
        if agreed:
            record.agreed = dict(data)
            record.save(update_fields=["agreed"])
        audit(None, "extract:evidence-record", actor=by, obj=record, detail="agreed" if agreed else "saved")
    return agreed


def agree_extraction(record: Record, data: Mapping[str, Any], *, by: User) -> None:
    """Settle the differences between two extractions with the values both reviewers accept."""
    if Extraction.objects.filter(record=record).count() < screening.REVIEWERS_NEEDED:
        raise ReviewError("Two reviewers must extract this study before the data can be agreed.")
    with transaction.atomic():
        record.agreed = dict(data)
        record.save(update_fields=["agreed"])
        audit(None, "agree:evidence-extraction", actor=by, obj=record)


def judge(tool: str, answers: Mapping[str, str], assessor: Mapping[str, str] | None = None) -> dict[str, Any]:
    if tool == "rob2":
        result = rob2.assess(answers)
        return {"tool": tool, "answers": dict(answers), "domains": {k: str(v) for k, v in result.domains.items()},
                "overall": str(result.overall)}  # fmt: skip
    found = robins_i.assess(answers, assessor)
    return {"tool": tool, "answers": dict(answers), "assessor": dict(assessor or {}),
            "domains": {k: (str(v) if v else None) for k, v in found.domains.items()},
            "overall": str(found.overall) if found.overall else None}  # fmt: skip


def judge_risk_of_bias(record: Record, *, by: User, tool: str, answers: Mapping[str, str],
                       assessor: Mapping[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """Risk of bias from the signalling answers (RoB 2 for randomised trials, ROBINS-I otherwise)."""
    result = judge(tool, answers, assessor)
    result["by"] = by.full_name or by.email
    with transaction.atomic():
        record.rob = result
        record.save(update_fields=["rob"])
        audit(None, "rob:evidence-record", actor=by, obj=record, detail=f"{tool} {result['overall']}")
    return result


def locked_studies() -> list[Any]:
    """Bondwell studies whose database is locked (the studies app's DatabaseLock), newest first."""
    from bondwell.studies import models as studies

    if not hasattr(studies, "DatabaseLock"):  # the lock arrives with issue 13; without it no study is locked
        return []
    return list(studies.Study.objects.filter(database_lock__isnull=False).order_by("-database_lock__locked_at")[:50])


def add_site_study(review: Review, study: Any, *, by: User, week: int | None = None) -> Record:
    """Add a locked Bondwell study to the review in one step: included, its numbers from its own analysis."""
    from bondwell.evidence.review.site_study import SiteStudy, extraction
    from bondwell.studies.analysis import study_frame, trajectories

    lock = getattr(study, "database_lock", None)
    if lock is None:
        raise ReviewError("Only a study whose database is locked can be added: its numbers must be final.")
    site = SiteStudy(
        code=study.code, title=study.title, randomised=study.is_randomised,
        arm_labels={a.code: a.label for a in study.arms.all()}, locked_on=lock.locked_at.date().isoformat(),
        snapshot_sha256=lock.snapshot_sha256, n_participants=lock.n_participants,
    )  # fmt: skip
    data = extraction(site, trajectories(study_frame(study)), week)
    key = f"site-{study.code.lower()}"
    with transaction.atomic():
        if Record.objects.filter(review=review, key=key).exists():
            raise ReviewError(f"Study {study.code} is already in the review.")
        record = Record.objects.create(
            review=review, source="Bondwell site studies (unpublished)", key=key, title=data["citation"],
            state=prisma.INCLUDED, agreed=data, site_own_data=True,
        )  # fmt: skip
        audit(None, "add:evidence-site-study", actor=by, obj=record, detail=f"{study.code} {data['time_point']}")
    return record


def draft_snapshot(review: Review) -> dict[str, Any]:
    info = {"slug": review.slug, "title": review.title, "question": review.question}
    return publishing.snapshot(info, Record.objects.filter(review=review).order_by("id"))


def publish_review(review: Review, *, by: User, note: str) -> ReviewVersion:
    """Freeze the review as its next dated version; the public page shows it from now on."""
    with transaction.atomic():
        Review.objects.select_for_update().get(pk=review.pk)
        content = draft_snapshot(review)
        previous = latest_version(review)
        version = ReviewVersion.objects.create(
            review=review, number=(previous.number + 1) if previous else 1, published_by=by,
            note=note.strip(), snapshot=content, changes=changes(previous.snapshot if previous else None, content),
        )  # fmt: skip
        audit(None, "publish:evidence-review", actor=by, obj=version, detail=f"version {version.number}")
    return version
