"""The mother's record as the hub, the list of mothers, the banner by role, and educators' concerns (issue 16)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import AuditEvent, Mother
from bondwell.workspace import concerns
from bondwell.workspace.banner import baby_age, tel_link
from bondwell.workspace.models import Concern
from bondwell.workspace.reliable_change import Point, steps
from tests.screening.helpers import EPDS_CALM, PHQ9_SELF_HARM, paper


def test_the_list_finds_her_by_name_date_of_birth_or_study_code_and_tells_same_names_apart(
    world: Any, client_as: Any
) -> None:
    twin = Mother.objects.create(site=world.site_a, full_name="Mother A", date_of_birth=date(1988, 2, 3))
    world.mother_a.date_of_birth = date(1992, 3, 14)
    world.mother_a.save()
    client = client_as(world.users["clinician"])
    url = reverse("mother-list")
    for query in ("14/03/1992", "1992-03-14", world.mother_a.pseudonym, world.mother_a.pseudonym.removeprefix("BW-")):
        rows = client.get(url, {"q": query}).context["rows"]
        assert [m.pk for m in rows] == [world.mother_a.pk], query
    page = client.get(url, {"q": "mother a"})
    assert {m.pk for m in page.context["rows"]} >= {world.mother_a.pk, twin.pk}
    html = page.content.decode()
    assert "same name as another" in html
    assert "3 Feb 1988" in html
    assert "14 Mar 1992" in html


def test_the_list_shows_risk_and_due_items_to_clinicians_and_not_to_educators(world: Any, client_as: Any) -> None:
    paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM)
    clinician = client_as(world.users["clinician"]).get(reverse("mother-list")).content.decode()
    assert "1 open alert" in clinician
    educator = client_as(world.users["educator"]).get(reverse("mother-list")).content.decode()
    assert "open alert" not in educator
    assert "Mother A" in educator


def test_the_banner_gives_her_details_to_every_staff_role_and_alerts_only_to_those_who_receive_them(
    world: Any, client_as: Any
) -> None:
    mother = world.mother_a
    mother.phone, mother.preferred_contact_times = "+61 491 570 156", "After 4 pm"
    mother.save()
    paper(mother, world.users["clinician"], PHQ9_SELF_HARM)
    url = reverse("mother-record", args=[mother.pk])
    for role in ("educator", "clinician", "site_lead"):
        html = client_as(world.users[role]).get(url).content.decode()
        assert 'href="tel:+61491570156"' in html, role
        assert "After 4 pm" in html, role
        assert ("1 open" in html) == (role != "educator"), role
        assert ("Questionnaires over time" in html) == (role == "clinician"), role  # answers and scores


def test_the_record_charts_every_questionnaire_and_marks_a_reliable_change(world: Any, client_as: Any) -> None:
    clinician = world.users["clinician"]
    today = timezone.localdate()
    lower = {**EPDS_CALM, "q1": 3, "q2": 3, "q3": 2}
    higher = {**lower, "q4": 3, "q5": 0, "q6": 1}
    before = paper(world.mother_a, clinician, lower, instrument="epds", on=today - timedelta(days=30))
    after = paper(world.mother_a, clinician, higher, instrument="epds", on=today)
    assert before.total is not None
    assert after.total is not None
    assert after.total - before.total >= 4  # the EPDS-specific threshold (Matthey 2004)
    html = client_as(clinician).get(reverse("mother-record", args=[world.mother_a.pk])).content.decode()
    assert f"{after.total - before.total:+d}, a reliable rise" in html
    assert "Matthey 2004" in html
    assert "<svg" in html
    assert "1 reliable change(s) marked" in html


def test_reliable_change_uses_each_questionnaires_published_threshold() -> None:
    points = [Point(date(2026, 1, 1), 7, 1), Point(date(2026, 2, 1), 10, 2), Point(date(2026, 3, 1), 15, 3)]
    assert [(s.change, s.reliable) for s in steps("epds", points)] == [(3, False), (5, True)]
    assert [s.reliable for s in steps("phq9", points)] == [False, False]  # PHQ-9: 6 points
    assert [s.reliable for s in steps("pbq", points)] == [False, False]  # no threshold: nothing marked


@pytest.mark.parametrize(("days", "words"), [(3, "3 days"), (20, "2 weeks"), (120, "3 months")])
def test_the_babys_age_in_plain_words(days: int, words: str) -> None:
    today = date(2026, 11, 30)
    assert baby_age(today - timedelta(days=days), today) == words


def test_a_phone_number_is_dialled_as_written() -> None:
    assert tel_link("(02) 9999 0000") == "0299990000"
    assert tel_link("") == ""


def test_an_educators_concern_reaches_the_clinicians_and_is_acknowledged_and_closed_with_what_was_done(
    world: Any, client_as: Any
) -> None:
    educator = client_as(world.users["educator"])
    url = reverse("workspace-concern-new", args=[world.mother_a.pk])
    refused = educator.post(url, {"note": "  "})
    assert "There is a problem" in refused.content.decode()
    assert not Concern.objects.exists()
    educator.post(url, {"note": "She seemed very low today."})
    concern = Concern.objects.get()
    assert concern.raised_by == world.users["educator"]
    clinician = client_as(world.users["clinician"])
    queue = clinician.get(reverse("screening-queue")).content.decode()
    assert "She seemed very low today." in queue
    detail = reverse("workspace-concern", args=[concern.pk])
    clinician.post(detail, {"step": "acknowledge"})
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ACKNOWLEDGED
    assert "Say what was done" in clinician.post(detail, {"step": "close", "outcome": ""}).content.decode()
    clinician.post(detail, {"step": "close", "outcome": "Phoned; GP tomorrow."})
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED
    assert concern.outcome == "Phoned; GP tomorrow."
    actions = list(AuditEvent.objects.filter(object_type="workspace.Concern").values_list("action", flat=True))
    assert sorted(actions) == ["acknowledge:concern", "close:concern", "raise:concern"]
    assert "She seemed very low today." not in clinician.get(reverse("screening-queue")).content.decode()


def test_a_concern_cannot_be_closed_without_saying_what_was_done(world: Any) -> None:
    concern = concerns.raise_concern(world.mother_a, "Worried", by=world.users["educator"])
    with pytest.raises(concerns.ConcernError):
        concerns.close_concern(concern, "", by=world.users["clinician"])


def test_the_demo_has_an_open_and_a_closed_concern_from_the_educator(db: Any) -> None:
    from typer.testing import CliRunner

    from bondwell.cli import app

    assert CliRunner().invoke(app, ["demo", "--if-empty"]).exit_code == 0
    found = list(Concern.objects.order_by("raised_at").values_list("status", "is_synthetic"))
    assert sorted(found) == [("closed", True), ("open", True)]
