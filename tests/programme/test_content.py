"""Routine content is validated at test time: every step has instructions, a duration, a diagram that exists and
sources; every file names its sources; a broken edit is refused with a message naming the place."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from bondwell.programme.content import CONTENT_DIR, ContentError, load_content

SVG = "{http://www.w3.org/2000/svg}"


def test_the_shipped_content_loads_and_every_step_is_complete() -> None:
    content = load_content()
    steps = content.routine.steps
    assert len(steps) >= 15
    for step in steps:
        assert step.instructions, step.key
        assert all(line.strip() for line in step.instructions), step.key
        assert 0 < step.seconds <= 300, step.key
        assert (CONTENT_DIR / "diagrams" / step.diagram).is_file(), step.key
        assert step.sources, step.key
        assert all(key in content.sources for key in step.sources), step.key


def test_the_routine_follows_the_classic_order_and_lasts_about_fifteen_minutes() -> None:
    routine = load_content().routine
    assert [s.key for s in routine.sections] == [
        "preparation", "legs-and-feet", "tummy", "chest", "arms-and-hands", "face", "back", "gentle-movements",
        "finish",
    ]
    assert 12 * 60 <= routine.total_seconds <= 18 * 60
    preparation = " ".join(line for step in routine.sections[0].steps for line in step.instructions).lower()
    for must in ("warm", "hands", "unscented plant oil", "patch", "ask"):
        assert must in preparation


def test_every_diagram_is_an_svg_with_a_title_for_screen_readers() -> None:
    for step in load_content().routine.steps:
        root = ET.parse(CONTENT_DIR / "diagrams" / step.diagram).getroot()
        assert root.tag == f"{SVG}svg"
        title = root.find(f"{SVG}title")
        assert title is not None, step.diagram
        assert (title.text or "").strip(), step.diagram


def test_cues_and_precautions_name_their_sources_and_cover_the_contraindications() -> None:
    content = load_content()
    assert content.cue_sources
    assert content.precaution_sources
    assert content.engagement.cues
    assert content.disengagement.cues
    assert "stop" in content.disengagement.what_to_do.lower()
    keys = {q.key for q in content.safety_check}
    assert {"baby_well", "fed_a_while_ago"} <= keys
    text = " ".join(f"{p.title} {p.text}" for p in content.precautions).lower()
    for must in ("unwell", "immunisation", "broken skin", "feed", "preterm", "ask your health professional"):
        assert must in text


def test_every_listed_source_has_a_citation_and_is_used_somewhere() -> None:
    content = load_content()
    used = set(content.routine.sources) | set(content.cue_sources) | set(content.precaution_sources)
    used |= {key for step in content.routine.steps for key in step.sources}
    assert used == set(content.sources)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _edit_first_step(directory: Path, **changes: object) -> None:
    path = directory / "routine.yaml"
    data = yaml.safe_load(path.read_text())
    step = data["sections"][0]["steps"][0]
    for key, value in changes.items():
        if value is None:
            step.pop(key, None)
        else:
            step[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"instructions": []}, "instructions: must be a non-empty list"),
        ({"instructions": None}, "instructions: must be a non-empty list"),
        ({"seconds": 0}, "seconds"),
        ({"seconds": "a minute"}, "seconds"),
        ({"diagram": "missing.svg"}, "no SVG named 'missing.svg'"),
        ({"diagram": "../sources.yaml"}, "diagram"),
        ({"sources": []}, "sources: must be a non-empty list"),
        ({"sources": ["made-up-2024"]}, "not in sources.yaml: made-up-2024"),
        ({"title": "  "}, "title: must be non-empty text"),
    ],
)
def test_a_broken_step_is_refused_with_a_message_naming_it(
    content_copy: Path, changes: dict[str, object], message: str
) -> None:
    _edit_first_step(content_copy, **changes)
    with pytest.raises(ContentError, match=r"warm-room|sections\[0\]\.steps\[0\]") as error:
        load_content(content_copy)
    assert message in str(error.value)


def test_a_deleted_diagram_is_noticed(content_copy: Path) -> None:
    (content_copy / "diagrams" / "tummy-circles.svg").unlink()
    with pytest.raises(ContentError, match="tummy-circles"):
        load_content(content_copy)


def test_a_cue_file_without_sources_is_refused(content_copy: Path) -> None:
    path = content_copy / "cues.yaml"
    data = yaml.safe_load(path.read_text())
    del data["sources"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError, match=r"cues\.yaml\.sources"):
        load_content(content_copy)


def test_the_essential_safety_questions_end_the_session(content_copy: Path) -> None:
    blocking = {q.key for q in load_content().safety_check if q.blocks}
    assert {"baby_well", "fed_a_while_ago", "no_recent_immunisation"} <= blocking


def test_a_repeated_step_key_is_refused(content_copy: Path) -> None:
    _edit_first_step(content_copy, key="hands-and-oil")
    with pytest.raises(ContentError, match="used twice"):
        load_content(content_copy)


STROKE = re.compile(r'<path[^>]*stroke="#c2410c"[^>]*>')


def test_every_stroke_in_every_diagram_shows_its_direction_with_an_arrowhead() -> None:
    content = load_content()
    strokes = 0
    for step in content.routine.steps:
        svg = content.diagram_svg(step)
        for path in STROKE.findall(svg):
            strokes += 1
            assert f'marker-end="url(#a-{step.key})"' in path or f'marker-start="url(#a-{step.key})"' in path, (
                f"{step.diagram}: a stroke without an arrowhead"
            )
        if STROKE.search(svg):
            assert f'<marker id="a-{step.key}"' in svg
    assert strokes >= 30


def test_a_page_of_every_diagram_repeats_no_id() -> None:
    content = load_content()
    page = "".join(content.diagram_svg(step) for step in content.routine.steps)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for step in content.routine.steps:
        assert f'aria-labelledby="t-{step.key}"' in content.diagram_svg(step)
