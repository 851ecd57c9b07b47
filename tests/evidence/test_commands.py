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
