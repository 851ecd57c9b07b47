"""The form a researcher fills in to add a study, and the CSV upload that runs every row through it.

Every error names its field (and, for CSV, its row and column), so a number is never silently dropped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from bondwell.evidence.models import EvidenceStudy

NUMBER_FIELDS = ("n_massage", "mean_massage", "sd_massage", "n_control", "mean_control", "sd_control")
EPDS_MAX = 30
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
CSV_MAX_ROWS = 200
CSV_MAX_BYTES = 1_000_000


class StudyForm(forms.Form):
    short_label = forms.CharField(
        max_length=80, label="Short label", help_text="First author and year, e.g. Smith 2025."
    )
    citation = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Full citation")
    doi = forms.CharField(
        max_length=200, required=False, label="DOI", help_text="e.g. 10.1016/j.jad.2007.10.027"
    )
    url = forms.URLField(
        max_length=300, required=False, assume_scheme="https", label="Link (if there is no DOI)"
    )
    year = forms.IntegerField(min_value=1950, required=False, label="Year of publication")
    design = forms.ChoiceField(choices=EvidenceStudy.Design.choices, label="Design")
    country = forms.CharField(max_length=80, required=False, label="Country")
    pnd_definition = forms.CharField(
        max_length=200, label="How PND was defined", help_text="e.g. EPDS ≥ 12 at 4 weeks."
    )
    dose = forms.CharField(
        max_length=500, required=False, label="Massage dose", help_text="Sessions, minutes, weeks."
    )
    comparator = forms.CharField(
        max_length=200, label="Comparator", help_text="e.g. routine care, support group."
    )
    time_point = forms.CharField(
        max_length=200, label="EPDS time point", help_text="e.g. end of a 6-week course."
    )
    n_massage = forms.IntegerField(required=False, label="Massage group: number analysed")
    mean_massage = forms.FloatField(required=False, label="Massage group: mean EPDS")
    sd_massage = forms.FloatField(required=False, label="Massage group: SD of EPDS")
    n_control = forms.IntegerField(required=False, label="Comparator group: number analysed")
    mean_control = forms.FloatField(required=False, label="Comparator group: mean EPDS")
    sd_control = forms.FloatField(required=False, label="Comparator group: SD of EPDS")
    source = forms.CharField(
        max_length=500, required=False, label="Where the numbers come from",
        help_text="Table, page or 'abstract' of the paper above.",
    )
    not_poolable_reason = forms.CharField(
        max_length=500, required=False, label="Why it cannot be pooled",
        help_text="Only when some of the six numbers are not reported.",
    )
    risk_of_bias = forms.CharField(max_length=500, required=False, label="Risk of bias (and who judged it)")

    def clean_doi(self) -> str:
        doi = str(self.cleaned_data.get("doi") or "").strip()
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
        if doi and not DOI.match(doi):
            raise forms.ValidationError(
                "A DOI starts with 10. and a slash part, e.g. 10.1371/journal.pone.0294156."
            )
        return doi

    def clean_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("year")
        if year is not None and year > timezone.now().year + 1:
            raise forms.ValidationError("That year is in the future.")
        return year

    def _check_numbers(self, cleaned: dict[str, Any]) -> None:
        for arm in ("massage", "control"):
            n, mean, sd = cleaned.get(f"n_{arm}"), cleaned.get(f"mean_{arm}"), cleaned.get(f"sd_{arm}")
            if n is not None and n < 2:
                self.add_error(f"n_{arm}", "A group needs at least 2 women.")
            if mean is not None and not 0 <= mean <= EPDS_MAX:
                self.add_error(f"mean_{arm}", f"An EPDS mean lies between 0 and {EPDS_MAX}.")
            if sd is not None and sd <= 0:
                self.add_error(f"sd_{arm}", "A standard deviation must be greater than 0.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_numbers(cleaned)
        if not cleaned.get("doi") and not cleaned.get("url") and "doi" not in self.errors:
            self.add_error("doi", "Give a DOI or a link, so that others can check the numbers.")
        given = [name for name in NUMBER_FIELDS if cleaned.get(name) is not None]
        missing = [name for name in NUMBER_FIELDS if name not in given and name not in self.errors]
        reason = str(cleaned.get("not_poolable_reason") or "").strip()
        if given and not str(cleaned.get("source") or "").strip():
            self.add_error("source", "Say where these numbers come from (table, page or abstract).")
        if missing and not reason:
            for name in missing:
                self.add_error(name, "Give this number too, or say below why the study cannot be pooled.")
        if not missing and reason and len(given) == len(NUMBER_FIELDS):
            self.add_error(
                "not_poolable_reason", "All six numbers are given, so the study can be pooled: leave empty."
            )
        return cleaned


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text=f"One study per row, at most {CSV_MAX_ROWS} rows.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        return upload


@dataclass(frozen=True)
class CsvProblem:
    row: int  # 1-based line number in the file (the header is line 1)
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class CsvParse:
    rows: tuple[dict[str, Any], ...]  # cleaned data, one per study
    problems: tuple[CsvProblem, ...]


CSV_COLUMNS = tuple(StudyForm.base_fields)


def parse_csv(content: bytes) -> CsvParse:
    """Run every row through StudyForm; collect every problem with its row and column."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return CsvParse((), (CsvProblem(1, "", "The file is not UTF-8 text; save it as CSV (UTF-8)."),))
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    problems = [CsvProblem(1, name, "unknown column") for name in header if name not in CSV_COLUMNS]
    required = [name for name, field in StudyForm.base_fields.items() if field.required]
    problems += [CsvProblem(1, name, "required column is missing") for name in required if name not in header]
    if problems:
        return CsvParse((), tuple(problems))
    rows: list[dict[str, Any]] = []
    for line, raw in enumerate(reader, start=2):
        if line - 1 > CSV_MAX_ROWS:
            problems.append(CsvProblem(line, "", f"more than {CSV_MAX_ROWS} rows; split the file"))
            break
        data = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(data.values()):
            continue
        form = StudyForm(data=data)
        if form.is_valid():
            rows.append(form.cleaned_data)
            continue
        for field, errors in form.errors.items():
            problems.extend(CsvProblem(line, "" if field == "__all__" else field, str(e)) for e in errors)
    if not rows and not problems:
        problems.append(CsvProblem(1, "", "The file has a header but no studies."))
    return CsvParse(tuple(rows), tuple(problems))


def csv_template() -> str:
    """A header line and one example row (clearly an example, with numbers left empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    example = {
        "short_label": "Example 2025", "citation": "Author A. Title. Journal. 2025;1:1-2.",
        "doi": "10.0000/example", "design": "rct", "pnd_definition": "EPDS >= 12",
        "comparator": "routine care", "time_point": "end of intervention",
        "not_poolable_reason": "example row: replace with real numbers",
    }  # fmt: skip
    writer.writerow([example.get(column, "") for column in CSV_COLUMNS])
    return buffer.getvalue()
