"""The review workflow through its services: import, two-reviewer screening with a conflict, extraction,
RoB 2, publishing; the published version changes only on publish and PRISMA counts equal the records' states."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bondwell.accounts.models import User
from bondwell.evidence import services
from bondwell.evidence.models import Record, ReviewVersion
from bondwell.evidence.review import citations, prisma, screening

FIXTURES = Path(__file__).parents[1] / "fixtures" / "evidence"
TA, FT = screening.TITLE_ABSTRACT, screening.FULL_TEXT
LOW_ROB2 = {"1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "N", "2.2": "N", "2.6": "Y", "3.1": "Y", "4.1": "N",
            "4.2": "N", "4.3": "N", "5.1": "Y", "5.2": "N", "5.3": "N"}  # fmt: skip
EXTRACTION = {"label": "Testwell 2025", "design": "rct", "country": "Ireland", "population": "", "dose": "",
              "pnd_definition": "EPDS 13 or more", "comparator": "routine care", "time_point": "6 weeks",
              "n_massage": 40, "mean_massage": 8.0, "sd_massage": 3.0, "n_control": 40, "mean_control": 11.0,
              "sd_control": 3.5, "source": "Table 2", "not_poolable_reason": ""}  # fmt: skip


@pytest.fixture
def team(shipped: Any) -> tuple[Any, Any]:
    a = User.objects.create_user("a@review.test", "pw-a-long-enough", full_name="Ann Reviewer", role="researcher")
    b = User.objects.create_user("b@review.test", "pw-b-long-enough", full_name="Ben Reviewer", role="researcher")
    return a, b


def _counts() -> prisma.Counts:
    rows = Record.objects.filter(review=services.shipped_review())
    return prisma.count(prisma.RecordState(r.source, r.state, r.state_reason) for r in rows)


def test_a_malformed_file_adds_nothing(team: Any) -> None:
    before = Record.objects.count()
    with pytest.raises(citations.ImportRefused, match="Record 2, field PY"):
        citations.parse("bad.ris", b"TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\nPY  - 19x9\nER  - \n")
    assert Record.objects.count() == before


def test_the_review_from_import_to_publication(team: Any) -> None:
    ann, ben = team
    review = services.shipped_review()
    v1 = services.latest_version(review)
    assert v1 is not None
    assert v1.number == 1
    found = citations.parse("search.ris", (FIXTURES / "search.ris").read_bytes())
    search = services.import_search(review, by=ann, source="PubMed", filename="search.ris", fmt="ris", citations=found)
    # Onozawa 2001 is already in the review (same DOI) and the last record repeats the Testwell trial.
    assert search.duplicates == 2
    trial = Record.objects.get(review=review, doi="10.9999/testwell.2025")
    sleep = Record.objects.get(review=review, title__startswith="Infant massage and infant sleep")
    services.decide_record(trial, by=ann, stage=TA, include=True, reason="")
    services.decide_record(trial, by=ben, stage=TA, include=True, reason="")
    services.decide_record(sleep, by=ann, stage=TA, include=False, reason="No maternal depression outcome")
    services.decide_record(sleep, by=ben, stage=TA, include=True, reason="")
    sleep.refresh_from_db()
    assert services.stage_status(sleep, TA) == screening.Status.CONFLICT
    services.resolve_record(sleep, by=ann, stage=TA, include=False, reason="No maternal depression outcome")
    with pytest.raises(screening.ScreeningError):
        services.decide_record(trial, by=ann, stage=FT, include=False, reason="")  # an exclusion without a reason
    services.decide_record(trial, by=ann, stage=FT, include=True, reason="")
    services.decide_record(trial, by=ben, stage=FT, include=True, reason="")
    trial.refresh_from_db()
    assert trial.state == prisma.INCLUDED
    assert services.extract_record(trial, EXTRACTION, by=ann) is False
    assert services.extract_record(trial, {**EXTRACTION, "sd_control": 3.6}, by=ben) is False
    services.agree_extraction(trial, EXTRACTION, by=ann)
    services.judge_risk_of_bias(trial, by=ann, tool="rob2", answers=LOW_ROB2)
    # Nothing public has changed yet.
    assert services.latest_version(review) == v1
    v2 = services.publish_review(review, by=ben, note="Adds Testwell 2025")
    assert v2.number == 2
    assert any("Study added: Testwell 2025" in line for line in v2.changes)
    main = v2.snapshot["analyses"][0]
    assert main["k"] == 2
    assert main["test"] == "adhoc"
    low = next(a for a in v2.snapshot["analyses"] if a["name"] == "low_risk")
    assert low["k"] == 1
    # PRISMA counts in the version equal the records' states.
    counts = _counts()
    assert v2.snapshot["prisma"] == counts.as_dict()
    states = {s: Record.objects.filter(review=review, state=s).count() for s in prisma.STATES}
    assert counts.duplicates == states[prisma.DUPLICATE] == 2
    assert counts.excluded_screening == states[prisma.TA_EXCLUDED] == 1
    assert counts.included == states[prisma.INCLUDED]
    assert sum(counts.identified.values()) == Record.objects.filter(review=review).count()
    with pytest.raises(PermissionError):
        ReviewVersion.objects.filter(pk=v2.pk).update(note="edited")


def test_the_shipped_version_lists_exclusions_and_pools_nothing_from_one_study(shipped: Any) -> None:
    v1 = services.latest_version(services.shipped_review())
    assert v1 is not None
    excluded = {e["key"]: e["reason"] for e in v1.snapshot["excluded"]}
    assert excluded["nct06475885"] == "Mothers not selected for postnatal depression"
    assert "midtsund2019" in excluded
    main = v1.snapshot["analyses"][0]
    assert main["k"] == 1
    assert "estimate" not in main
    assert "pi_low" not in main
    claims = {s["key"]: s["geary_2023"] for s in v1.snapshot["studies"]}
    assert claims["onozawa2001"] == claims["ohiggins2008"] == "whether Geary 2023 included it is not verified"
    ohiggins = next(s for s in v1.snapshot["studies"] if s["key"] == "ohiggins2008")
    assert "Taylor" not in ohiggins["citation"]
