"""Every page each staff role of the demo can open, and the public and error pages, checked by axe-core in a real
browser: no serious or critical WCAG 2.1 A/AA violation at desktop width (1280×800), enough colour contrast in the
dark scheme too, and on a 360×740 phone no sideways scroll and every sideways-scrolling table reachable by keyboard.

The page list is built from the role × view matrix (tests/<app>/access_cases.py): every page without a record id
that the role is allowed (RolePage answering 200), and every record page the role may open (Case answering 200 on
a record in its scope), opened on demo objects: a Harbourside mother booked on the demo educator's course (her
record hub, an alert, a follow-up, her course and its class register …) and the demo trial (its participants,
follow-up and the statistician's analysis). Files (PDF, CSV, SVG, JSON) are not pages and are left out.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bondwell.demo import DEMO_PASSWORD, load
from tests.conftest import World, browser_login
from tests.test_access_matrix import CASES, ROLE_PAGES
from tests.web.phone import measure, serious_violations

DESKTOP = (1280, 800)
PHONE = (360, 740)
STAFF = {
    "educator": "educator@demo.bondwell.test",
    "clinician": "clinician@demo.bondwell.test",
    "site_lead": "lead@demo.bondwell.test",
    "researcher": "researcher@demo.bondwell.test",
    "statistician": "statistician@demo.bondwell.test",
    "admin": "admin@demo.bondwell.test",
}
# Downloads and images, not pages.
FILES = {
    "rights-mine-json", "rights-mine-pdf", "screening-pdf", "study-report-pdf", "study-dmc-report", "study-consort",
    "study-export", "progress-export", "evidence-draft-prisma", "progress-dashboard-chart", "evidence-template",
    "evidence-download",
}
# Record pages opened on the demo's own objects (see _demo_objects) rather than the matrix's kwargs functions.
_STUDY = {"study_id": "study_id"}
_PARTICIPANT = {"study_id": "study_id", "participant_id": "participant_id"}
DEMO_KWARGS: dict[str, dict[str, str]] = {
    "study-detail": _STUDY, "study-members": _STUDY, "study-enrol": _STUDY, "study-screening-log": _STUDY,
    "study-participants": _STUDY, "study-followup": _STUDY, "study-analysis": _STUDY, "study-lock": _STUDY,
    "study-edit": _STUDY,
    "study-screen": {"study_id": "study_id", "mother_id": "mother_id"},
    "study-consent": {"study_id": "study_id", "entry_id": "entry_id"},
    "study-participant": _PARTICIPANT, "study-randomise": _PARTICIPANT, "study-withdraw": _PARTICIPANT,
    "programme-attendance": {"session_id": "session_id"},
    "programme-observe-mother": {"session_id": "session_id", "mother_id": "mother_id"},
}
PUBLIC_PAGES = [
    "/login/", "/password/reset/", "/password/reset/sent/", "/password/reset/done/", "/evidence/",
    "/evidence/versions/", "/offline/",
]


def _demo_world() -> tuple[World, Any]:
    """The demo as the matrix's world: site A is Harbourside, its mother one booked on the educator's course."""
    from bondwell.accounts.models import Mother, Site, User
    from bondwell.evidence.models import Record, Review, ReviewVersion
    from bondwell.evidence.shipped import load_shipped_review

    load(reset=False)
    if not Review.objects.exists():  # an earlier transactional test flushed the migration's published review
        load_shipped_review(Review, Record, ReviewVersion)
    site_a, site_b = Site.objects.get(slug="harbourside"), Site.objects.get(slug="northgate")
    world = World(site_a=site_a, site_b=site_b)
    for role, email in STAFF.items():
        world.users[role] = User.objects.get(email=email)
    for role in ("educator", "clinician", "site_lead"):
        world.users_b[role] = User.objects.get(email=STAFF[role].replace("@", "2@"))
    world.users["mother"] = User.objects.get(email="mother@demo.bondwell.test")
    world.mother_a = (
        Mother.objects.filter(site=site_a, programme_bookings__course__educator=world.users["educator"],
                              programme_bookings__status="booked").order_by("pk").first()
    )
    world.mother_b = Mother.objects.filter(site=site_b).order_by("pk").first()
    return world, _demo_objects(world)


def _demo_objects(world: World) -> dict[str, Any]:
    """The demo trial and one of its Harbourside participants (for the study pages), and a class of the mother's
    course that has taken place (its register, and the educator's observation of her)."""
    from django.utils import timezone

    from bondwell.programme.models import ClassSession
    from bondwell.studies.models import Participant, ScreeningEntry, Study

    site = world.site_a
    session = ClassSession.objects.filter(
        course__bookings__mother=world.mother_a, course__educator=world.users["educator"],
        starts_at__lt=timezone.now(),
    ).order_by("-starts_at").first()
    assert session is not None, "the demo mother's course has had a class"

    study = Study.objects.get(code="HAPPI")
    participant = Participant.objects.filter(study=study, site=site).order_by("pk").first()
    entry = ScreeningEntry.objects.filter(study=study, site=site).order_by("pk").first()
    assert participant is not None and entry is not None, "the demo trial has Harbourside participants"
    return {
        "study_id": study.pk, "participant_id": participant.pk, "entry_id": entry.pk,
        "participant_mother_id": participant.mother_id, "session_id": session.pk, "mother_id": world.mother_a.pk,
    }


def _pages_for(role: str, world: World, demo: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, path) of every page the role may open, from the access matrix."""
    pages = [
        (page.url_name, reverse(page.url_name, kwargs=page.kwargs))
        for page in ROLE_PAGES
        if page.expect.get(role) == 200 and page.url_name not in FILES
    ]
    for case in CASES:
        if case.method != "get" or case.own.get(role) != 200 or case.url_name in FILES:
            continue
        if case.url_name in DEMO_KWARGS:
            kwargs = {name: demo[key] for name, key in DEMO_KWARGS[case.url_name].items()}
        else:
            kwargs = case.kwargs(world, world.mother_a)
        pages.append((case.url_name, reverse(case.url_name, kwargs=kwargs)))
    return pages


def _check(page: Any, label: str, found: list[str], *, phone: bool) -> None:
    for violation in serious_violations(page):
        found.append(f"{label}: axe {violation}")
    # The dark colour scheme (bondwell.css promises AA contrast in both).
    page.emulate_media(color_scheme="dark")
    for violation in serious_violations(page, ["color-contrast"]):
        found.append(f"{label} in the dark scheme: axe {violation}")
    page.emulate_media(color_scheme="light")
    if phone:
        page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
        overflow = measure(page)["overflow"]
        if overflow > 0:
            found.append(f"{label}: scrolls sideways by {overflow} px at {PHONE[0]} px")
        # What scrolls sideways on the phone (a wide table) must be reachable by keyboard.
        for violation in serious_violations(page, ["scrollable-region-focusable"]):
            found.append(f"{label} at {PHONE[0]} px: axe {violation}")
        page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})


@pytest.mark.browser
def test_the_check_finds_a_violation_where_there_is_one(new_page: Any) -> None:
    page = new_page(*DESKTOP)
    page.set_content(
        '<html lang="en"><title>t</title><main><img src="x.png">'
        '<p style="color:#ccc;background:#fff">faint</p><input type="text"></main></html>'
    )
    rules = {violation.split(":")[0] for violation in serious_violations(page)}
    assert {"image-alt", "color-contrast", "label"} <= rules


@pytest.mark.browser
def test_no_serious_accessibility_violation_on_any_staff_public_or_error_page(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    world, demo = _demo_world()
    base = live_server.url
    found: list[str] = []

    anonymous = new_page(*DESKTOP)
    for path in PUBLIC_PAGES:
        response = anonymous.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        _check(anonymous, f"anonymous {path}", found, phone=True)
    response = anonymous.goto(f"{base}/no-such-page/")
    assert response is not None and response.status == 404
    _check(anonymous, "anonymous 404", found, phone=True)

    for role, email in STAFF.items():
        pages = _pages_for(role, world, demo)
        page = new_page(*DESKTOP)
        browser_login(page, base, email, DEMO_PASSWORD)
        for label, path in pages:
            response = page.goto(f"{base}{path}")
            assert response is not None
            if response.status != 200:
                found.append(f"{role} {label} {path}: answered {response.status}")
                continue
            _check(page, f"{role} {label} {path}", found, phone=True)
        if role == "educator":  # a page she may not open: the 403 page
            response = page.goto(f"{base}/alerts/")
            assert response is not None and response.status == 403
            _check(page, "educator 403", found, phone=True)

    assert not found, f"{len(found)} accessibility problems:\n" + "\n".join(found)
