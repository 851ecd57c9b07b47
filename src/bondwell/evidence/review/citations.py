"""Search results as citations: RIS (rispy), PubMed MEDLINE .nbib (nbib) and CSV.

A file is read whole before anything is added: the first malformed record stops the import with an
`ImportRefused` naming the record (its number in the file) and the field, so a half-read file never reaches
the review. Each format's reader is a well-kept parser; this module only splits the file into records (so
that an error can name one) and checks the fields the review needs.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import nbib  # type: ignore[import-untyped]
import rispy  # type: ignore[import-untyped]

MAX_BYTES = 5_000_000
MAX_RECORDS = 5_000
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
YEAR = re.compile(r"^(\d{4})")
FORMATS = ("ris", "nbib", "csv")


class ImportRefused(ValueError):
    """A search-results file that cannot be imported; `record` is 1-based, `field` the file's own name."""

    def __init__(self, record: int | None, field_name: str, problem: str) -> None:
        self.record = record
        self.field = field_name
        self.problem = problem
        where = f"Record {record}, field {field_name}" if record is not None else f"The file ({field_name})"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Citation:
    """One record of a search, as the review stores it."""

    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str = ""
    doi: str = ""
    pmid: str = ""
    abstract: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def first_author(self) -> str:
        return self.authors[0] if self.authors else ""

    @property
    def label(self) -> str:
        surname = self.first_author.split(",")[0].split(" ")[0].strip() if self.first_author else "Anonymous"
        return f"{surname} {self.year}" if self.year else surname


def normalise_doi(text: str) -> str:
    """Lower case, without a resolver prefix or 'doi:' (DOIs are case-insensitive)."""
    doi = text.strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I)
    return doi.strip().lower()


def detect_format(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in ("ris", "txt"):
        return "ris"
    if suffix in ("nbib", "medline"):
        return "nbib"
    if suffix == "csv":
        return "csv"
    raise ImportRefused(None, "name", f"'{filename}' is not a .ris, .nbib or .csv file")


def parse(filename: str, content: bytes, fmt: str | None = None) -> list[Citation]:
    """Read every record of a search-results file, or refuse the whole file."""
    kind = fmt or detect_format(filename)
    if len(content) > MAX_BYTES:
        raise ImportRefused(None, "size", f"larger than {MAX_BYTES // 1_000_000} MB")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(None, "encoding", f"not UTF-8 text (byte {error.start})") from error
    readers = {"ris": parse_ris, "nbib": parse_nbib, "csv": parse_csv}
    citations = readers[kind](text)
    if not citations:
        raise ImportRefused(None, "records", "no records found")
    if len(citations) > MAX_RECORDS:
        raise ImportRefused(None, "records", f"more than {MAX_RECORDS} records; split the file")
    return citations


def _checked(record: int, title: str, year_text: str, doi_text: str, year_field: str, doi_field: str,
             title_field: str) -> tuple[str, int | None, str]:  # fmt: skip
    title = " ".join(title.split())
    if not title:
        raise ImportRefused(record, title_field, "no title")
    year: int | None = None
    if year_text.strip():
        match = YEAR.match(year_text.strip())
        if not match:
            raise ImportRefused(record, year_field, f"'{year_text.strip()}' is not a year")
        year = int(match.group(1))
        if not 1900 <= year <= 2100:
            raise ImportRefused(record, year_field, f"{year} is not a plausible year")
    doi = normalise_doi(doi_text) if doi_text.strip() else ""
    if doi and not DOI.match(doi):
        raise ImportRefused(record, doi_field, f"'{doi_text.strip()}' is not a DOI (10.xxxx/...)")
    return title, year, doi


# --- RIS ------------------------------------------------------------------------------------------------

_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -( (.*))?$")


def _ris_chunks(text: str) -> list[str]:
    """The file split at each 'ER  -', with a refusal naming the record of the first malformed line."""
    chunks: list[str] = []
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if not _RIS_TAG.match(line) and not lines:
            raise ImportRefused(len(chunks) + 1, "TY", f"expected 'TY  - ' to start a record, found {line[:40]!r}")
        lines.append(line)
        if line.startswith("ER  -"):
            chunks.append("\n".join(lines) + "\n")
            lines = []
    if lines:
        raise ImportRefused(len(chunks) + 1, "ER", "the record is not closed with 'ER  - '")
    return chunks


def parse_ris(text: str) -> list[Citation]:
    citations = []
    for number, chunk in enumerate(_ris_chunks(text), start=1):
        if not chunk.startswith("TY  -"):
            raise ImportRefused(number, "TY", "a record must start with its type (TY)")
        try:
            entries = rispy.loads(chunk)
        except Exception as error:  # rispy raises plain exceptions for lines it cannot place
            raise ImportRefused(number, "RIS", str(error)) from error
        if len(entries) != 1:
            raise ImportRefused(number, "ER", "could not be read as one record")
        entry = entries[0]
        title_value = entry.get("title") or entry.get("primary_title") or ""
        year_text = str(entry.get("year") or entry.get("publication_year") or "")
        title, year, doi = _checked(number, str(title_value), year_text, str(entry.get("doi") or ""), "PY", "DO",
                                    "TI")  # fmt: skip
        authors = tuple(entry.get("authors") or entry.get("first_authors") or ())
        citations.append(
            Citation(
                title=title, authors=tuple(str(a) for a in authors), year=year,
                journal=str(entry.get("secondary_title") or entry.get("journal_name") or ""),
                doi=doi, abstract=str(entry.get("abstract") or ""),
                pmid=_ris_pmid(entry),
            )
        )  # fmt: skip
    return citations


def _ris_pmid(entry: dict[str, object]) -> str:
    for key in ("accession_number", "pubmed_id"):
        value = str(entry.get(key) or "").strip()
        if value.isdigit():
            return value
    return ""


# --- PubMed MEDLINE (.nbib) -----------------------------------------------------------------------------

_NBIB_LINE = re.compile(r"^([A-Z][A-Z ]{3}- |      )(.*)$")  # a tag line, or a continuation
_NBIB_DOI = re.compile(r"^(?:LID|AID) - (\S+) \[doi\]", re.M)


def _nbib_chunks(text: str) -> list[str]:
    chunks: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.rstrip("\n\r")
        if not line.strip():
            continue
        if line.startswith("PMID-"):
            chunks.append([])
        if not chunks:
            raise ImportRefused(1, "PMID", f"a record must start with 'PMID- ', found {line[:40]!r}")
        if not _NBIB_LINE.match(line):
            tag = line[:4].strip() or "?"
            raise ImportRefused(len(chunks), tag, f"malformed line {line[:40]!r} (expected 'TAG - value')")
        chunks[-1].append(line)
    return ["\n".join(lines) + "\n" for lines in chunks]


def parse_nbib(text: str) -> list[Citation]:
    citations = []
    for number, chunk in enumerate(_nbib_chunks(text), start=1):
        try:
            entries = nbib.read(chunk)
        except Exception as error:  # nbib's MalformedLine / UnknownTagFormat
            raise ImportRefused(number, "MEDLINE", str(error) or type(error).__name__) from error
        if len(entries) != 1:
            raise ImportRefused(number, "PMID", "could not be read as one record")
        entry = entries[0]
        found = _NBIB_DOI.search(chunk)
        doi_text = str(entry.get("doi") or (found.group(1) if found else ""))
        title, year, doi = _checked(number, str(entry.get("title") or ""), str(entry.get("publication_date") or ""),
                                    doi_text, "DP", "LID", "TI")  # fmt: skip
        authors = tuple(str(a.get("author") or a.get("author_abbreviated") or "") for a in entry.get("authors", []))
        citations.append(
            Citation(
                title=title, authors=tuple(a for a in authors if a), year=year,
                journal=str(entry.get("journal") or entry.get("journal_abbreviated") or ""),
                doi=doi, pmid=str(entry.get("pubmed_id") or ""), abstract=str(entry.get("abstract") or ""),
            )
        )  # fmt: skip
    return citations


# --- CSV ------------------------------------------------------------------------------------------------

CSV_COLUMNS = ("title", "authors", "year", "journal", "doi", "pmid", "abstract")


def parse_csv(text: str) -> list[Citation]:
    """Columns: title (required), authors (separated by ';'), year, journal, doi, pmid, abstract."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "title" not in header:
        raise ImportRefused(None, "title", "the header row needs a 'title' column")
    unknown = sorted(set(header) - set(CSV_COLUMNS))
    if unknown:
        raise ImportRefused(None, unknown[0], f"unknown column (expected {', '.join(CSV_COLUMNS)})")
    reader.fieldnames = header
    citations = []
    for number, row in enumerate(reader, start=1):
        if None in row:
            raise ImportRefused(number, "row", "more cells than columns")
        values = {k: (v or "").strip() for k, v in row.items()}
        title, year, doi = _checked(number, values.get("title", ""), values.get("year", ""), values.get("doi", ""),
                                    "year", "doi", "title")  # fmt: skip
        pmid = values.get("pmid", "")
        if pmid and not pmid.isdigit():
            raise ImportRefused(number, "pmid", f"'{pmid}' is not a PubMed id (digits only)")
        authors = tuple(a.strip() for a in values.get("authors", "").split(";") if a.strip())
        citations.append(
            Citation(title=title, authors=authors, year=year, journal=values.get("journal", ""), doi=doi, pmid=pmid,
                     abstract=values.get("abstract", ""))
        )  # fmt: skip
    return citations
