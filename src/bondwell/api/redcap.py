"""REDCap in and out.

Out: a study as a longitudinal REDCap project — the data dictionary, the events (one per visit) with the
form each holds, and the records in REDCap's import CSV (raw values). Records carry study codes and the
study's per-participant date shift only, never names or contacts, like every other study export.

In: a REDCap records export (raw values) whose columns are the dictionary's variable names
(`epds_q1`…`epds_q10`, `epds_date`, optionally `epds_total`; likewise `phq9_`, `gad7_`, `pbq_`). Each
record × event × questionnaire becomes one assessment through `record_assessment` (scored, risk rules and
alerts as a paper form). Everything is checked first; a file with any refused record imports nothing, and the
report says, record by record, what was imported, what was already there and what is wrong.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from bondwell import instruments
from bondwell.accounts.access import audit, mothers_in_scope
from bondwell.accounts.models import Mother, User
from bondwell.api.http import whole_number
from bondwell.errors import BondwellError
from bondwell.screening.models import Assessment, Source
from bondwell.screening.questionnaires import PAPER_INSTRUMENTS, load_for_profile, load_instrument
from bondwell.screening.services import ScreeningError, record_assessment
from bondwell.security import cells
from bondwell.studies.exports import REDCAP_HEADER, STATUS_CODES, site_codes
from bondwell.studies.models import Participant, ParticipantStatus, Study, Visit

PARTS = ("dictionary", "events", "mapping", "records")
PARTICIPANT_FORM = "participant"
MAX_ROWS = 20_000
ARM_CODES = {"intervention": 1, "control": 0}
SCOPE_CODES = {"": 0, "intervention": 1, "follow_up": 2}
COMPLETE = "2"  # REDCap's form status: 0 incomplete, 1 unverified, 2 complete


class RedcapFileError(BondwellError):
    """The file as a whole cannot be read as a REDCap records export."""


def event_name(week: int) -> str:
    return f"week_{week}_arm_1"


def item_variable(instrument: str, item_key: str) -> str:
    return f"{instrument}_{item_key}"


def instrument_variables(name: str) -> list[str]:
    definition = load_for_profile(name, instruments.DEFAULT_PROFILE)
    return ([f"{name}_date"] + [item_variable(name, i.key) for i in definition.items]
            + [f"{name}_total"])


# ---- out ------------------------------------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(cells.row(r) for r in rows)
    return buffer.getvalue().encode("utf-8")


def _blank_row(name: str, form: str, kind: str, label: str, **extra: str) -> list[str]:
    row = dict.fromkeys(REDCAP_HEADER, "")
    row.update({"Variable / Field Name": name, "Form Name": form, "Field Type": kind, "Field Label": label})
    for key, value in extra.items():
        row[key] = value
    return [row[h] for h in REDCAP_HEADER]


CHOICES = "Choices, Calculations, OR Slider Labels"
VALIDATION = "Text Validation Type OR Show Slider Number"


def instrument_dictionary_rows(name: str) -> list[list[str]]:
    """Data-dictionary rows of one questionnaire form: its date, its items (coded by printed position) and its
    total (recomputed by Bondwell on import, never trusted)."""
    definition = load_for_profile(name, instruments.DEFAULT_PROFILE)
    rows = [_blank_row(f"{name}_date", name, "text", f"{definition.title}: date answered",
                       **{VALIDATION: "date_ymd", "Section Header": definition.title})]
    for item in definition.items:
        choices = " | ".join(
            f"{o.position}, {o.label or f'option {o.position + 1} (scores {o.score})'}" for o in item.options
        )
        rows.append(_blank_row(item_variable(name, item.key), name, "radio", f"{item.number}. {item.theme}",
                               **{CHOICES: choices, "Field Note": "Coded by printed position (0 = top option)."}))
    rows.append(_blank_row(f"{name}_total", name, "text", f"{definition.title}: total",
                           **{VALIDATION: "integer", "Field Annotation": "@READONLY"}))
    return rows


def dictionary(study: Study) -> bytes:
    sites = " | ".join(f"{n}, {label}" for n, label in site_codes(study).values())
    rows = [
        REDCAP_HEADER,
        _blank_row("record_id", PARTICIPANT_FORM, "text", "Participant study ID (pseudonym)",
                   **{"Field Note": "No names or contacts are exported."}),
        _blank_row("site", PARTICIPANT_FORM, "radio", "Site", **{CHOICES: sites}),
        _blank_row("arm", PARTICIPANT_FORM, "radio", "Allocated arm",
                   **{CHOICES: "1, Intervention (infant massage) | 0, Control",
                      "Field Note": "Blank in researchers' exports until the database is locked (blinding)."}),
        _blank_row("status", PARTICIPANT_FORM, "radio", "Participant status",
                   **{CHOICES: "1, Active | 2, Withdrawn | 3, Lost to follow-up"}),
        _blank_row("withdrawal_scope", PARTICIPANT_FORM, "radio", "Withdrawal",
                   **{CHOICES: "0, Not withdrawn | 1, From the intervention only | 2, From further follow-up"}),
        _blank_row("received_intervention", PARTICIPANT_FORM, "radio", "Received the allocated intervention",
                   **{CHOICES: "1, Yes | 0, No | 9, Not recorded"}),
        _blank_row("enrolment_date", PARTICIPANT_FORM, "text", "Enrolment date (shifted)",
                   **{VALIDATION: "date_ymd"}),
        *instrument_dictionary_rows(study.primary_outcome),
    ]
    return _csv(rows)


def events(study: Study) -> bytes:
    rows = [["event_name", "arm_num", "day_offset", "offset_min", "offset_max", "unique_event_name"]]
    for tp in study.timepoints.order_by("week"):
        rows.append([f"Week {tp.week} ({tp.label})"[:60], "1", str(tp.week * 7), str(tp.window_days),
                     str(tp.window_days), event_name(tp.week)])
    return _csv(rows)


def mapping(study: Study) -> bytes:
    rows = [["arm_num", "unique_event_name", "form"]]
    for tp in study.timepoints.order_by("week"):
        if tp.week == 0:
            rows.append(["1", event_name(0), PARTICIPANT_FORM])
        rows.append(["1", event_name(tp.week), study.primary_outcome])
    return _csv(rows)


def _assessment_ids(visits: list[Visit]) -> dict[int, int]:
    ids = {}
    for visit in visits:
        kind, _, pk = visit.source.partition(":")
        if kind == "screening.Assessment" and whole_number(pk):
            ids[visit.pk] = int(pk)
    return ids


def records(study: Study, *, mask_arm: bool = False) -> bytes:
    """One row per participant and event with data: the participant form on the baseline event, the
    questionnaire's items on every visit it filled. `mask_arm` leaves the arm blank, and with it what would
    tell it (receipt of the intervention, withdrawal from it): blinding."""
    name = study.primary_outcome
    definition = load_for_profile(name, instruments.DEFAULT_PROFILE)
    columns = ["record_id", "redcap_event_name", "site", "arm", "status", "withdrawal_scope",
               "received_intervention", "enrolment_date", f"{PARTICIPANT_FORM}_complete",
               *instrument_variables(name), f"{name}_complete"]
    participants = list(
        Participant.objects.filter(study=study).select_related("site", "allocation__arm").order_by("code")
    )
    if study.is_randomised:
        participants = [p for p in participants if hasattr(p, "allocation")]
    visits = list(Visit.objects.filter(participant__in=participants).select_related("timepoint")
                  .order_by("participant_id", "timepoint__week"))
    by_visit = _assessment_ids(visits)
    answers = {a.pk: a for a in Assessment.objects.filter(pk__in=by_visit.values())}
    sites = site_codes(study)
    by_participant: dict[int, list[Visit]] = {}
    for visit in visits:
        by_participant.setdefault(visit.participant_id, []).append(visit)
    rows: list[list[str]] = [columns]
    for p in participants:
        shift = p.date_shift_days if study.shift_dates else 0
        arm = p.allocation.arm.code if study.is_randomised else "intervention"
        for visit in by_participant.get(p.pk, []):
            week = visit.timepoint.week
            assessment = answers.get(by_visit.get(visit.pk, -1))
            if week != 0 and assessment is None:
                continue
            row = dict.fromkeys(columns, "")
            row.update({"record_id": p.code, "redcap_event_name": event_name(week)})
            if week == 0:
                row.update({
                    "site": str(sites[p.site.slug][0]), "arm": "" if mask_arm else str(ARM_CODES[arm]),
                    "status": str(STATUS_CODES[ParticipantStatus(p.status)]),
                    # Receipt and withdrawal from the intervention would tell the arm: blank with it.
                    "withdrawal_scope": "" if mask_arm else str(SCOPE_CODES.get(p.withdrawal_scope, 0)),
                    "received_intervention": "" if mask_arm else (
                        "9" if p.received_intervention is None else str(int(p.received_intervention))
                    ),
                    "enrolment_date": (timezone.localdate(p.enrolled_at) + timedelta(days=shift)).isoformat(),
                    f"{PARTICIPANT_FORM}_complete": COMPLETE,
                })
            if assessment is not None:
                row[f"{name}_date"] = (assessment.answered_on + timedelta(days=shift)).isoformat()
                for item in definition.items:
                    value = assessment.answers.get(item.key)
                    row[item_variable(name, item.key)] = "" if value is None else str(value)
                row[f"{name}_total"] = "" if assessment.total is None else str(assessment.total)
                row[f"{name}_complete"] = COMPLETE if assessment.complete else "0"
            rows.append([row[c] for c in columns])
    return _csv(rows)


def render(study: Study, part: str, *, mask_arm: bool = False) -> bytes:
    if part not in PARTS:
        raise ValueError(f"unknown REDCap part {part!r}")
    if part == "records":
        return records(study, mask_arm=mask_arm)
    return {"dictionary": dictionary, "events": events, "mapping": mapping}[part](study)


# ---- in -------------------------------------------------------------------------------------------------


@dataclass
class RecordResult:
    record_id: str
    event: str
    instrument: str
    status: str  # "imported", "already present", "valid" (not written), "refused"
    assessment_id: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    records: list[RecordResult]
    dry_run: bool

    @property
    def imported(self) -> int:
        return sum(r.status == "imported" for r in self.records)

    @property
    def already_present(self) -> int:
        return sum(r.status == "already present" for r in self.records)

    @property
    def refused(self) -> int:
        return sum(r.status == "refused" for r in self.records)


@dataclass
class _Planned:
    result: RecordResult
    mother: Mother | None = None
    answers: dict[str, int | None] = field(default_factory=dict)
    answered_on: date | None = None
    key: str = ""


def _rows(text: str) -> Iterator[dict[str, str]]:
    if "\x00" in text:
        raise RedcapFileError("Not a text file: it holds NUL characters.")
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        header = reader.fieldnames
        if not header or "record_id" not in [h.strip() for h in header]:
            raise RedcapFileError("The first line must be the header, with a record_id column.")
        for count, row in enumerate(reader, start=1):
            if count > MAX_ROWS:
                raise RedcapFileError(f"At most {MAX_ROWS} rows per file.")
            yield {(k or "").strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}
    except csv.Error as error:
        raise RedcapFileError(f"Not a readable CSV file: {error}") from error


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _find_mother(by: User, study: Study | None, record_id: str) -> tuple[Mother | None, int]:
    scope = mothers_in_scope(by)
    if study is not None:
        participant = (Participant.objects.filter(study=study, code=record_id, mother__in=scope)
                       .select_related("mother__site").first())
        if participant is None:
            return None, 0
        return participant.mother, participant.date_shift_days if study.shift_dates else 0
    return scope.filter(pseudonym=record_id).select_related("site").first(), 0


def _key(mother: Mother, instrument: str, answered_on: date, answers: dict[str, int | None]) -> str:
    shown = ",".join(f"{k}={answers[k]}" for k in sorted(answers))
    return hashlib.sha256(f"redcap:{mother.pk}:{instrument}:{answered_on}:{shown}".encode()).hexdigest()


def _existing(mother: Mother, instrument: str, answered_on: date, answers: dict[str, int | None],
              key: str) -> Assessment | None:
    found = Assessment.objects.filter(idempotency_key=key).first()
    if found is not None:
        return found
    given = {k: v for k, v in answers.items() if v is not None}
    for candidate in Assessment.objects.current().filter(mother=mother, instrument=instrument,
                                                           answered_on=answered_on):
        if candidate.answers == given:
            return candidate
    return None


def _plan_response(row: dict[str, str], name: str, by: User, study: Study | None, today: date) -> _Planned | None:
    definition = load_for_profile(name, instruments.DEFAULT_PROFILE)
    cells = {item.key: row.get(item_variable(name, item.key), "") for item in definition.items}
    if not any(cells.values()):
        return None
    record_id = row.get("record_id", "")
    result = RecordResult(record_id, row.get("redcap_event_name", ""), name, "refused")
    planned = _Planned(result)
    problems = result.problems
    mother, shift = _find_mother(by, study, record_id) if record_id else (None, 0)
    if mother is None:
        problems.append(f"record_id: {record_id or '(empty)'} is not a record you may enter answers for"
                        + (" in this study" if study is not None else " (give the mother's Bondwell ID)"))
    answers: dict[str, int | None] = {}
    for key, text in cells.items():
        variable = item_variable(name, key)
        if text == "":
            answers[key] = None
        elif whole_number(text) and len(text) < 4:
            answers[key] = int(text)
        else:
            problems.append(f"{variable}: {text[:20]!r} is not a choice code")
    answered = _parse_date(row.get(f"{name}_date", ""))
    if answered is None:
        problems.append(f"{name}_date: give the date answered as YYYY-MM-DD")
    else:
        answered -= timedelta(days=shift)
        if answered > today:
            problems.append(f"{name}_date: the date answered is in the future")
    if mother is not None and not problems:
        instrument = load_instrument(name, mother.site)
        _scores, item_problems = instruments.check_answers(
            instrument, {k: v for k, v in answers.items() if v is not None}
        )
        for p in item_problems:
            if p.reason != "missing":
                problems.append(f"{item_variable(name, p.item)}: {p.describe().split(': ', 1)[-1]}")
        total_text = row.get(f"{name}_total", "")
        if not problems and total_text:
            complete = not item_problems
            expected = instruments.score(instrument, answers).total if complete else None
            if expected is None or not whole_number(total_text) or int(total_text) != expected:
                problems.append(f"{name}_total: {total_text!r} differs from the total of the items "
                                f"({expected if expected is not None else 'incomplete'})")
    if not problems and mother is not None and answered is not None:
        planned.mother, planned.answers, planned.answered_on = mother, answers, answered
        planned.key = _key(mother, name, answered, answers)
        existing = _existing(mother, name, answered, answers, planned.key)
        if existing is not None:
            result.status, result.assessment_id = "already present", existing.pk
        else:
            result.status = "valid"
    return planned


def import_records(
    text: str, *, by: User, study: Study | None = None, dry_run: bool = False
) -> ImportReport:
    """Check every response of the file, then import them all in one transaction, or none."""
    today = timezone.localdate()
    planned: list[_Planned] = []
    for row in _rows(text):
        for name in PAPER_INSTRUMENTS:
            found = _plan_response(row, name, by, study, today)
            if found is not None:
                planned.append(found)
    if not planned:
        raise RedcapFileError(
            "No questionnaire answers found: columns must be the dictionary's variable names, e.g. epds_q1."
        )
    refused = any(p.result.status == "refused" for p in planned)
    if refused or dry_run:
        return ImportReport([p.result for p in planned], dry_run=dry_run)
    try:
        with transaction.atomic():
            for p in planned:
                if p.result.status != "valid" or p.mother is None or p.answered_on is None:
                    continue
                # A repeated response within the file is the same assessment (same key).
                existed = Assessment.objects.filter(idempotency_key=p.key).first()
                assessment = existed or record_assessment(
                    p.mother, p.result.instrument, p.answers, source=Source.PAPER, by=by,
                    answered_on=p.answered_on, idempotency_key=p.key,
                )
                p.result.status = "already present" if existed else "imported"
                p.result.assessment_id = assessment.pk
            audit(None, "import:redcap", actor=by,
                  detail=f"{sum(p.result.status == 'imported' for p in planned)} responses"
                         + (f" study={study.code}" if study is not None else ""))
    except ScreeningError as error:
        for p in planned:
            if p.result.status == "imported":
                p.result.status, p.result.assessment_id = "valid", None
        raise RedcapFileError(f"Nothing was imported: {error}") from error
    return ImportReport([p.result for p in planned], dry_run=False)
