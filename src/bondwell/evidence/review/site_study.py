"""A Bondwell study whose database is locked, as one study of the review: its own per-arm EPDS numbers.

The numbers are the study's own analysis of its locked snapshot (`bondwell.studies.analysis.trajectories`:
women measured, mean and SD of the EPDS per arm and week); this module only picks the week and labels the
result as the site's own unpublished data. No Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class TrajectoryLike(Protocol):
    @property
    def arm(self) -> str: ...
    @property
    def week(self) -> int: ...
    @property
    def n(self) -> int: ...
    @property
    def mean(self) -> float: ...
    @property
    def sd(self) -> float: ...


@dataclass(frozen=True)
class SiteStudy:
    code: str
    title: str
    randomised: bool
    arm_labels: Mapping[str, str]
    locked_on: str
    snapshot_sha256: str
    n_participants: int


def weeks_with_both_arms(trajectories: Iterable[TrajectoryLike]) -> list[int]:
    """Follow-up weeks (after baseline) at which both arms have at least two women measured."""
    arms: dict[int, set[str]] = {}
    for t in trajectories:
        if t.week > 0 and t.n >= 2:
            arms.setdefault(t.week, set()).add(t.arm)
    return sorted(w for w, found in arms.items() if {"intervention", "control"} <= found)


def extraction(study: SiteStudy, trajectories: Iterable[TrajectoryLike], week: int | None) -> dict[str, Any]:
    """The agreed extraction of the site's study at `week` (default: the last week with both arms measured)."""
    rows = list(trajectories)
    weeks = weeks_with_both_arms(rows)
    chosen = week if week is not None else (weeks[-1] if weeks else None)
    by_arm = {t.arm: t for t in rows if t.week == chosen}
    source = (f"Bondwell study {study.code}: its own analysis of the database locked on {study.locked_on} "
              f"(snapshot SHA-256 {study.snapshot_sha256[:16]}), EPDS at week {chosen} per arm")  # fmt: skip
    data: dict[str, Any] = {
        "label": f"{study.code} (this site's own unpublished data)", "citation": f"{study.title}. Bondwell study "
        f"{study.code}, unpublished; database locked {study.locked_on}.", "link": "", "year": None,
        "design": "rct" if study.randomised else "pre_post", "country": "", "population": (
            f"{study.n_participants} mothers in the locked database"), "pnd_definition": "As the study's eligibility "
        "(EPDS at screening)", "dose": study.arm_labels.get("intervention", "Infant massage"),
        "comparator": study.arm_labels.get("control", "none (single arm)"),
        "time_point": f"week {chosen}" if chosen is not None else "no follow-up week with both arms measured",
        "source": source, "not_poolable_reason": "",
    }  # fmt: skip
    for arm, suffix in (("intervention", "massage"), ("control", "control")):
        t = by_arm.get(arm)
        data[f"n_{suffix}"] = t.n if t is not None and chosen in weeks else None
        data[f"mean_{suffix}"] = round(t.mean, 6) if t is not None and chosen in weeks else None
        data[f"sd_{suffix}"] = round(t.sd, 6) if t is not None and chosen in weeks else None
    if not study.randomised:
        data["not_poolable_reason"] = "Single-arm study: no comparison group."
    elif chosen not in weeks:
        data["not_poolable_reason"] = f"Week {chosen}: fewer than two women measured in one of the arms."
    return data
