"""`bondwell evidence pool`: the shipped file's analyses without a database."""

from __future__ import annotations

from typer.testing import CliRunner

from bondwell.cli import app


def test_pool_lists_each_study_and_gives_no_combined_estimate_from_one_study() -> None:
    result = CliRunner().invoke(app, ["evidence", "pool"])
    assert result.exit_code == 0, result.output
    assert "analysed      Raisi Dehkordi 2019" in result.output
    assert "excluded      NCT06475885 (Gazi University): Mothers not selected for postnatal depression" in result.output
    assert "no combined estimate is given" in result.output
    assert "pooled" not in result.output.lower()
