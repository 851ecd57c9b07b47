"""An interim data set as real data arrive (sparse last week, an off-schedule visit, blank baselines,
"Control"/"Intervention" labels): every estimable week equals R's lm and lmer to 1e-4, and the weeks left out
are named (tests/fixtures/trial/make_interim.R wrote interim_reference.json)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.tolerances import ITERATIVE
from typer.testing import CliRunner

from bondwell.stats.results import to_json
from bondwell.stats.trial import analyse_trial, load_trial_csv, prepare_trial
from bondwell.stats.trial.commands import register

HERE = Path(__file__).resolve().parents[2] / "fixtures" / "trial"
R = json.loads((HERE / "interim_reference.json").read_text())
TOL = ITERATIVE


def _close(ours: float, theirs: float, what: str) -> None:
    assert ours == pytest.approx(theirs, rel=TOL, abs=TOL), what


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return analyse_trial(load_trial_csv(HERE / "trial_interim.csv", "epds")).intention_to_treat


def test_blank_baselines_are_dropped_and_counted(report) -> None:  # type: ignore[no-untyped-def]
    assert list(report.ancova.no_baseline) == R["no_baseline"]
    assert any("2 participants without a baseline value" in note for note in report.notes)


def test_ancova_equals_lm_at_every_estimable_week(report) -> None:  # type: ignore[no-untyped-def]
    ours = {e.week: e for e in report.ancova.effects}
    for r in R["ancova"]:
        if not r["estimable"]:
            assert r["week"] not in ours
            continue
        e = ours[r["week"]]
        assert e.n == r["n"]
        for key in ("estimate", "se", "ci_low", "ci_high", "p"):
            _close(getattr(e, key), r[key], f"week {r['week']} {key}")
    assert [s.week for s in report.ancova.skipped] == [r["week"] for r in R["ancova"] if not r["estimable"]]
    assert "only one arm" in report.ancova.skipped[0].reason


def test_mixed_model_equals_lmer_with_the_dropped_column(report) -> None:  # type: ignore[no-untyped-def]
    m, r = report.mixed_model, R["mixed_model"]
    assert m is not None
    assert list(m.dropped_columns) == r["dropped_columns"]
    assert list(m.coefficient_names) == r["coefficient_names"]
    np.testing.assert_allclose(m.coefficients, r["coefficients"], rtol=TOL, atol=TOL)
    _close(m.sigma2, r["sigma2"], "sigma2")
    _close(m.tau2, r["tau2"], "tau2")
    _close(m.reml_criterion, r["reml_criterion"], "REML criterion")
    assert (m.n_participants, m.n_observations) == (r["n_participants"], r["n_observations"])
    ours = {e.week: e for e in m.effects}
    for effect in r["effects"]:
        if not effect["estimable"]:
            assert effect["week"] not in ours
            assert effect["week"] in [s.week for s in m.skipped]
            continue
        for key in ("estimate", "se", "ci_low", "ci_high"):
            _close(getattr(ours[effect["week"]], key), effect[key], f"lmer week {effect['week']} {key}")


def test_hedges_g_lists_the_sparse_weeks(report) -> None:  # type: ignore[no-untyped-def]
    left_out = {s.week for s in report.hedges_g.skipped}
    assert {5, 52} <= left_out
    assert all(w.week not in left_out for w in report.hedges_g.weeks)


def _app() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


def test_cli_reports_every_estimable_week_and_names_the_rest() -> None:
    out = CliRunner().invoke(_app(), ["analyse", "trial", str(HERE / "trial_interim.csv"), "--outcome", "epds",
                                      "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [e["week"] for e in data["ancova"]] == [r["week"] for r in R["ancova"] if r["estimable"]]
    assert data["weeks_left_out"]["ancova"][0]["week"] == 5
    assert data["no_baseline"] == R["no_baseline"]
    assert data["mixed_model"]["dropped_columns"] == R["mixed_model"]["dropped_columns"]
    text = CliRunner().invoke(_app(), ["analyse", "trial", str(HERE / "trial_interim.csv"), "--outcome", "epds"])
    assert "Not estimated: week 5" in text.stdout


def test_cli_maps_other_arm_labels_with_arms(tmp_path: Path) -> None:
    text = (HERE / "trial_interim.csv").read_text()
    path = tmp_path / "labels.csv"
    path.write_text(text.replace(",Control,", ",Usual care,").replace(",Intervention,", ",Massage,"))
    refused = CliRunner().invoke(_app(), ["analyse", "trial", str(path), "--outcome", "epds"])
    assert refused.exit_code == 2
    assert "map other labels with --arms" in refused.stderr
    mapped = CliRunner().invoke(_app(), ["analyse", "trial", str(path), "--outcome", "epds", "--format", "json",
                                         "--arms", "usual care=control, MASSAGE=intervention"])
    assert mapped.exit_code == 0, mapped.output
    original = CliRunner().invoke(_app(), ["analyse", "trial", str(HERE / "trial_interim.csv"), "--outcome", "epds",
                                           "--format", "json"])
    assert json.loads(mapped.stdout) == json.loads(original.stdout)
    bad = CliRunner().invoke(_app(), ["analyse", "trial", str(path), "--outcome", "epds", "--arms", "Massage"])
    assert bad.exit_code == 2
    assert "--arms: 'Massage' is not LABEL=control or LABEL=intervention" in bad.stderr
    assert "Traceback" not in bad.output


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.data())
def test_tiny_and_degenerate_trials_never_divide_by_zero(data: st.DataObject) -> None:
    """Any small data set is analysed (weeks left out with reasons) or refused with a message; never a crash."""
    n = data.draw(st.integers(1, 6))
    weeks = data.draw(st.lists(st.sampled_from([0, 5, 6, 13]), min_size=1, max_size=3, unique=True))
    rows = []
    for i in range(n):
        arm = data.draw(st.sampled_from(["control", "Intervention"]))
        for week in sorted({0, *weeks}):
            value = data.draw(st.one_of(st.none(), st.integers(0, 30)))
            rows.append({"participant": f"P{i}", "arm": arm, "week": str(week),
                         "epds": "" if value is None else str(value)})
    frame = pd.DataFrame(rows)
    refusal = ""
    try:
        result = analyse_trial(prepare_trial(frame, "epds"))
    except ZeroDivisionError:  # never
        raise
    except ValueError as error:
        refusal = str(error) or "(empty message)"
    if refusal:
        assert "(empty message)" not in refusal
        return
    report = result.intention_to_treat
    assert json.loads(to_json(report.as_dict())) is not None
    assert str(report.summary())
