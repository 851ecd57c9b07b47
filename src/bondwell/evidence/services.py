"""Writes to the evidence tables: one function per change, each audited in its own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.evidence.models import EvidenceOutcome, EvidenceStudy
from bondwell.evidence.pool import PoolRow

MAX_POOLED_STUDIES = 500  # the page reads at most this many outcome rows


def _create(user: User, data: dict[str, Any]) -> EvidenceStudy:
    study = EvidenceStudy.objects.create(
        key=f"user-{uuid.uuid4().hex[:12]}",
        short_label=data["short_label"],
        citation=data["citation"],
        doi=data.get("doi") or "",
        url=data.get("url") or "",
        year=data.get("year"),
        design=data["design"],
        country=data.get("country") or "",
        pnd_definition=data["pnd_definition"],
        dose=data.get("dose") or "",
        comparator=data["comparator"],
        risk_of_bias=data.get("risk_of_bias") or "",
        sources={"outcomes.0": data["source"]} if data.get("source") else {},
        added_by_user=True,
        added_by=user,
    )
    EvidenceOutcome.objects.create(
        study=study,
        measure="EPDS",
        time_point=data["time_point"],
        primary=True,
        n_massage=data.get("n_massage"),
        mean_massage=data.get("mean_massage"),
        sd_massage=data.get("sd_massage"),
        n_control=data.get("n_control"),
        mean_control=data.get("mean_control"),
        sd_control=data.get("sd_control"),
        not_poolable_reason=data.get("not_poolable_reason") or "",
        source=data.get("source") or "",
    )
    return study


def do_add_study(request: HttpRequest, data: dict[str, Any]) -> EvidenceStudy:
    """Add one researcher-entered study (validated by StudyForm) and record who added it."""
    user = request.user
    assert isinstance(user, User)
    with transaction.atomic():
        study = _create(user, data)
        audit(request, "create:evidence-study", obj=study, detail=study.short_label)
    return study


def do_import_studies(request: HttpRequest, rows: Sequence[dict[str, Any]]) -> list[EvidenceStudy]:
    """Add every row of a validated CSV, all or nothing."""
    user = request.user
    assert isinstance(user, User)
    with transaction.atomic():
        studies = [_create(user, data) for data in rows]
        audit(request, "import:evidence-studies", detail=f"{len(studies)} studies")
    return studies


def do_remove_study(request: HttpRequest, study: EvidenceStudy) -> None:
    """Remove a researcher-added study (shipped studies are changed only through studies.yaml)."""
    if not study.added_by_user:
        raise ValueError("shipped studies cannot be removed from the page")
    with transaction.atomic():
        audit(request, "delete:evidence-study", obj=study, detail=f"{study.key} {study.short_label}")
        study.delete()


def primary_outcomes() -> list[EvidenceOutcome]:
    """The primary outcome row of every study, bounded, in the order the page lists them."""
    rows = (
        EvidenceOutcome.objects.filter(primary=True)
        .select_related("study", "study__added_by")
        .order_by("study__added_by_user", F("study__year").asc(nulls_last=True), "study__short_label", "id")
    )
    return list(rows[:MAX_POOLED_STUDIES])


def _pool_row(o: EvidenceOutcome) -> PoolRow | None:
    n1, m1, s1 = o.n_massage, o.mean_massage, o.sd_massage
    n2, m2, s2 = o.n_control, o.mean_control, o.sd_control
    if not o.poolable or n1 is None or m1 is None or s1 is None or n2 is None or m2 is None or s2 is None:
        return None
    return PoolRow(
        key=o.study.key, label=o.study.short_label, n_massage=n1, mean_massage=m1, sd_massage=s1,
        n_control=n2, mean_control=m2, sd_control=s2,
    )  # fmt: skip


def pool_rows(outcomes: Sequence[EvidenceOutcome]) -> list[PoolRow]:
    """The rows that enter the pool: primary EPDS outcomes with all six numbers and no reason to exclude."""
    return [row for row in map(_pool_row, outcomes) if row is not None]
