"""Typed request and response bodies of the REST API (they are the OpenAPI schema's components)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints

ClientKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{8,100}$")]
ItemKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.]{1,20}$")]
Instrument = Literal["epds", "phq9", "gad7", "pbq"]
SaneDate = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2200, 12, 31))]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Page(Schema):
    count: int
    limit: int
    offset: int


class BabyOut(Schema):
    id: int
    name: str
    birth_date: date
    gestation_weeks: int | None


class MotherOut(Schema):
    id: int
    pseudonym: str
    full_name: str
    site: str
    has_login: bool
    babies: list[BabyOut]


class MotherPage(Page):
    items: list[MotherOut]


class ScheduleOut(Schema):
    id: int
    mother_id: int
    instrument: str
    due_on: date
    status: str
    completed_at: datetime | None


class ScheduleIn(Strict):
    instrument: Instrument
    due_on: SaneDate


class AlertBrief(Schema):
    id: int
    kind: str
    status: str
    priority: int


class AssessmentOut(Schema):
    id: int
    mother_id: int
    instrument: str
    profile: str
    definition_version: str
    answers: dict[str, int]
    complete: bool
    total: int | None
    subscales: dict[str, int]
    band: str
    band_urgent: bool
    flags: list[str]
    source: str
    answered_on: date
    submitted_at: datetime
    supersedes_id: int | None
    alerts: list[AlertBrief]


class AssessmentPage(Page):
    items: list[AssessmentOut]


class AssessmentIn(Strict):
    instrument: Instrument
    answers: dict[ItemKey, int | None] = Field(max_length=40)
    answered_on: SaneDate | None = Field(None, description="The day she answered (default: today).")
    client_key: ClientKey = Field(
        description="Your unique key for this submission: a retry with the same key returns the same assessment."
    )
    scheduled_id: int | None = Field(None, ge=1, le=2**31 - 1)


class AlertOut(Schema):
    id: int
    mother_id: int
    assessment_id: int | None
    kind: str
    instrument: str
    reason: str
    priority: int
    status: str
    raised_at: datetime
    ack_due_at: datetime
    escalation_level: int
    acknowledged_at: datetime | None
    action: str
    closed_at: datetime | None


class AlertPage(Page):
    items: list[AlertOut]


class FollowUpOut(Schema):
    id: int
    mother_id: int
    assessment_id: int | None
    alert_id: int | None
    instrument: str
    trigger: str
    action: str
    what: str
    owner_role: str
    owner_id: int | None
    status: str
    due_at: datetime
    escalation_level: int
    outcome: str
    closed_at: datetime | None


class FollowUpPage(Page):
    items: list[FollowUpOut]


class PracticeOut(Schema):
    id: int
    mother_id: int
    started_at: datetime
    duration_seconds: int
    guided: bool
    outcome: str
    mood_before: int | None
    mood_after: int | None
    baby_response: str
    steps_completed: int
    steps_total: int


class PracticePage(Page):
    items: list[PracticeOut]


class PracticeIn(Strict):
    started_at: AwareDatetime
    duration_seconds: int = Field(ge=1, le=3 * 60 * 60)
    guided: bool = False
    completed: bool = True
    mood_before: int | None = Field(None, ge=1, le=5)
    mood_after: int | None = Field(None, ge=1, le=5)
    baby_response: Literal["", "enjoyed", "calm", "mixed", "unsettled"] = ""
    steps_completed: int = Field(0, ge=0, le=100)
    steps_total: int = Field(0, ge=0, le=100)
    client_token: str | None = Field(None, pattern=r"^[0-9a-fA-F-]{32,36}$",
                                     description="A UUID: a retry with the same one saves once.")


class CourseOut(Schema):
    id: int
    site: str
    title: str
    description: str
    place: str
    capacity: int
    starts_on: date
    booked: int
    waiting: int
    minutes_per_session: int
    sessions_per_week: int
    dose_weeks: int


class CoursePage(Page):
    items: list[CourseOut]


class BookingOut(Schema):
    id: int
    course_id: int
    mother_id: int
    status: str
    requested_at: datetime
    placed_at: datetime | None
    cancelled_at: datetime | None


class BookingPage(Page):
    items: list[BookingOut]


class BookingIn(Strict):
    mother_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Staff: whom to enrol. Mothers: omit.")


class StudyOut(Schema):
    id: int
    code: str
    title: str
    design: str
    status: str
    schedule_weeks: list[int]
    participants: int


class StudyPage(Page):
    items: list[StudyOut]


class RedcapImportIn(Strict):
    records_csv: str = Field(max_length=2_000_000, description="A REDCap records export (CSV, raw values).")
    study_id: int | None = Field(None, ge=1, le=2**31 - 1,
                                 description="Records are this study's participant codes (else Bondwell IDs).")
    dry_run: bool = False


class RecordReport(Schema):
    record_id: str
    event: str
    instrument: str
    status: str
    assessment_id: int | None
    problems: list[str]


class RedcapImportOut(Schema):
    imported: int
    already_present: int
    refused: int
    dry_run: bool
    records: list[RecordReport]
