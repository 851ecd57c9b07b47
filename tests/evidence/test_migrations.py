"""Migrating an existing installation: studies researchers had added on the old page are kept, as records of the
review's draft awaiting full-text screening; version 1 holds the shipped evidence only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

OLD = [("evidence", "0002_load_shipped_studies")]
NEW = [("evidence", "0006_drop_old_study_tables")]


@pytest.mark.django_db(transaction=True)
def test_researcher_added_studies_survive_the_move_to_the_review() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(OLD)
    old = executor.loader.project_state(OLD).apps
    study = old.get_model("evidence", "EvidenceStudy").objects.create(
        key="user-abc", short_label="Added 2025", citation="Added A. A trial. J. 2025.", doi="10.9999/added",
        design="rct", pnd_definition="EPDS 13+", comparator="routine care", added_by_user=True,
    )  # fmt: skip
    old.get_model("evidence", "EvidenceOutcome").objects.create(
        study=study, time_point="6 weeks", n_massage=30, mean_massage=8.0, sd_massage=3.0, n_control=30,
        mean_control=10.0, sd_control=3.0, source="Table 2",
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(NEW)
    new = executor.loader.project_state(NEW).apps
    record = new.get_model("evidence", "Record").objects.get(key="user-abc")
    assert record.state == "full_text"
    assert record.agreed["n_massage"] == 30
    assert record.agreed["source"] == "Table 2"
    version = new.get_model("evidence", "ReviewVersion").objects.get(number=1)
    assert "user-abc" not in {s["key"] for s in version.snapshot["studies"]}
