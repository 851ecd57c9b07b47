"""Loading the shipped file into the database is idempotent and never touches researcher-added studies."""

from __future__ import annotations

from typing import Any

from bondwell.evidence.data import load_evidence
from bondwell.evidence.models import EvidenceOutcome, EvidenceStudy
from bondwell.evidence.shipped import sync


def test_the_data_migration_loaded_every_shipped_study(db: None) -> None:
    shipped = load_evidence().studies
    assert set(EvidenceStudy.objects.filter(added_by_user=False).values_list("key", flat=True)) == {
        s.key for s in shipped
    }
    outcomes = EvidenceOutcome.objects.filter(study__added_by_user=False)
    assert outcomes.count() == sum(len(s.outcomes) for s in shipped)


def test_syncing_twice_changes_nothing_and_keeps_added_studies(db: None, world: Any) -> None:
    added = EvidenceStudy.objects.create(
        key="user-x", short_label="Mine 2026", citation="c", design="rct", added_by_user=True,
        added_by=world.users["researcher"],
    )  # fmt: skip
    sync()
    counts = (EvidenceStudy.objects.count(), EvidenceOutcome.objects.count())
    sync()
    assert (EvidenceStudy.objects.count(), EvidenceOutcome.objects.count()) == counts
    assert EvidenceStudy.objects.filter(pk=added.pk, added_by_user=True).exists()


def test_a_shipped_number_keeps_its_source_in_the_database(db: None) -> None:
    sync()
    outcome = EvidenceOutcome.objects.get(study__key="raisidehkordi2019", primary=True)
    assert (outcome.n_massage, outcome.mean_massage, outcome.sd_massage) == (60, 7.75, 2.18)
    assert "doi:10.4103/nms.nms_80_17, abstract" in outcome.source
