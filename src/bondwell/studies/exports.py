"""Pseudonymised exports of a study: CSV, XLSX, SPSS .sav, Stata .dta and a REDCap-style data dictionary.

Every file is built from `frame.long_frame` (study codes only, never names, emails or phones). When the study
asks for it, every date of a participant moves by her own random shift (held server-side, never exported), so
intervals between her dates stay true while calendar dates reveal nothing. The variables, their labels and
value labels are declared once in VARIABLES, so the SPSS/Stata labels and the dictionary cannot drift apart.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
import pyreadstat

from bondwell.screening.questionnaires import short_name
from bondwell.security import cells
from bondwell.studies.frame import long_frame
from bondwell.studies.models import ParticipantStatus, Study, WithdrawalScope

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "sav": ("application/x-spss-sav", "sav"),
    "dta": ("application/x-stata-dta", "dta"),
    "dictionary": ("text/csv; charset=utf-8", "csv"),
}


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    kind: str  # "text", "integer", "number", "date", "category"
    choices: dict[int, str] = field(default_factory=dict)
    note: str = ""
    minimum: float | None = None
    maximum: float | None = None


ARM_CODES = {"intervention": 1, "control": 0}
STATUS_CODES = {ParticipantStatus.ACTIVE: 1, ParticipantStatus.WITHDRAWN: 2, ParticipantStatus.LOST: 3}
SCOPE_CODES = {"": 0, WithdrawalScope.INTERVENTION: 1, WithdrawalScope.FOLLOW_UP: 2}

VARIABLES: tuple[Variable, ...] = (
    Variable("study_id", "Participant study ID (pseudonym)", "text", note="No names or contacts are exported."),
    Variable("site", "Site", "category"),
    Variable("arm", "Allocated arm", "category", {1: "Intervention (infant massage)", 0: "Control"},
             note="Blank in researchers' exports until the database is locked (blinding), with the adherence, "
                  "receipt and withdrawal-scope variables, which would reveal it."),
    Variable("stratum", "Randomisation stratum (e.g. site=..|severity=..; 'all' with minimisation)", "text"),
    Variable("allocation_sequence", "Allocation sequence number within the stratum (minimisation: the study)",
             "integer", minimum=1),
    Variable("week", "Weeks after the schedule start (0 = baseline)", "integer", minimum=0),
    Variable("timepoint", "Timepoint", "text"),
    Variable("due_date", "Visit due date (shifted)", "date", note="Shifted per participant when the study asks."),
    Variable("assessed_date", "Date the EPDS was submitted (shifted)", "date"),
    Variable("days_from_enrolment", "Days from enrolment to the assessment", "integer"),
    Variable("epds_total", "EPDS total (0-30)", "integer", minimum=0, maximum=30),
    Variable("baseline_epds", "EPDS total at screening (baseline)", "integer", minimum=0, maximum=30),
    Variable("adherence_min_week", "Home-practice minutes per week since enrolment", "number", minimum=0),
    Variable("received_intervention", "Received the allocated intervention", "category",
             {1: "Yes", 0: "No", 9: "Not recorded"}),
    Variable("status", "Participant status", "category", {1: "Active", 2: "Withdrawn", 3: "Lost to follow-up"}),
    Variable("withdrawal_scope", "Withdrawal", "category",
             {0: "Not withdrawn", 1: "From the intervention only", 2: "From further follow-up"}),
    Variable("consent_version", "Consent version", "text"),
    Variable("enrolment_date", "Enrolment date (shifted)", "date"),
)


def variables(study: Study) -> tuple[Variable, ...]:
    """The export's variables: the fixed ones, then one per secondary outcome (`<instrument>_total`)."""
    extra = tuple(
        Variable(f"{name}_total", f"{short_name(name)} total (secondary outcome)", "number", minimum=0)
        for name in study.secondary
    )
    return VARIABLES + extra


def _shift(value: date | None, days: int) -> date | None:
    return value + timedelta(days=days) if isinstance(value, date) else None


def export_frame(study: Study, *, mask_arm: bool = False) -> pd.DataFrame:
    """The export table: coded, labelled variables; dates shifted per participant when the study asks.
    `mask_arm` leaves the arm blank (blinded researchers before the database lock)."""
    frame = long_frame(study)
    sites = site_codes(study)
    rows = []
    for r in frame.to_dict("records"):
        shift = int(r["shift"])
        assessed = r["assessed_on"] if isinstance(r["assessed_on"], date) else None
        rows.append({
            "study_id": r["participant"],
            "site": sites[r["site"]][0],
            "arm": None if mask_arm else ARM_CODES[r["arm"]],
            "stratum": r["stratum"],
            "allocation_sequence": None if pd.isna(r["sequence"]) else int(r["sequence"]),
            "week": int(r["week"]),
            "timepoint": r["timepoint"],
            "due_date": _shift(r["due_on"], shift),
            "assessed_date": _shift(assessed, shift),
            "days_from_enrolment": (assessed - r["enrolled_on"]).days if assessed else None,
            "epds_total": None if pd.isna(r["epds"]) else int(r["epds"]),
            "baseline_epds": None if pd.isna(r["baseline_epds"]) else int(r["baseline_epds"]),
            # Blinded: whatever only one arm has (practice minutes, receipt, stopping "the intervention") is
            # left blank with the arm, or it would tell the arm.
            "adherence_min_week": None if mask_arm or pd.isna(r["adherence"]) else round(float(r["adherence"]), 1),
            "received_intervention": None if mask_arm else {True: 1, False: 0}.get(r["received"], 9),
            "status": STATUS_CODES[ParticipantStatus(r["status"])],
            "withdrawal_scope": None if mask_arm else SCOPE_CODES[r["withdrawal_scope"]],
            "consent_version": r["consent_version"],
            "enrolment_date": _shift(r["enrolled_on"], shift),
            **{f"{name}_total": None if pd.isna(r[name]) else float(r[name]) for name in study.secondary},
        })
    table = pd.DataFrame(rows, columns=[v.name for v in variables(study)])
    for variable in variables(study):
        if variable.kind in {"integer", "category"}:
            table[variable.name] = table[variable.name].astype("Int64")
        elif variable.kind == "number":
            table[variable.name] = table[variable.name].astype("float64")
    return table


def site_codes(study: Study) -> dict[str, tuple[int, str]]:
    """slug -> (number, name): sites are numbered in the files and named in the value labels."""
    return {s.slug: (i, s.name) for i, s in enumerate(study.sites.order_by("pk"), start=1)}


def _value_labels(study: Study) -> dict[str, dict[int | float, str]]:
    labels: dict[str, dict[int | float, str]] = {
        v.name: dict(v.choices.items()) for v in variables(study) if v.choices
    }
    labels["site"] = {number: name for number, name in site_codes(study).values()}
    return labels


def _column_labels(study: Study) -> dict[str, str | None]:
    return {v.name: v.label for v in variables(study)}


def _readstat_frame(table: pd.DataFrame, study: Study) -> pd.DataFrame:
    # SPSS and Stata files take float columns with NaN for missing numbers, and datetimes for dates.
    out = table.copy()
    for variable in variables(study):
        if variable.kind in {"integer", "category", "number"}:
            out[variable.name] = out[variable.name].astype("float64")
        elif variable.kind == "date":
            out[variable.name] = pd.to_datetime(out[variable.name])
        else:
            out[variable.name] = out[variable.name].fillna("").astype(str)
    return out


def _through_file(write: Callable[[str], None], suffix: str) -> bytes:
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    try:
        write(path)
        with open(path, "rb") as source:
            return source.read()
    finally:
        os.unlink(path)


def to_csv(table: pd.DataFrame) -> bytes:
    return cells.frame(table).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def to_xlsx(table: pd.DataFrame, study: Study) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        cells.frame(table).to_excel(writer, sheet_name="data", index=False)
        cells.frame(pd.read_csv(io.BytesIO(data_dictionary(study)))).to_excel(writer, sheet_name="dictionary",
                                                                             index=False)
    return buffer.getvalue()


def _readstat_file(table: pd.DataFrame, study: Study, write: Callable[..., None], suffix: str) -> bytes:
    """An SPSS or Stata file: pyreadstat's `write_sav` and `write_dta` take the same labels."""
    frame = _readstat_frame(table, study)
    return _through_file(
        lambda path: write(
            frame, path, file_label=f"{study.code} pseudonymised export", column_labels=_column_labels(study),
            variable_value_labels=_value_labels(study),
        ),
        suffix,
    )


def to_sav(table: pd.DataFrame, study: Study) -> bytes:
    return _readstat_file(table, study, pyreadstat.write_sav, ".sav")


def to_dta(table: pd.DataFrame, study: Study) -> bytes:
    return _readstat_file(table, study, pyreadstat.write_dta, ".dta")


REDCAP_HEADER = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
    "Matrix Ranking?", "Field Annotation",
]
_VALIDATION = {"integer": "integer", "number": "number", "date": "date_ymd"}


def data_dictionary(study: Study) -> bytes:
    """A REDCap-style data dictionary (CSV) of the export's variables."""
    labels = _value_labels(study)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REDCAP_HEADER)
    for v in variables(study):
        choices = " | ".join(f"{code}, {text}" for code, text in labels.get(v.name, {}).items())
        field_type = "radio" if v.kind == "category" else "text"
        writer.writerow(cells.row([
            v.name, f"{study.code.lower()}_follow_up", "", field_type, v.label, choices, v.note,
            _VALIDATION.get(v.kind, ""), "" if v.minimum is None else f"{v.minimum:g}",
            "" if v.maximum is None else f"{v.maximum:g}", "", "", "", "", "", "", "", "",
        ]))
    return buffer.getvalue().encode("utf-8")


def render(study: Study, fmt: str, *, mask_arm: bool = False) -> tuple[bytes, str, str]:
    """(content, content type, file name) of one export format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    content_type, extension = FORMATS[fmt]
    name = f"{study.code.lower()}-{'data-dictionary' if fmt == 'dictionary' else 'export'}.{extension}"
    if fmt == "dictionary":
        return data_dictionary(study), content_type, name
    table = export_frame(study, mask_arm=mask_arm)
    content = {
        "csv": lambda: to_csv(table),
        "xlsx": lambda: to_xlsx(table, study),
        "sav": lambda: to_sav(table, study),
        "dta": lambda: to_dta(table, study),
    }[fmt]()
    return content, content_type, name
