"""Researchers and programme leads add a study by form; the pool changes; bad input is refused by field."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bondwell.accounts.models import AuditEvent
from bondwell.evidence.models import EvidenceStudy
from bondwell.evidence.pool import fmt
from bondwell.evidence.services import pool_rows, primary_outcomes
from bondwell.stats.meta import escalc, rma
from tests.conftest import ROLES
from tests.evidence.conftest import arms, valid_study


def pooled_estimate() -> float:
    rows = pool_rows(primary_outcomes())
    es = escalc("SMD", **arms(rows))
    return rma(es, method="REML", test="knha").estimate


def test_adding_a_study_changes_the_pooled_estimate(client_as: Any, world: Any, shipped: None) -> None:
    researcher = client_as(world.users["researcher"])
    before = researcher.get(reverse("evidence")).content.decode()
    assert 'data-testid="pooled-k">1<' in before

    response = researcher.post(reverse("evidence-add"), valid_study())
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence") + "#pool"

    after = researcher.get(reverse("evidence")).content.decode()
    assert 'data-testid="pooled-k">2<' in after
    estimate = pooled_estimate()
    assert f'data-testid="pooled-g">{fmt(estimate)}<' in after
    assert fmt(estimate) != fmt(-0.6825)
    assert "I² =" in after
    assert "95% prediction interval" in after
    study = EvidenceStudy.objects.get(short_label="Testwell 2025")
    assert study.added_by_user
    assert study.added_by == world.users["researcher"]
    assert "added by Researcher A" in after


def test_the_addition_is_audited_with_who_added_it(client_as: Any, world: Any, shipped: None) -> None:
    client_as(world.users["site_lead"]).post(reverse("evidence-add"), valid_study())
    event = AuditEvent.objects.get(action="create:evidence-study")
    assert event.actor == world.users["site_lead"]
    assert event.object_type == "evidence.EvidenceStudy"


def test_a_study_without_numbers_is_listed_with_its_reason_but_not_pooled(
    client_as: Any, world: Any, shipped: None
) -> None:
    researcher = client_as(world.users["researcher"])
    numbers = {name: "" for name in ("n_massage", "mean_massage", "sd_massage", "n_control", "mean_control",
                                      "sd_control", "source")}  # fmt: skip
    data = valid_study(not_poolable_reason="Only medians reported", **numbers)
    assert researcher.post(reverse("evidence-add"), data).status_code == 302
    html = researcher.get(reverse("evidence")).content.decode()
    assert 'data-testid="pooled-k">1<' in html
    assert "No: Only medians reported" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"sd_control": "-3"}, "sd_control", "must be greater than 0"),
        ({"n_massage": "1"}, "n_massage", "at least 2 women"),
        ({"mean_massage": "45"}, "mean_massage", "between 0 and 30"),
        ({"source": ""}, "source", "Say where these numbers come from"),
        ({"sd_massage": ""}, "sd_massage", "or say below why the study cannot be pooled"),
        ({"doi": "not a doi"}, "doi", "A DOI starts with 10."),
        ({"doi": ""}, "doi", "Give a DOI or a link"),
        ({"short_label": ""}, "short_label", "This field is required"),
        ({"design": "anecdote"}, "design", "Select a valid choice"),
        ({"year": "2999"}, "year", "in the future"),
        ({"not_poolable_reason": "lazy"}, "not_poolable_reason", "leave empty"),
    ],
)
def test_bad_input_is_refused_with_an_error_on_its_field(
    client_as: Any, world: Any, shipped: None, overrides: dict[str, str], field: str, message: str
) -> None:
    researcher = client_as(world.users["researcher"])
    response = researcher.post(reverse("evidence-add"), valid_study(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert any(message in error for error in form.errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not EvidenceStudy.objects.filter(added_by_user=True).exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_researchers_and_programme_leads_may_add(
    client_as: Any, world: Any, shipped: None, role: str
) -> None:
    client = client_as(world.users[role])
    response = client.post(reverse("evidence-add"), valid_study())
    allowed = role in {"researcher", "site_lead"}
    assert response.status_code == (302 if allowed else 403)
    assert EvidenceStudy.objects.filter(added_by_user=True).exists() == allowed


def test_anonymous_visitors_are_sent_to_sign_in_before_adding(client: Any, shipped: None) -> None:
    response = client.post(reverse("evidence-add"), valid_study())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not EvidenceStudy.objects.filter(added_by_user=True).exists()
