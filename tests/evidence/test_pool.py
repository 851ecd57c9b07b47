"""Issue 14's finding: with two near-identical studies plain Hartung–Knapp gave an interval about five times
narrower than either study's. The pool now uses the ad hoc correction, never narrower than the z interval."""

from __future__ import annotations

import math

import pytest

from bondwell.evidence.pool import PoolRow, analysis, effect_words, prediction_words
from bondwell.stats.meta import escalc, rma

ONE = PoolRow("one", "One 2024", 40, 8.0, 3.0, 40, 11.0, 3.5)
TWIN = PoolRow("twin", "Twin 2025", 40, 8.01, 3.0, 40, 11.0, 3.5)


def _z_interval(rows: list[PoolRow]) -> tuple[float, float]:
    es = escalc("SMD", m1i=[r.mean_massage for r in rows], sd1i=[r.sd_massage for r in rows],
                n1i=[r.n_massage for r in rows], m2i=[r.mean_control for r in rows],
                sd2i=[r.sd_control for r in rows], n2i=[r.n_control for r in rows])  # fmt: skip
    fit = rma(es, method="REML", test="z")
    return fit.ci_low, fit.ci_high


def test_two_near_identical_studies_do_not_give_an_overconfident_interval() -> None:
    a = analysis("main", "All", [ONE, TWIN])
    z_low, z_high = _z_interval([ONE, TWIN])
    assert a["test"] == "adhoc"
    assert a["ci_low"] <= z_low
    assert a["ci_high"] >= z_high
    single = a["studies"][0]
    assert a["ci_high"] - a["ci_low"] > single["ci_high"] - single["ci_low"]  # t on 1 df: wider, not 5x narrower
    assert "would be expected to see some benefit" not in prediction_words(a)
    assert effect_words(a).startswith("Pooled from 2 studies")


def test_one_study_is_reported_as_its_own_result() -> None:
    a = analysis("main", "All", [ONE])
    assert "estimate" not in a
    text = effect_words(a)
    assert "pooled" not in text.lower()
    assert "One 2024" in text
    assert math.isclose(a["studies"][0]["weight"], 100.0)


def _study(key: str, design: str, rob: str, shift: float) -> dict[str, object]:
    return {"key": key, "label": key, "design": design, "rob": {"overall": rob}, "not_poolable_reason": "",
            "n_massage": 30, "mean_massage": 9.0 + shift, "sd_massage": 4.0,
            "n_control": 30, "mean_control": 11.0, "sd_control": 4.5}


def test_each_distinct_set_of_studies_is_fitted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from bondwell.evidence import pool

    calls: list[tuple[str, ...]] = []
    real = pool.fit_pool

    def spy(rows: list[PoolRow]) -> object:
        calls.append(tuple(r.key for r in rows))
        return real(rows)

    monkeypatch.setattr(pool, "fit_pool", spy)
    # Every study an RCT at low risk: the three analyses pool the same studies, so one fit serves all three.
    same = [_study("a", "rct", "low", 0.0), _study("b", "rct", "low", 1.0), _study("c", "rct", "low", -0.5)]
    results = pool.analyses(same)
    assert calls == [("a", "b", "c")]
    assert [a["estimate"] for a in results] == [results[0]["estimate"]] * 3
    # A non-randomised study at some risk: the two sensitivity analyses share their studies, so two fits.
    calls.clear()
    pool.analyses([*same[:2], _study("d", "quasi_experimental", "some_concerns", 0.5)])
    assert calls == [("a", "b", "d"), ("a", "b")]
