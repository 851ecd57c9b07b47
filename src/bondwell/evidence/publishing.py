"""From a review's records to the content of a published version (no Django: takes plain row objects).

Used by `services.publish_review` and by the migration that publishes the shipped evidence base as version 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from bondwell.evidence.review import prisma
from bondwell.evidence.review.versions import build_snapshot


class RecordLike(Protocol):
    key: str
    source: str
    state: str
    state_reason: str
    title: str
    year: int | None
    doi: str
    agreed: Any
    rob: Any
    site_own_data: bool


def study_entry(record: RecordLike) -> dict[str, Any]:
    entry = dict(record.agreed or {})
    entry.setdefault("label", record.title[:80])
    entry.setdefault("citation", record.title)
    entry.setdefault("link", f"https://doi.org/{record.doi}" if record.doi else "")
    entry.setdefault("year", record.year)
    entry["key"] = record.key
    entry["rob"] = record.rob or None
    entry["own_data"] = bool(record.site_own_data)
    if not record.agreed:
        entry["not_poolable_reason"] = "Data not yet extracted by two reviewers."
    return entry


def excluded_entry(record: RecordLike) -> dict[str, Any]:
    agreed: Mapping[str, Any] = record.agreed or {}
    return {
        "key": record.key, "label": agreed.get("label") or record.title[:80],
        "citation": agreed.get("citation") or record.title,
        "link": agreed.get("link") or (f"https://doi.org/{record.doi}" if record.doi else ""),
        "year": record.year, "reason": record.state_reason, "detail": agreed.get("detail", ""),
        "source": agreed.get("source", ""),
    }  # fmt: skip


def snapshot(review: Mapping[str, Any], records: Iterable[RecordLike]) -> dict[str, Any]:
    rows = list(records)
    counts = prisma.count(prisma.RecordState(r.source, r.state, r.state_reason) for r in rows)
    included = [study_entry(r) for r in rows if r.state == prisma.INCLUDED]
    excluded = [excluded_entry(r) for r in rows if r.state == prisma.FT_EXCLUDED]
    return build_snapshot(review, included, excluded, counts.as_dict())
