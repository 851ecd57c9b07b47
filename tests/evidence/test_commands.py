"""`bondwell evidence pool` pools the shipped file without a database; `sync` reloads it into the database."""

from __future__ import annotations

from typer.testing import CliRunner

from bondwell.cli import app


def test_evidence_pool_lists_each_shipped_study_and_the_pooled_result() -> None:
    result = CliRunner().invoke(app, ["evidence", "pool"])
    assert result.exit_code == 0, result.output
    assert "pooled      Raisi Dehkordi 2019" in result.output
    assert "not pooled  Onozawa 2001: Per-arm numbers" in result.output
    assert "Hedges' g = −0.68 (95% CI −1.05 to −0.31)" in result.output
    assert "Random-Effects Model (k = 1" in result.output


def test_evidence_sync_reloads_the_shipped_file_into_the_database(db: None) -> None:
    from bondwell.evidence.models import EvidenceStudy

    EvidenceStudy.objects.filter(key="onozawa2001").delete()
    result = CliRunner().invoke(app, ["evidence", "sync"])
    assert result.exit_code == 0, result.output
    assert "6 shipped studies synced" in result.output
    assert EvidenceStudy.objects.filter(key="onozawa2001", added_by_user=False).exists()
