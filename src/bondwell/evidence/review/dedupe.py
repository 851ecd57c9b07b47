"""Duplicate records: the same DOI first, then a near-identical title with the same year and first author.

Cochrane Handbook chapter 4 (searching) asks that duplicates be removed and counted before screening; PRISMA
2020 reports the count. A DOI match is certain. Without one, titles are compared after lower-casing and
dropping punctuation with rapidfuzz's token-sort ratio (word order ignored); a pair is a duplicate when the
ratio is at least TITLE_THRESHOLD, the years are equal (or one is missing) and the first authors' surnames
agree (or one is missing). Two different papers with the same generic title and year by different first
authors are therefore kept apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

TITLE_THRESHOLD = 95.0


@dataclass(frozen=True)
class Candidate:
    """What duplicate detection looks at in one record (`key` is the caller's id for it)."""

    key: int
    title: str
    year: int | None
    first_author: str
    doi: str


@dataclass(frozen=True)
class Match:
    key: int
    duplicate_of: int
    reason: str


@lru_cache(maxsize=20_000)
def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", folded.lower()).split())


@lru_cache(maxsize=20_000)
def surname(author: str) -> str:
    """'O'Higgins, Marguerite' and 'O'Higgins M' both give 'ohiggins'."""
    name = author.split(",")[0] if "," in author else author.split(" ")[0]
    return _plain(name).replace(" ", "")


def same_work(a: Candidate, b: Candidate) -> str | None:
    """Why `a` duplicates `b` ('DOI' or 'title, year and first author'), or None."""
    if a.doi and b.doi:
        return "same DOI" if a.doi.lower() == b.doi.lower() else None
    if a.year is not None and b.year is not None and a.year != b.year:
        return None
    sa, sb = surname(a.first_author), surname(b.first_author)
    if sa and sb and sa != sb:
        return None
    if fuzz.token_sort_ratio(_plain(a.title), _plain(b.title)) >= TITLE_THRESHOLD:
        return "same title, year and first author"
    return None


def find_duplicates(existing: Sequence[Candidate], incoming: Sequence[Candidate]) -> list[Match]:
    """Each incoming record that duplicates an existing one or an earlier incoming one (first match wins).

    Records are compared only with records of the same year or without a year (a different year is never a
    duplicate), so large searches stay quick.
    """
    kept: list[Candidate] = []
    by_doi: dict[str, Candidate] = {}
    by_year: dict[int | None, list[Candidate]] = {}

    def keep(record: Candidate) -> None:
        kept.append(record)
        by_year.setdefault(record.year, []).append(record)
        if record.doi:
            by_doi.setdefault(record.doi.lower(), record)

    for record in existing:
        keep(record)
    matches = []
    for record in incoming:
        original = by_doi.get(record.doi.lower()) if record.doi else None
        reason = "same DOI" if original else None
        if original is None:
            pool = kept if record.year is None else by_year.get(record.year, []) + by_year.get(None, [])
            for other in pool:
                reason = same_work(record, other)
                if reason:
                    original = other
                    break
        if original is not None and reason:
            matches.append(Match(record.key, original.key, reason))
            continue
        keep(record)
    return matches
