"""Reading study data from CSV with metafor's column names, refusing bad input with the row and column named."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from bondwell.stats.effect_sizes import BINARY_COLUMNS, CONTINUOUS_COLUMNS, GENERIC_COLUMNS, EffectSizes, escalc

COLUMNS = {
    "SMD": CONTINUOUS_COLUMNS,
    "MD": CONTINUOUS_COLUMNS,
    "RR": BINARY_COLUMNS,
    "OR": BINARY_COLUMNS,
    "RD": BINARY_COLUMNS,
    "GEN": GENERIC_COLUMNS,
}
LABEL_COLUMN = "study"


class InputError(ValueError):
    """The file cannot be analysed; the message names the row and column."""


MAX_COUNT = 10_000_000  # participants per group: beyond any trial, and far below where the arithmetic fails


def read_effects(path: Path, measure: str) -> EffectSizes:
    """Parse and check `path`, then compute the effect sizes for `measure`."""
    needed = COLUMNS[measure]
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in needed if name not in header]
            if missing:
                raise InputError(
                    f"missing column {', '.join(missing)} (measure {measure} needs {', '.join(needed)})"
                )
            reader.fieldnames = header
            records = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"cannot read the file: {error}") from None
    if not records:
        raise InputError("no studies (the file has a header but no rows)")
    columns: dict[str, list[float]] = {name: [] for name in needed}
    labels: list[str] = []
    seen: dict[tuple[str, ...], int] = {}
    for row_number, record in enumerate(records, start=1):
        label = (record.get(LABEL_COLUMN) or "").strip() or f"Study {row_number}"
        labels.append(label)
        key = (label, *((record.get(name) or "").strip() for name in needed))
        if key in seen:
            raise InputError(f"row {row_number}: repeats row {seen[key]} ({label}); a study is pooled once")
        seen[key] = row_number
        for name in needed:
            value = _number(record.get(name), row_number, name)
            _check_value(measure, name, value, row_number)
            columns[name].append(value)
    if measure in ("RR", "OR", "RD"):
        for row_number, (a, b, c, d) in enumerate(zip(*(columns[n] for n in BINARY_COLUMNS), strict=True), start=1):
            if a + b == 0 or c + d == 0:
                raise InputError(f"row {row_number}, columns ai-di: a group without participants")
    try:
        return escalc(measure, slab=labels, **columns)
    except ValueError as error:
        raise InputError(str(error)) from None


def _number(text: str | None, row: int, column: str) -> float:
    raw = (text or "").strip()
    if not raw:
        raise InputError(f"row {row}, column {column}: empty cell (a number is required)")
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"row {row}, column {column}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"row {row}, column {column}: {raw!r} is not a finite number")
    return value


def _check_value(measure: str, column: str, value: float, row: int) -> None:
    where = f"row {row}, column {column}"
    if column in ("sd1i", "sd2i") and value < 0:
        raise InputError(f"{where}: negative standard deviation ({value:g})")
    if column in ("n1i", "n2i") and value < 2:
        raise InputError(f"{where}: group size must be at least 2 (got {value:g})")
    if column in ("n1i", "n2i", *BINARY_COLUMNS) and value > MAX_COUNT:
        raise InputError(f"{where}: {value:g} people is more than any study enrols (at most {MAX_COUNT:,})")
    if column in ("n1i", "n2i") and value != int(value):
        raise InputError(f"{where}: group size must be a whole number (got {value:g})")
    if column in BINARY_COLUMNS and (value < 0 or value != int(value)):
        raise InputError(f"{where}: counts must be whole numbers ≥ 0 (got {value:g})")
    if column == "vi" and value <= 0:
        what = "negative" if value < 0 else "zero"
        raise InputError(f"{where}: {what} sampling variance ({value:g}); variances must be positive")

