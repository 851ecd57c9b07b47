"""A pseudo-locale proves that every string a mother reads on these pages goes through translation: while it is
active every translated string comes back wrapped in ⟦ ⟧, so any text left bare on the page was never marked.
Bare text is allowed only where it is her own data (names, course titles, dates, numbers) or reviewed content
that is translated as a whole pack (the routine's YAML, questionnaire wording; docs/content-review.md)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from bondwell.programme.content import load_content
from bondwell.programme.models import ClassSession, Course
from tests.programme.helpers import at, course

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


# Not yet: the home page (its title and other capabilities' panels), a questionnaire and its result, my record.
PAGES = [
    "screening-my", "programme-courses", "programme-practice", "programme-guided", "programme-guided-offline",
    "offline", "progress-mine", "programme-routine", "programme-practice-new", "programme-reminders",
]


@pytest.mark.parametrize("url_name", PAGES)
def test_every_string_on_her_page_is_marked_for_translation(
    url_name: str, world: Any, client_as: Any, pseudo: None
) -> None:
    soon = course(world, capacity=3)
    ClassSession.objects.create(course=soon, number=1, starts_at=at(soon.starts_on), teaches="Legs and feet")
    client = client_as(world.users["mother"])
    page = client.get(reverse(url_name)).content.decode()
    assert OPEN in page  # the pseudo-locale is active
    mother = world.mother_a
    allowed = _content_strings() | {
        "Bondwell", mother.full_name, world.users["mother"].full_name, str(world.site_a), soon.title, soon.place,
        soon.educator.full_name, "Legs and feet", world.users["mother"].get_role_display(),
    }
    allowed |= set(Course.objects.values_list("title", flat=True)) | set(Course.objects.values_list("place", flat=True))
    bare = bare_text(page, allowed)
    assert not bare, f"{url_name}: text not marked for translation: {' '.join(bare)}"


def test_the_checker_finds_a_bare_string() -> None:
    assert bare_text("<p>⟦Marked⟧ and not marked</p>", set()) == ["and", "not", "marked"]
    assert bare_text("<p>⟦Marked⟧ 12 Mar 2026</p>", set()) == ["Mar"]
