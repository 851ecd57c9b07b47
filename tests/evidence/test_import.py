"""Search results: RIS, MEDLINE (.nbib) and CSV read by their parsers; malformed files refused whole, naming
the record and the field; duplicates found by DOI, then by title, year and first author."""

from __future__ import annotations

from pathlib import Path

import pytest

from bondwell.evidence.review.citations import ImportRefused, parse
from bondwell.evidence.review.dedupe import Candidate, find_duplicates

FIXTURES = Path(__file__).parents[1] / "fixtures" / "evidence"

NBIB = b"""PMID- 18086500
DP  - 2008 Jul
TI  - Postnatal depression and mother and infant outcomes after infant massage.
LID - 10.1016/j.jad.2007.10.027 [doi]
AB  - Mothers scoring 13 or more on the EPDS were randomly assigned.
FAU - O'Higgins, Marguerite
AU  - O'Higgins M

PMID- 11246096
DP  - 2001 Mar
TI  - Infant massage improves mother-infant interaction for mothers with postnatal
      depression.
FAU - Onozawa, K
AU  - Onozawa K
"""


def test_ris_records_are_read() -> None:
    found = parse("search.ris", (FIXTURES / "search.ris").read_bytes())
    assert [c.year for c in found] == [2001, 2025, 2024, 2025]
    assert found[0].doi == "10.1016/s0165-0327(00)00198-1"
    assert found[0].first_author == "Onozawa, K."


def test_nbib_records_are_read_with_continuation_lines_and_doi() -> None:
    found = parse("pubmed.nbib", NBIB)
    assert [c.pmid for c in found] == ["18086500", "11246096"]
    assert found[0].doi == "10.1016/j.jad.2007.10.027"
    assert found[1].title.endswith("postnatal depression.")


def test_csv_records_are_read() -> None:
    text = b"title,authors,year,doi\nA trial,Smith J; Jones K,2020,https://doi.org/10.1234/ABC\n"
    [found] = parse("s.csv", text)
    assert found.authors == ("Smith J", "Jones K")
    assert found.doi == "10.1234/abc"


@pytest.mark.parametrize(
    ("name", "content", "record", "field"),
    [
        ("a.ris", b"TY  - JOUR\nTI  - One\nPY  - 2001\nER  - \nTY  - JOUR\nTI  - Two\nPY  - 20x1\nER  - \n", 2, "PY"),
        ("a.ris", b"TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nPY  - 2001\nER  - \n", 2, "TI"),
        ("a.ris", b"TY  - JOUR\nTI  - One\nDO  - not-a-doi\nER  - \n", 1, "DO"),
        ("a.ris", b"TY  - JOUR\nTI  - One\n", 1, "ER"),
        ("a.ris", b"hello\n", 1, "TY"),
        ("a.nbib", b"PMID- 1\nTI  - One\nDP  - 2001\n\nPMID- 2\nTI  - Two\nDP  - soon\n", 2, "DP"),
        ("a.nbib", b"PMID- 1\nTI  - One\nbroken line\n", 1, "brok"),
        ("a.csv", b"title,year\nOne,2001\n,2002\n", 2, "title"),
        ("a.csv", b"title,year,doi\nOne,2001,10.1234/x\nTwo,2002,nonsense\n", 2, "doi"),
        ("a.csv", b"title,colour\nOne,red\n", None, "colour"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_record_and_field(
    name: str, content: bytes, record: int | None, field: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        parse(name, content)
    assert (refused.value.record, refused.value.field) == (record, field)
    where = f"Record {record}, field {field}" if record else field
    assert where in str(refused.value)


def test_other_file_types_and_encodings_are_refused() -> None:
    with pytest.raises(ImportRefused, match=r"not a \.ris, \.nbib or \.csv"):
        parse("search.docx", b"x")
    with pytest.raises(ImportRefused, match="not UTF-8"):
        parse("a.ris", b"\xff\xfe\x00")


def c(key: int, title: str, year: int | None = 2025, author: str = "Testwell, A.", doi: str = "") -> Candidate:
    return Candidate(key, title, year, author, doi)


@pytest.mark.parametrize(
    ("incoming", "duplicate"),
    [
        (c(2, "Something else entirely", doi="10.9/X"), True),  # same DOI, whatever the title
        (c(2, "A randomised trial of mother-led infant massage, for postnatal depression!"), True),
        (c(2, "A randomised trial of mother-led infant massage for postnatal depression", author="Testwell A"), True),
        (c(2, "A randomised trial of mother-led infant massage for postnatal depression", year=2024), False),
        (c(2, "A randomised trial of mother-led infant massage for postnatal depression", author="Other, B."), False),
        (c(2, "A randomised trial of infant massage for maternal anxiety"), False),
        (c(2, "A randomised trial of mother-led infant massage for postnatal depression", doi="10.9/y"), False),
    ],
)
def test_duplicates_by_doi_then_title_year_and_first_author(incoming: Candidate, duplicate: bool) -> None:
    existing = [c(1, "A randomised trial of mother-led infant massage for postnatal depression", doi="10.9/x")]
    if incoming.doi == "10.9/y":  # two different DOIs are two different works, however alike the titles
        existing = [c(1, existing[0].title, doi="10.9/x")]
    matches = find_duplicates(existing, [incoming])
    assert bool(matches) == duplicate


def test_duplicates_within_one_file_point_at_the_first_copy() -> None:
    found = parse("search.ris", (FIXTURES / "search.ris").read_bytes())
    incoming = [Candidate(-(i + 1), f.title, f.year, f.first_author, f.doi) for i, f in enumerate(found)]
    [match] = find_duplicates([], incoming)
    assert (match.key, match.duplicate_of) == (-4, -2)
