"""The public evidence page: pooled result from the shipped studies, the studies table, the stated limits."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from django.urls import reverse

from bondwell.evidence.data import load_evidence
from bondwell.evidence.pool import fmt, shipped_row
from bondwell.stats.meta import escalc, rma
from tests.evidence.conftest import arms


def shipped_g() -> float:
    """Raisi Dehkordi 2019 (the one shipped study with complete numbers), via the stats package directly."""
    row = shipped_row(load_evidence().by_key("raisidehkordi2019"))
    assert row is not None
    es = escalc("SMD", **arms([row]))
    return rma(es, method="REML", test="knha").estimate


def test_anyone_can_read_the_pooled_effect_of_the_shipped_studies_without_signing_in(
    client: Any, shipped: None
) -> None:
    response = client.get(reverse("evidence"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="pooled-g">{fmt(shipped_g())}<' in html
    assert 'data-testid="pooled-k">1<' in html
    assert "one study&#x27;s own result, not a pooled one" in html
    assert "A prediction interval needs at least two studies" in html


def test_the_pooled_effect_is_raisi_dehkordis_hedges_g(shipped: None) -> None:
    # Hand check: d = (7.75 − 9.2) / sqrt((59·2.18² + 59·2.04²)/118) = −0.6868; J(118) = 0.99363; g = −0.6825.
    assert shipped_g() == pytest.approx(-0.6825, abs=5e-4)


def test_every_shipped_study_is_listed_and_those_not_poolable_say_why(client: Any, shipped: None) -> None:
    html = client.get(reverse("evidence")).content.decode()
    evidence = load_evidence()
    for study in evidence.studies:
        assert f'id="study-{study.key}"' in html
    onozawa = html[html.index('id="study-onozawa2001"') :]
    onozawa = onozawa[: onozawa.index("</tr>")]
    assert "No: Per-arm numbers, means and SDs are not reported in the abstract" in onozawa
    assert "https://doi.org/10.1016/s0165-0327(00)00198-1" in onozawa


def test_the_limits_are_stated_as_the_sources_state_them(client: Any, shipped: None) -> None:
    html = client.get(reverse("evidence")).content.decode()
    assert "no untreated control group" in html
    assert "Risk of bias is a real concern" in html
    for limit in load_evidence().limits:
        assert limit.source.replace("'", "&#x27;").replace('"', "&quot;") in html
    assert "doi:10.1371/journal.pone.0294156" in html
    assert "8 studies with 521 women" in html


def test_visitors_and_clinicians_see_no_way_to_add_studies(client: Any, client_as: Any, world: Any) -> None:
    assert "Add a study" not in client.get(reverse("evidence")).content.decode()
    clinician = client_as(world.users["clinician"])
    assert "Add a study" not in clinician.get(reverse("evidence")).content.decode()
    researcher = client_as(world.users["researcher"])
    assert "Add a study" in researcher.get(reverse("evidence")).content.decode()


@pytest.mark.skipif(
    importlib.util.find_spec("bondwell.stats.meta.plots") is None,
    reason="bondwell.stats.meta.plots (the forest plot) is not in the stats package yet",
)
def test_the_forest_plot_is_drawn_inline(client: Any, shipped: None) -> None:
    html = client.get(reverse("evidence")).content.decode()
    assert '<div class="forest-plot"' in html
    assert "<svg" in html
    assert 'data-testid="forest-missing"' not in html
