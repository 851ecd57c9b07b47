"""Forest plot (RoB columns, direction labels, no diamond below two studies), traffic lights and PRISMA."""

from __future__ import annotations

import pytest

from bondwell.evidence.pool import PoolRow, analysis
from bondwell.evidence.review import prisma
from bondwell.evidence.review.forest import forest_svg, traffic_light_svg

A = PoolRow("a", "Alpha 2020", 40, 8.0, 3.0, 40, 11.0, 3.5)
B = PoolRow("b", "Beta 2021", 60, 7.75, 2.18, 60, 9.2, 2.04)
ROB = {"a": {"tool": "rob2", "domains": {f"D{i}": "low" for i in range(1, 6)}, "overall": "low"},
       "b": {"tool": "rob2", "domains": {"D1": "high", "D2": "low", "D3": "low", "D4": "low", "D5": "low"},
             "overall": "high"}}  # fmt: skip


@pytest.mark.parametrize(("rows", "diamond"), [([A], False), ([A, B], True)])
def test_forest_draws_a_diamond_and_prediction_interval_only_from_two_studies(
    rows: list[PoolRow], diamond: bool
) -> None:
    svg = forest_svg(analysis("main", "All", rows), ROB)
    assert ("<polygon" in svg) is diamond
    assert ("95% prediction interval" in svg) is diamond
    assert ("Pooled" in svg) is diamond
    assert "← Favours massage" in svg
    assert "Favours comparator →" in svg
    assert svg.count("<circle") == 6 * len(rows)  # five RoB 2 domains and the overall judgement per study
    assert "<title>high</title>" in svg or len(rows) == 1


def test_traffic_lights_show_each_assessed_study() -> None:
    svg = traffic_light_svg([{"label": "Alpha 2020", "rob": ROB["a"]}, {"label": "Gamma", "rob": None}])
    assert "Alpha 2020 (RoB 2)" in svg
    assert "Gamma" not in svg
    assert traffic_light_svg([{"label": "Gamma", "rob": None}]) == ""


def test_prisma_counts_add_up_and_render() -> None:
    rows = [prisma.RecordState("PubMed", s, r) for s, r in [
        (prisma.DUPLICATE, "same DOI"), (prisma.TA_EXCLUDED, "off topic"), (prisma.SCREENING, ""),
        (prisma.FULL_TEXT, ""), (prisma.FT_EXCLUDED, "No comparison group"),
        (prisma.FT_EXCLUDED, "Full text could not be retrieved"), (prisma.INCLUDED, ""),
    ]] + [prisma.RecordState("CINAHL", prisma.INCLUDED)]  # fmt: skip
    c = prisma.count(rows)
    assert c.identified == {"CINAHL": 1, "PubMed": 7}
    assert (c.duplicates, c.screened, c.awaiting_screening, c.excluded_screening) == (1, 7, 1, 1)
    assert (c.sought, c.not_retrieved, c.assessed, c.awaiting_full_text) == (5, 1, 4, 1)
    assert c.excluded_full_text == {"No comparison group": 1}
    assert c.included == 2
    assert c.screened == c.awaiting_screening + c.excluded_screening + c.sought
    assert c.assessed == c.awaiting_full_text + sum(c.excluded_full_text.values()) + c.included
    assert "Reports not retrieved:" in prisma.svg(c)
    assert prisma.pdf(c).startswith(b"%PDF")
    with pytest.raises(ValueError, match="unknown record state"):
        prisma.count([prisma.RecordState("x", "lost")])
