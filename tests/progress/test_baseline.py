"""The site's baseline SD kept by the worker: equal to a direct computation before and after changes, never
stale by more than one worker cycle, computed directly before the worker's first cycle, and read by the
clinician's progress page in one query."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.access import mothers_in_scope
from bondwell.accounts.models import Mother
from bondwell.progress import baseline, series
from bondwell.progress.models import MotherBaseline, SummaryState
from bondwell.screening.models import Assessment
from tests.progress.conftest import _epds


def _sites(world: Any) -> list[Any]:
    return [Mother.objects.filter(site=world.site_a), Mother.objects.filter(site=world.site_b)]


def _assert_stored_equals_direct(world: Any) -> None:
    for cohort in _sites(world):
        stored = baseline.stored_sd(cohort)
        assert stored is not None
        direct = baseline.direct_sd(cohort)
        assert stored[1] == direct[1]
        if direct[0] is None:
            assert stored[0] is None
        else:
            assert stored[0] == pytest.approx(direct[0], abs=1e-12)


def _more_mothers(world: Any, site: Any, totals: range) -> list[Any]:
    clinician = world.users["clinician"] if site == world.site_a else world.users_b["clinician"]
    made = []
    for total in totals:
        mother = Mother.objects.create(site=site, full_name=f"Extra {site.pk}-{total}")
        _epds(mother, timezone.localdate() - timedelta(days=100), total, clinician)
        made.append(mother)
    return made


def test_before_the_worker_s_first_cycle_the_sd_is_computed_directly(cohort: Any) -> None:
    _more_mothers(cohort.world, cohort.world.site_a, range(10, 20))
    site_a = mothers_in_scope(cohort.world.users["clinician"])
    assert baseline.stored_sd(site_a) is None
    # The hand-worked figure of test_views: 17 first scores at site A, SD 3.96770.
    sd, n = series.cohort_baseline_sd(site_a)
    assert n == 17
    assert sd == pytest.approx(3.96770, abs=1e-5)


def test_the_worker_stores_every_first_epds_and_the_stored_sd_equals_the_direct_one(cohort: Any) -> None:
    world = cohort.world
    _more_mothers(world, world.site_a, range(10, 20))
    _more_mothers(world, world.site_b, range(3, 16))
    Mother.objects.create(site=world.site_a, full_name="No EPDS yet")
    baseline.run(timezone.now())
    assert MotherBaseline.objects.count() == Mother.objects.count()
    first = cohort.mothers[0]
    assert MotherBaseline.objects.get(mother=first).epds == 18  # her EPDS before the course, not a later one
    assert MotherBaseline.objects.get(mother__full_name="No EPDS yet").epds is None
    _assert_stored_equals_direct(world)
    sd, n = series.cohort_baseline_sd(Mother.objects.filter(site=world.site_a))
    assert (n, sd) == (17, pytest.approx(3.96770, abs=1e-5))


def test_changes_reach_the_stored_sd_at_the_next_worker_cycle(cohort: Any) -> None:
    world = cohort.world
    clinician = world.users["clinician"]
    extra = _more_mothers(world, world.site_a, range(10, 20))
    baseline.run(timezone.now())
    before = baseline.stored_sd(Mother.objects.filter(site=world.site_a))
    # An earlier paper EPDS becomes M2's first; M1's first is corrected; a new mother answers; one moves site.
    m1, m2 = cohort.mothers[:2]
    _epds(m2, cohort.start - timedelta(days=30), 3, clinician)
    original = Assessment.objects.current().filter(mother=m1, instrument="epds").order_by("answered_on").first()
    assert original is not None
    Assessment.objects.create(
        mother=m1, instrument="epds", profile="AU", definition_version="test", answers={}, complete=True, total=29,
        band_key="", source="paper", answered_on=original.answered_on, entered_by=clinician,
        supersedes=original, correction_reason="typed wrongly", idempotency_key=f"correction-{m1.pk}",
    )
    _more_mothers(world, world.site_a, range(25, 26))
    Mother.objects.filter(pk=extra[0].pk).update(site=world.site_b)
    assert MotherBaseline.objects.get(mother=m2).epds == 15  # not yet: the worker has not run
    handled = baseline.run(timezone.now())
    assert handled >= 3
    assert MotherBaseline.objects.get(mother=m2).epds == 3
    assert MotherBaseline.objects.get(mother=m1).epds == 29
    after = baseline.stored_sd(Mother.objects.filter(site=world.site_a))
    assert after != before
    _assert_stored_equals_direct(world)


def test_an_assessment_committed_below_the_watermark_is_caught_by_the_sweep(cohort: Any) -> None:
    world = cohort.world
    baseline.run(timezone.now())
    # As if a transaction that took an id earlier committed after the watermark moved past it.
    SummaryState.objects.update(baseline_id=10**9)
    _epds(cohort.mothers[2], cohort.start - timedelta(days=40), 1, world.users["clinician"])
    baseline.run(timezone.now())
    assert MotherBaseline.objects.get(mother=cohort.mothers[2]).epds == 1
    _assert_stored_equals_direct(world)


def test_a_quiet_cycle_stores_only_what_was_submitted_lately(cohort: Any) -> None:
    baseline.run(timezone.now())
    assert baseline.run(timezone.now()) > 0  # the last cycle's margin: what was submitted just before it
    later = timezone.now() + timedelta(hours=1)
    baseline.run(later)
    assert baseline.run(later + timedelta(minutes=1)) == 0  # nothing submitted since the cycle before


def test_a_site_with_no_stored_rows_after_the_first_cycle_has_no_sd(world: Any) -> None:
    baseline.run(timezone.now())
    new_site = Mother.objects.filter(site=world.site_b, full_name="nobody")
    assert baseline.stored_sd(new_site) == (None, 0)


def test_the_clinician_s_page_reads_the_stored_sd(cohort: Any, client_as: Any,
                                                  django_assert_num_queries: Any) -> None:
    world = cohort.world
    _more_mothers(world, world.site_a, range(10, 20))
    baseline.run(timezone.now())
    # The stored value decides the page: change it by hand and the page follows (no direct computation).
    MotherBaseline.objects.filter(epds__isnull=False).update(epds=0)
    MotherBaseline.objects.filter(mother__in=cohort.mothers[:5]).update(epds=30)
    site_a = mothers_in_scope(world.users["clinician"])
    stored = baseline.stored_sd(site_a)
    assert stored is not None
    assert stored[1] == 17
    with django_assert_num_queries(1):
        assert baseline.cohort_sd(site_a, cache_key="any") == stored
    page = client_as(world.users["clinician"]).get(reverse("progress-mother", args=[cohort.mothers[0].pk]))
    sd = stored[0]
    assert sd is not None
    assert f"(SD {sd:.2f} of the first EPDS of 17 mothers of this site" in page.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_several_workers_storing_at_once_agree_with_the_direct_sd_on_postgresql() -> None:
    from tests.conftest import make_world
    from tests.progress.conftest import make_cohort
    from tests.threads import run_together

    world = make_world()
    cohort = make_cohort(world)
    _more_mothers(world, world.site_a, range(10, 20))
    run_together([lambda: baseline.run(timezone.now())] * 3)  # the first cycle, three workers at once
    _epds(cohort.mothers[3], cohort.start - timedelta(days=60), 2, world.users["clinician"])
    _more_mothers(world, world.site_b, range(5, 16))
    run_together([lambda: baseline.run(timezone.now())] * 3)
    assert SummaryState.objects.get().baseline_id == max(Assessment.objects.values_list("id", flat=True))
    assert MotherBaseline.objects.count() == Mother.objects.count()
    _assert_stored_equals_direct(world)


@pytest.mark.parametrize(("n", "total", "squares", "expected"), [
    (1, 5, 25, None), (3, 6, 12, None), (3, 6, 14, 1.0), (2, 0, 0, None),
])
def test_sd_from_sums_is_the_sample_sd(n: int, total: int, squares: int, expected: float | None) -> None:
    assert baseline.sd_of(n, total, squares) == expected
