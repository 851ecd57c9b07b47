"""Validated long-format trial data: one row per participant × week, week 0 is the baseline.

Every analysis in this package takes a `TrialData`, so the checks (and the error messages that name the bad
row and column) live in one place. Rows are numbered as a spreadsheet user sees them:
data row 1 is file line 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ARMS: tuple[str, str] = ("control", "intervention")
REQUIRED_COLUMNS: tuple[str, ...] = ("participant", "arm", "week")
DEFAULT_ADHERENCE_COLUMN = "adherence_minutes_per_week"
_MAX_PROBLEMS_SHOWN = 10


class TrialDataError(ValueError):
    """Input that cannot be analysed; `problems` lists each one, naming the row and column."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:_MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more problem(s)" if more else "")
        super().__init__(text)


@dataclass(frozen=True)
class TrialData:
    """Checked trial data.

    `frame` has columns participant (str), arm ("control"/"intervention"), week (int), value (float, the
    outcome; NaN where a visit is missing), baseline (the participant's week-0 value) and, when an adherence
    column was given, adherence (float).
    """

    frame: pd.DataFrame
    outcome: str

    @property
    def follow_up(self) -> pd.DataFrame:
        """Post-baseline rows that carry a measurement."""
        f = self.frame
        return f[(f["week"] > 0) & f["value"].notna()]

    @property
    def weeks(self) -> tuple[int, ...]:
        """Follow-up weeks with at least one measurement, in order."""
        return tuple(int(w) for w in np.sort(self.follow_up["week"].unique()))

    @property
    def n_participants(self) -> int:
        return int(self.frame["participant"].nunique())

    @property
    def modelled(self) -> pd.DataFrame:
        """Follow-up rows the baseline-adjusted models use: measured, with a baseline (R's na.omit)."""
        follow = self.follow_up
        return follow[follow["baseline"].notna()]

    @property
    def no_baseline(self) -> tuple[str, ...]:
        """Participants without a baseline value: left out of the ANCOVA and the mixed model, as R drops them."""
        f = self.frame
        return tuple(sorted(f.loc[f["baseline"].isna(), "participant"].unique()))


def _row_label(index: int) -> str:
    return f"row {index + 1} (line {index + 2})"


def _blank(raw: pd.Series) -> pd.Series:
    return raw.isna() | (raw.astype(str).str.strip() == "")


def _numeric(raw: pd.Series, column: str, problems: list[str]) -> pd.Series:
    values = pd.to_numeric(raw, errors="coerce")
    values = values.where(np.isfinite(values.to_numpy(dtype=float, na_value=np.nan)))
    bad = values.isna() & ~_blank(raw)
    for position in np.flatnonzero(bad.to_numpy()):
        problems.append(f"{_row_label(position)}, column '{column}': {raw.iloc[position]!r} is not a number")
    return values.astype(float)


def parse_arms(text: str) -> dict[str, str]:
    """'Usual care=control, Massage=intervention' -> {'usual care': 'control', 'massage': 'intervention'}."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        label, sep, arm = part.partition("=")
        arm = arm.strip().lower()
        if not sep or not label.strip() or arm not in ARMS:
            raise TrialDataError([f"--arms: {part.strip()!r} is not LABEL=control or LABEL=intervention"])
        mapping[label.strip().lower()] = arm
    if not mapping:
        raise TrialDataError(["--arms: give at least one LABEL=control or LABEL=intervention"])
    return mapping


def prepare_trial(
    frame: pd.DataFrame,
    outcome: str,
    adherence_column: str | None = None,
    arms: Mapping[str, str] | None = None,
) -> TrialData:
    """Check a long-format frame and attach each participant's baseline; raise `TrialDataError` if unusable.

    Blank outcome cells are missing visits. A blank (or absent) baseline is allowed: the participant's baseline
    is NaN and the baseline-adjusted models leave her out, as R's na.omit does (`TrialData.no_baseline`).
    Arm labels are matched case-insensitively ("Control" is control); `arms` maps other labels, case-insensitively,
    to "control" / "intervention". The row order is kept, so the row numbers in messages match the source file.
    """
    raw = frame.reset_index(drop=True)
    wanted = [*REQUIRED_COLUMNS, outcome] + ([adherence_column] if adherence_column else [])
    missing = [c for c in wanted if c not in raw.columns]
    if missing:
        found = ", ".join(repr(str(c)) for c in raw.columns)
        raise TrialDataError([f"header: missing column {c!r} (found {found})" for c in missing])

    problems: list[str] = []
    participant = raw["participant"].astype(str).str.strip()
    for position in np.flatnonzero(_blank(raw["participant"]).to_numpy()):
        problems.append(f"{_row_label(position)}, column 'participant': empty participant identifier")

    labels = {arm: arm for arm in ARMS} | {k.strip().lower(): v for k, v in (arms or {}).items()}
    arm = raw["arm"].astype(str).str.strip().str.lower().map(labels)
    for position in np.flatnonzero(arm.isna().to_numpy()):
        known = ", ".join(repr(label) for label in labels)
        problems.append(
            f"{_row_label(position)}, column 'arm': {raw['arm'].iloc[position]!r} is not an arm ({known}; "
            "map other labels with --arms LABEL=control,LABEL=intervention)"
        )

    week = _numeric(raw["week"], "week", problems)
    for position in np.flatnonzero(_blank(raw["week"]).to_numpy()):
        problems.append(f"{_row_label(position)}, column 'week': empty week")
    bad_week = week.notna() & ((week < 0) | (week != np.round(week)))
    for position in np.flatnonzero(bad_week.to_numpy()):
        problems.append(
            f"{_row_label(position)}, column 'week': {raw['week'].iloc[position]!r} is not a whole "
            "number >= 0"
        )

    value = _numeric(raw[outcome], outcome, problems)
    adherence = _numeric(raw[adherence_column], adherence_column, problems) if adherence_column else None
    if problems:
        raise TrialDataError(problems)

    clean = pd.DataFrame(
        {"participant": participant, "arm": arm, "week": week.astype(np.int64), "value": value}
    )
    if adherence is not None:
        clean["adherence"] = adherence
    _check_structure(clean, outcome, problems)
    if problems:
        raise TrialDataError(problems)

    if not (clean["week"].eq(0) & clean["value"].notna()).any():
        raise TrialDataError([f"column {outcome!r}: no participant has a baseline (week 0) value"])
    baseline_rows = clean[clean["week"] == 0].set_index("participant")["value"]
    clean["baseline"] = clean["participant"].map(baseline_rows).astype(float)
    return TrialData(frame=clean, outcome=outcome)


def _check_structure(clean: pd.DataFrame, outcome: str, problems: list[str]) -> None:
    duplicated = clean.duplicated(["participant", "week"], keep="first")
    first_seen = clean.drop_duplicates(["participant", "week"]).reset_index()
    first_row = first_seen.set_index(["participant", "week"])["index"]
    for position in np.flatnonzero(duplicated.to_numpy()):
        key = (clean["participant"].iloc[position], clean["week"].iloc[position])
        problems.append(
            f"{_row_label(position)}, columns 'participant', 'week': participant {key[0]!r} week {key[1]} "
            f"already given at {_row_label(int(first_row[key]))}"
        )

    arms_per_participant = clean.groupby("participant", sort=False)["arm"].nunique()
    for pid in arms_per_participant[arms_per_participant > 1].index:
        positions = np.flatnonzero((clean["participant"] == pid).to_numpy())
        first_arm = clean["arm"].iloc[positions[0]]
        conflict = next(p for p in positions if clean["arm"].iloc[p] != first_arm)
        problems.append(
            f"{_row_label(int(conflict))}, column 'arm': participant {pid!r} is in {first_arm!r} at "
            f"{_row_label(int(positions[0]))} but {clean['arm'].iloc[conflict]!r} here"
        )



def load_trial_csv(
    path: Path | str, outcome: str, adherence_column: str | None = None, arms: Mapping[str, str] | None = None
) -> TrialData:
    """Read a CSV as text (so every bad cell can be named) and check it with `prepare_trial`."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    return prepare_trial(frame, outcome, adherence_column, arms)
