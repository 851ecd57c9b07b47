"""A locked Bondwell study joins the review in one step, with its own numbers labelled as unpublished data."""

from __future__ import annotations

import hashlib
import statistics
from typing import Any

import pytest

from bondwell.evidence import services
from bondwell.evidence.review import prisma
from bondwell.evidence.review.site_study import weeks_with_both_arms

studies_models = pytest.importorskip("bondwell.studies.models")
if not hasattr(studies_models, "DatabaseLock"):
    pytest.skip("the studies app has no database lock yet (issue 13)", allow_module_level=True)

EPDS = {("intervention", 6): [8, 10, 7, 9], ("control", 6): [12, 11, 14, 13], ("intervention", 13): [6, 9],
        ("control", 13): [12]}  # fmt: skip


def _snapshot() -> str:
    from bondwell.studies.frame import COLUMNS

    lines = [",".join(COLUMNS)]
    pid = 0
    for arm in ("intervention", "control"):
        for i in range(4):
            pid += 1
            for week in (0, 6, 13):
                values = EPDS.get((arm, week)) if week else [16] * 4
                value = values[i] if values is not None and i < len(values) else ""
                row = {"participant": f"P{pid}", "site": "A", "arm": arm, "week": str(week), "epds": str(value),
                       "baseline_epds": "16", "shift": "0", "status": "active"}  # fmt: skip
                lines.append(",".join(row.get(c, "") for c in COLUMNS))
    return "\n".join(lines) + "\n"


@pytest.fixture
def locked_study(world: Any, shipped: Any) -> Any:
    from tests.studies.factory import recruiting_study

    study = recruiting_study(world, code="SITE1", title="Massage at our site")
    studies_models.Study.objects.filter(pk=study.pk).update(status="closed")
    text = _snapshot()
    studies_models.DatabaseLock.objects.create(
        study=study, locked_by=world.users["site_lead"], reason="last window closed", snapshot=text,
        snapshot_sha256=hashlib.sha256(text.encode()).hexdigest(), n_participants=8, n_rows=24,
    )  # fmt: skip
    return studies_models.Study.objects.get(pk=study.pk)


def test_a_locked_study_is_added_in_one_step_with_its_own_numbers(world: Any, locked_study: Any) -> None:
    review = services.shipped_review()
    assert locked_study in services.locked_studies()
    record = services.add_site_study(review, locked_study, by=world.users["researcher"])
    assert record.state == prisma.INCLUDED
    assert record.site_own_data
    data = record.agreed
    assert data["time_point"] == "week 6"  # week 13 has one control mother: not both arms measured
    assert data["n_massage"] == 4
    assert data["mean_massage"] == pytest.approx(statistics.mean(EPDS[("intervention", 6)]))
    assert data["sd_control"] == pytest.approx(statistics.stdev(EPDS[("control", 6)]))
    assert "this site's own unpublished data" in data["label"]
    assert "database locked" in data["source"]
    with pytest.raises(services.ReviewError, match="already in the review"):
        services.add_site_study(review, locked_study, by=world.users["researcher"])


def test_weeks_need_both_arms() -> None:
    class T:
        def __init__(self, arm: str, week: int, n: int) -> None:
            self.arm, self.week, self.n, self.mean, self.sd = arm, week, n, 10.0, 2.0

    rows = [T("intervention", 0, 4), T("control", 0, 4), T("intervention", 6, 3), T("control", 6, 2),
            T("intervention", 13, 3), T("control", 13, 1)]  # fmt: skip
    assert weeks_with_both_arms(rows) == [6]
