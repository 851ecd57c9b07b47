"""A pseudo-locale proves that every string a mother reads goes through translation: while it is active every
translated string comes back wrapped in ⟦ ⟧, so any text left bare on the page was never marked.

It renders every page in tests/web/mother_pages.py (the list test_mother_pages.py holds complete against the
URLconf), and the states a page has: a questionnaire's question, whole-form and review pages (the PHQ-9, and the
EPDS from the test text pack), the support screen, results with few signs and with a risk answer (support and
crisis contacts), bookings (a place, the waiting list with her position, a past course attended and missed),
forms showing their errors, and the pages before signing in.

Bare text is allowed only where it is her own data (names, course titles and places, dates and numbers), the site's
configuration (site name, crisis contacts' names, numbers and descriptions) or reviewed content translated as a
whole pack (the routine's YAML, questionnaire wording and band messages from definitions and text packs;
docs/content-review.md, docs/instruments.md), and the evidence review's own data as published in a version
(study labels, countries, PND definitions, doses, comparators, time points, reasons, sources, the version's note
and change lines, and the systematic review's citation and limits as their sources state them)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from bondwell.programme.content import load_content
from bondwell.programme.models import Attendance, Booking, ClassSession, Course
from tests.programme.helpers import at, course, mothers
from tests.screening.helpers import EPDS_CALM, EPDS_SELF_HARM, PHQ9_CALM, PHQ9_SELF_HARM, PHQ9_SEVERE
from tests.web.mother_pages import SIGNED_IN

EPDS_TEST_PACK = Path(__file__).parents[1] / "fixtures" / "instruments" / "epds-placeholder-pack.yaml"

OPEN, CLOSE = "⟦", "⟧"
SKIP_TAGS = {"script", "style", "title", "svg", "noscript"}


def _wrap(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> None:
    trans = translation._trans  # type: ignore[attr-defined]
    real = translation.trans_real
    monkeypatch.setattr(trans, "gettext", lambda m: _wrap(real.gettext(m)), raising=False)
    monkeypatch.setattr(trans, "ngettext", lambda s, p, n: _wrap(real.ngettext(s, p, n)), raising=False)
    monkeypatch.setattr(trans, "pgettext", lambda c, m: _wrap(real.pgettext(c, m)), raising=False)
    monkeypatch.setattr(trans, "npgettext", lambda c, s, p, n: _wrap(real.npgettext(c, s, p, n)), raising=False)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.chunks.append(data.strip())


def _instrument_strings(site: Any) -> set[str]:
    """Questionnaire wording: from the definitions (public-domain wording) and installed text packs."""
    from bondwell.screening.crisis import contacts_for
    from bondwell.screening.presenters import option_label, question_text
    from bondwell.screening.questionnaires import load_instrument, short_name

    found: set[str] = set()
    for name in ("phq9", "epds"):
        instrument = load_instrument(name, site)
        found |= {instrument.title, instrument.recall_period, instrument.instructions or "", short_name(name)}
        for item in instrument.items:
            found.add(question_text(item))
            found |= {option_label(option) for option in item.options}
        found |= {band.mother_message for band in instrument.bands} | {band.label for band in instrument.bands}
    for contact in contacts_for(site).all:  # national lines (reviewed data) and the site's own
        found |= {contact.name, contact.phone, contact.description, contact.hours_note}
    return {s for s in found if s}


def _content_strings() -> set[str]:
    content = load_content()
    found: set[str] = {content.routine.title, content.routine.summary}
    for step in content.routine.steps:
        found |= {step.title, step.section_title, *step.instructions}
    for section in content.routine.sections:
        found.add(section.title)
    for group in (content.engagement, content.disengagement):
        found |= {group.title, group.what_to_do, getattr(group, "note", "") or "", *group.cues}
    for q in content.safety_check:
        found |= {q.question, q.if_not}
    for p in content.precautions:
        found |= {p.title, p.text}
    for source in content.sources.values():
        found |= {source.citation, source.url or ""}
    return {s for s in found if s}


def _evidence_strings() -> set[str]:
    """The review's own data on the public evidence pages: quoted content (translated as a whole pack if ever),
    left bare. From the snapshot of every published version (the latest is the page; the versions page lists the
    notes and change lines of all) and the shipped evidence base (the systematic review and its stated limits)."""
    from bondwell.evidence import services
    from bondwell.evidence.data import load_evidence
    from bondwell.evidence.models import ReviewVersion

    found: set[str] = set()
    for version in ReviewVersion.objects.filter(review=services.shipped_review()):
        found |= {version.note, *version.changes}
        snap = version.snapshot
        for study in snap["studies"]:
            found |= {str(study.get(name) or "") for name in (
                "label", "country", "pnd_definition", "dose", "comparator", "time_point", "not_poolable_reason",
                "source", "rob_note", "geary_2023",
            )}  # fmt: skip
        for excluded in snap["excluded"]:
            found |= {str(excluded.get(name) or "") for name in ("label", "reason", "detail", "source")}
    sources = load_evidence()
    review = sources.review
    found |= {review.citation, review.doi, review.search_date, review.synthesis, review.included_studies_note}
    for limit in sources.limits:
        found |= {limit.text, limit.source}
    return {s for s in found if s}


def bare_text(page: str, allowed: set[str]) -> list[str]:
    """Text on the page that is outside every ⟦ ⟧ and is neither her data nor reviewed content."""
    parser = _Text()
    parser.feed(page)
    text = " ".join(parser.chunks)
    depth, outside, current = 0, [], []
    for char in text:
        if char == OPEN:
            depth += 1
            outside.append("".join(current))
            current = []
        elif char == CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            current.append(char)
    outside.append("".join(current))
    rest = " ".join(outside)
    for item in sorted(allowed, key=len, reverse=True):
        rest = rest.replace(item, " ")
    words = re.findall(r"[^\W\d_]{2,}", rest)
    return words



@pytest.fixture
def text_packs(tmp_path: Path, settings: Any) -> Path:
    """The test-only EPDS text pack installed (placeholder wording, real scoring key), as tests/screening does."""
    folder = tmp_path / "text-packs"
    folder.mkdir()
    settings.BONDWELL_TEXT_DIR = folder
    shutil.copy(EPDS_TEST_PACK, folder / "epds.yaml")
    return folder


def _start(client: Any, instrument: str) -> str:
    response = client.get(reverse("screening-start", kwargs={"instrument": instrument}))
    assert response.status_code == 302, response.status_code
    return str(response["Location"])


def _send(client: Any, instrument: str, answers: dict[str, int]) -> Any:
    url = _start(client, instrument)
    data = {"view": "all", "go": "submit", **{k: str(v) for k, v in answers.items()}}
    return client.post(url, data, follow=True)


def _bookings(world: Any) -> None:
    """A place on a course, a waiting-list place (second in line) and a past course attended once, missed once."""
    today = date.today()
    soon = course(world, capacity=3, starts_on=today + timedelta(days=7))
    ClassSession.objects.create(course=soon, number=1, starts_at=at(soon.starts_on), teaches="Legs and feet")
    Booking.objects.create(course=soon, mother=world.mother_a, status=Booking.Status.BOOKED)
    full = course(world, capacity=1, starts_on=today + timedelta(days=14))
    ClassSession.objects.create(course=full, number=1, starts_at=at(full.starts_on), teaches="Legs and feet")
    first, ahead = mothers(world.site_a, 2)
    Booking.objects.create(course=full, mother=first, status=Booking.Status.BOOKED)
    Booking.objects.create(course=full, mother=ahead, status=Booking.Status.WAITING)
    Booking.objects.create(course=full, mother=world.mother_a, status=Booking.Status.WAITING)
    past = course(world, capacity=3, starts_on=today - timedelta(days=30))
    Booking.objects.create(course=past, mother=world.mother_a, status=Booking.Status.BOOKED)
    for number, here in ((1, Attendance.Status.PRESENT), (2, Attendance.Status.ABSENT)):
        session = ClassSession.objects.create(
            course=past, number=number, starts_at=at(past.starts_on + timedelta(days=7 * (number - 1))),
            teaches="Legs and feet",
        )
        Attendance.objects.create(session=session, mother=world.mother_a, status=here)


def _due(world: Any, instrument: str = "phq9") -> None:
    from bondwell.screening.models import ScheduledQuestionnaire

    ScheduledQuestionnaire.objects.create(mother=world.mother_a, instrument=instrument, due_on=date.today())


Show = Callable[[Any, Any], Any]  # (world, signed-in client) -> response


def _page(name: str) -> Show:
    return lambda world, client: client.get(reverse(name))


def _question(instrument: str, query: str = "") -> Show:
    return lambda world, client: client.get(_start(client, instrument) + query)


def _review(complete: bool) -> Show:
    def show(world: Any, client: Any) -> Any:
        url = _start(client, "phq9")
        answers = PHQ9_CALM if complete else {"q1": 0, "q2": 1}
        client.post(url, {"view": "all", "go": "save", **{k: str(v) for k, v in answers.items()}})
        return client.get(url + "?q=review")
    return show


def _sent_too_soon(world: Any, client: Any) -> Any:
    url = _start(client, "phq9")
    client.post(url, {"q": "1", "q1": "0", "go": "next"})
    return client.post(url, {"q": "1", "go": "submit"}, follow=True)


def _support(world: Any, client: Any) -> Any:
    url = _start(client, "phq9")
    response = client.post(url, {"q": "9", "q9": "1", "go": "next"})
    return client.get(response["Location"])


def _result(instrument: str, answers: dict[str, int]) -> Show:
    return lambda world, client: _send(client, instrument, answers)


def _with_history(world: Any, client: Any) -> Any:
    _send(client, "phq9", PHQ9_CALM)
    client.post(_start(client, "phq9"), {"q": "1", "q1": "0", "go": "next"})  # a draft to carry on
    _due(world)
    return client.get(reverse("screening-my"))


def _home_with_due(world: Any, client: Any) -> Any:
    _due(world)
    _bookings(world)
    return client.get(reverse("home"))


def _courses(world: Any, client: Any) -> Any:
    _bookings(world)
    return client.get(reverse("programme-courses"))


def _progress(name: str) -> Show:
    def show(world: Any, client: Any) -> Any:
        _send(client, "epds", EPDS_CALM)
        _send(client, "phq9", PHQ9_CALM)
        _bookings(world)
        return client.get(reverse(name))
    return show


def _erasure_asked(world: Any, client: Any) -> Any:
    return client.post(reverse("rights-ask-erasure"), follow=True)


def _booked(full: bool) -> Show:
    def show(world: Any, client: Any) -> Any:
        place = course(world, capacity=1, starts_on=date.today() + timedelta(days=7))
        if full:
            Booking.objects.create(course=place, mother=mothers(world.site_a, 1)[0], status=Booking.Status.BOOKED)
        return client.post(reverse("programme-book"), {"course_id": str(place.pk)}, follow=True)
    return show


def _cancelled(world: Any, client: Any) -> Any:
    _bookings(world)
    booking = Booking.objects.filter(mother=world.mother_a, status=Booking.Status.WAITING).get()
    return client.post(reverse("programme-cancel"), {"booking_id": str(booking.pk)}, follow=True)


def _saved(name: str, data: dict[str, str]) -> Show:
    def show(world: Any, client: Any) -> Any:
        response = client.post(reverse(name), data, follow=True)
        assert response.redirect_chain, f"{name} was not saved"  # the page after saving, with its message
        return response
    return show


def _errors(name: str, data: dict[str, str] | None = None) -> Show:
    return lambda world, client: client.post(reverse(name), data or {})


SHOWN: dict[str, Show] = {
    **{name: _page(name) for name in SIGNED_IN},
    "home with a questionnaire due and bookings": _home_with_due,
    "questionnaires with a draft, one due and a result": _with_history,
    "phq9: a question": _question("phq9"),
    "phq9: the last question": _question("phq9", "?q=9"),
    "phq9: the whole form": _question("phq9", "?view=all"),
    "phq9: review with questions left": _review(complete=False),
    "phq9: review, ready to send": _review(complete=True),
    "phq9: sent before every answer": _sent_too_soon,
    "phq9: support the moment she answers item 9": _support,
    "epds: a question": _question("epds"),
    "epds: the whole form": _question("epds", "?view=all"),
    "result: few signs (phq9)": _result("phq9", PHQ9_CALM),
    "result: a self-harm answer (phq9)": _result("phq9", PHQ9_SELF_HARM),
    "result: the urgent band (phq9)": _result("phq9", PHQ9_SEVERE),
    "result: few signs (epds)": _result("epds", EPDS_CALM),
    "result: a self-harm answer (epds)": _result("epds", EPDS_SELF_HARM),
    "progress with results, courses and practice": _progress("progress-mine"),
    "progress summary with results, courses and practice": _progress("progress-summary"),
    "your data after asking for erasure": _erasure_asked,
    "courses: booked, waiting second in line, a past course attended and missed": _courses,
    "courses: she books a place": _booked(full=False),
    "courses: she joins the waiting list": _booked(full=True),
    "courses: she leaves the waiting list": _cancelled,
    "practice: a new session with errors": _errors("programme-practice-new"),
    "practice: a session saved": _saved("programme-practice-new", {
        # Yesterday: 07:00 today is still ahead in the site's time zone for part of the day (Sydney is UTC+11).
        "started_at": f"{date.today() - timedelta(days=1):%Y-%m-%d}T07:00", "minutes": "12", "completed": "no",
        "baby_response": "",
    }),
    "reminders saved": _saved("programme-reminders", {
        "enabled": "on", "time_1": "10:00", "quiet_start": "21:00", "quiet_end": "08:00",
    }),
    "reminders with errors": _errors("programme-reminders", {"enabled": "on", "time": "25:99"}),
    "reminders: a time in her quiet hours": _errors("programme-reminders", {
        "enabled": "on", "time_1": "06:30", "quiet_start": "21:00", "quiet_end": "08:00",
    }),
    "practice: a session in the future": _errors("programme-practice-new", {
        "started_at": f"{date.today() + timedelta(days=2):%Y-%m-%d}T07:00", "minutes": "12", "completed": "yes",
    }),
    "password change with errors": _errors("password_change", {"old_password": "wrong"}),
    "authenticator set-up with errors": _errors("mfa-setup", {"code": "12"}),
}

SIGNED_OUT_SHOWN: dict[str, Show] = {
    "login": _page("login"),
    "login with errors": _errors("login", {"username": "nobody@example.org", "password": "wrong"}),
    "password reset": _page("password_reset"),
    "password reset with errors": _errors("password_reset", {"email": "not an address"}),
    "password reset sent": _page("password_reset_done"),
    "password reset: a link that no longer works": lambda world, client: client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"}), follow=True
    ),
    "password reset complete": _page("password_reset_complete"),
}


def _allowed(world: Any) -> set[str]:
    user = world.users["mother"]
    allowed = _content_strings() | _instrument_strings(world.site_a) | _evidence_strings() | {
        "Bondwell", world.mother_a.full_name, world.mother_a.pseudonym, user.full_name, user.email, str(world.site_a),
        "Legs and feet",
        *(baby.name for baby in world.mother_a.babies.all()),
    }
    for found in Course.objects.select_related("educator"):
        allowed |= {found.title, found.place, found.educator.full_name}
    return allowed


def _check(label: str, response: Any, world: Any) -> None:
    assert response.status_code == 200, f"{label}: {response.status_code}"
    page = response.content.decode()
    assert OPEN in page  # the pseudo-locale is active
    bare = bare_text(page, _allowed(world))
    assert not bare, f"{label}: text not marked for translation: {' '.join(bare)}"


@pytest.mark.parametrize("label", SHOWN)
def test_every_string_on_her_page_is_marked_for_translation(
    label: str, world: Any, client_as: Any, pseudo: None, text_packs: Path
) -> None:
    client = client_as(world.users["mother"])
    response = SHOWN[label](world, client)
    _check(label, response, world)


@pytest.mark.parametrize("label", SIGNED_OUT_SHOWN)
def test_every_string_before_she_signs_in_is_marked_for_translation(
    label: str, world: Any, client: Any, pseudo: None
) -> None:
    _check(label, SIGNED_OUT_SHOWN[label](world, client), world)


def test_every_page_is_covered() -> None:
    assert set(SIGNED_IN) <= set(SHOWN)


def test_the_checker_finds_a_bare_string() -> None:
    assert bare_text("<p>⟦Marked⟧ and not marked</p>", set()) == ["and", "not", "marked"]
    assert bare_text("<p>⟦Marked⟧ 12 Mar 2026</p>", set()) == ["Mar"]
