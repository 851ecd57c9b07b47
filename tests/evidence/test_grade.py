"""GRADE ratings from the analysis and the studies' risk of bias, with reasons in words."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.evidence.review.grade import rate


def _analysis(k: int, i2: float, ci: tuple[float, float], women: int, weights: list[float]) -> dict[str, Any]:
    studies = [{"key": f"s{i}", "weight": w, "ci_low": ci[0], "ci_high": ci[1]} for i, w in enumerate(weights)]
    return {"k": k, "i2": i2, "ci_low": ci[0], "ci_high": ci[1], "women": women, "studies": studies}


def _studies(designs: list[str], robs: list[str | None]) -> list[dict[str, Any]]:
    return [{"key": f"s{i}", "design": d, "rob": {"overall": r} if r else None}
            for i, (d, r) in enumerate(zip(designs, robs, strict=True))]  # fmt: skip


@pytest.mark.parametrize(
    ("designs", "robs", "i2", "ci", "women", "certainty", "downs"),
    [
        (["rct", "rct"], ["low", "low"], 10, (-0.9, -0.2), 500, "high", {}),
        (["rct", "rct"], ["low", "some_concerns"], 10, (-0.9, -0.2), 500, "high", {}),  # 50% is not "more than half"
        (["rct", "rct"], ["some_concerns", "high"], 10, (-0.9, -0.2), 500, "moderate", {"risk of bias": 1}),
        (["rct", "rct"], ["high", "high"], 10, (-0.9, -0.2), 500, "low", {"risk of bias": 2}),
        (["rct", "rct"], ["low", "low"], 60, (-0.9, -0.2), 500, "moderate", {"inconsistency": 1}),
        (["rct", "rct"], ["low", "low"], 80, (-0.9, -0.2), 500, "low", {"inconsistency": 2}),
        (["rct", "rct"], ["low", "low"], 10, (-0.9, 0.2), 500, "moderate", {"imprecision": 1}),
        (["rct", "rct"], ["low", "low"], 10, (-0.9, 0.2), 200, "low", {"imprecision": 2}),
        (["rct", "quasi_experimental"], ["low", "low"], 10, (-0.9, -0.2), 500, "low", {}),
        (
            ["rct", "rct"],
            ["high", "high"],
            80,
            (-0.9, 0.2),
            200,
            "very low",
            {"risk of bias": 2, "inconsistency": 2, "imprecision": 2},
        ),
    ],
)
def test_ratings_follow_the_stated_rules(
    designs: list[str],
    robs: list[str | None],
    i2: float,
    ci: tuple[float, float],
    women: int,
    certainty: str,
    downs: dict[str, int],
) -> None:
    rating = rate(_analysis(2, i2, ci, women, [50.0, 50.0]), _studies(designs, robs))
    assert rating is not None
    assert rating.certainty == certainty
    assert {d.name: d.down for d in rating.domains if d.down} == downs
    assert all(d.reason for d in rating.domains)


def test_one_study_and_no_study() -> None:
    one = rate(_analysis(1, 0, (-1.05, -0.31), 120, [100.0]), _studies(["rct"], [None]))
    assert one is not None
    assert [d.reason for d in one.domains if d.name == "inconsistency"] == ["Cannot be judged from one study."]
    assert one.certainty == "low"  # not judged for bias (−1) and 120 women (−1)
    assert rate({"k": 0, "studies": []}, []) is None
