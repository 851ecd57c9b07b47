"""The alert queue's rows: what each row says, the validator of the rows as drawn, and their HTML.

Clinicians keep the queue open all day and it polls every 15 seconds, so a row's HTML is drawn once per content
and kept (per process, a bounded number): a row is keyed by everything it shows (see `row_digest`), so equal keys
mean identical HTML, and an alert that changes in any way it is shown gets a new key and is drawn again. Whether
the person may see the row is decided before any of this (`mothers_in_scope`), never by the cache.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language

from bondwell.accounts.models import Mother
from bondwell.screening.models import RiskAlert
from bondwell.screening.presenters import option_label, question_text
from bondwell.screening.questionnaires import load_for_profile
from bondwell.screening.safety import FLAG_ALERTS

ROW_TEMPLATE = "screening/queue_row.html"
KEPT_ROWS = 2_000  # about 2.5 MB of HTML per process: every open row of a busy site, several times over


@dataclass(frozen=True)
class QueueRow:
    alert: RiskAlert
    trigger: str  # the answer or score that raised it, in words (clinicians only: site leads never read answers)
    time_left: str
    overdue: bool
    raised_ago: str  # "2 hours, 5 minutes": how long ago it was raised, as the row shows it


def row_columns() -> list[str]:
    """What the rows read, for `QuerySet.only`: every column of the alert and its mother (the row's key covers
    them all), and of the rest only what a row shows. The assessment's or draft's other columns (three JSON
    documents among them) and the acknowledging clinician's account (her password hash among it) are not read."""
    return [
        *(f.name for f in RiskAlert._meta.concrete_fields),
        *(f"mother__{f.name}" for f in Mother._meta.concrete_fields),
        "assessment__answers", "assessment__profile", "assessment__band_key", "assessment__total",
        "draft__answers", "draft__profile", "acknowledged_by__full_name",
    ]


def queue_rows(alerts: Iterable[RiskAlert], *, reads_answers: bool, now: datetime) -> list[QueueRow]:
    return [QueueRow(a, trigger_words(a) if reads_answers else a.get_kind_display(), *time_left(a.ack_due_at, now),
                     raised_ago=timesince(a.raised_at, now)) for a in alerts]


def time_left(due: datetime, now: datetime) -> tuple[str, bool]:
    """'35 min left' / '2 h 10 min left' / 'overdue by 20 min': plain words for the acknowledgement deadline."""
    seconds = int((due - now).total_seconds())
    minutes = abs(seconds) // 60
    text = f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
    if minutes >= 48 * 60:
        text = f"{minutes // (24 * 60)} days"
    return (f"overdue by {text}", True) if seconds < 0 else (f"{text} left", False)


def trigger_words(alert: RiskAlert) -> str:
    """What raised the alert, in words: the item and the answer ticked, or the total and its band."""
    answers: dict[str, int] = {}
    profile = ""
    if alert.assessment is not None:
        answers, profile = alert.assessment.answers, alert.assessment.profile
    elif alert.draft is not None:
        answers, profile = alert.draft.answers, alert.draft.profile
    if not profile:
        return alert.reason
    instrument = load_for_profile(alert.instrument, profile)
    if alert.kind == "urgent_band":
        assessment = alert.assessment
        band = next((b for b in instrument.bands if assessment and b.key == assessment.band_key), None)
        total = assessment.total if assessment else None
        return f"Total {total}: {band.label}" if band and total is not None else alert.reason
    flags = {flag for flag, kind in FLAG_ALERTS.items() if kind == alert.kind}
    items = {rule.item for rule in instrument.rules if rule.flag in flags and rule.item}
    words = []
    for item in instrument.items:
        if item.key in items and answers.get(item.key) is not None:
            option = item.options[int(answers[item.key])]
            words.append(f"Item {item.number} ({question_text(item)}): “{option_label(option)}”")
    return "; ".join(words) or alert.reason


@functools.cache
def _templates_digest() -> str:
    folder = Path(__file__).parent / "templates/screening"
    return hashlib.sha256(b"".join((folder / name).read_bytes() for name in ("queue_rows.html", "queue_row.html"))
                          ).hexdigest()


def row_digests(rows: Sequence[QueueRow]) -> list[str]:
    """One key per row covering all it shows: every stored field of the alert and its mother, who acknowledged it,
    the trigger and the relative times in the words the row shows for now ('35 min left', 'raised 2 hours ago': a
    new minute that changes them changes it), the time zone and language it is drawn in, and the templates'
    text (a text pack's new wording changes the trigger words, so it is covered too)."""
    frame = repr((_templates_digest(), timezone.get_current_timezone_name(), get_language()))
    digests = []
    for row in rows:
        alert, mother, by = row.alert, row.alert.mother, row.alert.acknowledged_by
        shown = (
            [getattr(alert, f.attname) for f in alert._meta.concrete_fields],
            [getattr(mother, f.attname) for f in mother._meta.concrete_fields],
            (by.pk, by.full_name) if by is not None else None,
            row.trigger, row.time_left, row.overdue, row.raised_ago,
        )
        digests.append(hashlib.sha256((frame + repr(shown)).encode()).hexdigest())
    return digests


def rows_etag(request: HttpRequest, digests: Sequence[str], *, show_closed: bool, page: str) -> str:
    """A validator of the queue's rows as drawn for this user in this session (equal validators mean an
    identical partial): the rows' keys in order, the page, and whose session it is."""
    parts = [_templates_digest(), getattr(request.user, "pk", None),
             getattr(getattr(request, "session", None), "session_key", None), show_closed, page, *digests]
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:40] + '"'


class _DrawnRows:
    """The HTML of the rows drawn lately, by key, oldest forgotten first; shared by the process's threads."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._html: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            html = self._html.get(key)
            if html is not None:
                self._html.move_to_end(key)
            return html

    def put(self, key: str, html: str) -> None:
        with self._lock:
            self._html[key] = html
            self._html.move_to_end(key)
            while len(self._html) > self.keep:
                self._html.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._html.clear()


drawn_rows = _DrawnRows(KEPT_ROWS)


def rows_html(rows: Sequence[QueueRow], digests: Sequence[str], *, show_closed: bool) -> str:
    """The live partial's HTML: each row drawn unless a row with the same key was drawn already (in DEBUG, always
    drawn, so an edited template shows at once)."""
    if not rows:
        return render_to_string("screening/queue_rows.html", {"rows": [], "show_closed": show_closed})
    parts = []
    for row, key in zip(rows, digests, strict=True):
        html = None if settings.DEBUG else drawn_rows.get(key)
        if html is None:
            html = render_to_string(ROW_TEMPLATE, {"r": row})
            drawn_rows.put(key, html)
        parts.append(html)
    return "".join(parts)
