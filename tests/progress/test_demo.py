"""The progress demo: a year of follow-up with mothers who improve, who do not, and who are lost to follow-up."""

from __future__ import annotations

import random
from typing import Any

from django.utils import timezone

from bondwell.demo import DEMO_SEED, DemoContext


def load_demo() -> DemoContext:
    """The accounts and progress loaders only (screening's and programme's are theirs to test): fast enough here."""
    from bondwell.demo import accounts
    from bondwell.progress import demo

    now = timezone.now()
    context = DemoContext(now=now, today=timezone.localdate(now), rng=random.Random(DEMO_SEED))
    accounts.load(context)
    demo.load(context)
    return context


def test_the_demo_has_a_year_of_varied_synthetic_follow_up(db: Any) -> None:
    from bondwell.accounts.access import mothers_in_scope
    from bondwell.programme.models import Observation
    from bondwell.progress import dashboard, series
    from bondwell.screening.models import Assessment, ScheduledQuestionnaire

    context = load_demo()
    assert not Assessment.objects.filter(is_synthetic=False).exists()
    assert not Observation.objects.filter(is_synthetic=False).exists()
    maya = context.mothers[0]
    epds = series.scores(maya, "epds")
    assert (epds[-1].answered_on - epds[0].answered_on).days >= 300  # a year of her results
    changes = []
    for mother in context.mothers:
        points = series.scores(mother, "epds")
        if len(points) >= 2:
            changes.append(points[-1].total - points[0].total)
    assert any(c <= -4 for c in changes)  # some improve
    assert any(c >= 0 for c in changes)  # some do not
    lost = [m for m in context.mothers if 0 < len(series.scores(m, "epds")) < 4]
    assert lost  # some are lost to follow-up before 12 months
    assert ScheduledQuestionnaire.objects.filter(instrument="pbq").exists()
    lead = context.users["site_lead"]
    board = dashboard.build(mothers_in_scope(lead), {lead.site_id: lead.site.name}, dashboard.Filters())
    assert board.overall.pairs >= dashboard.MIN_CELL  # the demo dashboard shows its figures
    assert not board.overall.change_suppressed
