"""What every result object shares (metafor / statsmodels style): a printable, JSON-serialisable summary.

    res.summary()            # a Summary: print(res.summary()) gives the text report
    res.summary().to_dict()  # the numbers as plain JSON values (NaN and infinities become null)
    to_json(res)             # the one JSON serialiser for every result object of bondwell.stats

Pure: no Django, no matplotlib.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np


def jsonable(value: Any) -> Any:
    """Plain JSON values: dataclasses as dicts, arrays and tuples as lists, numpy scalars as Python numbers,
    NaN and ±inf as None, dates as ISO text. Objects with `to_dict()` are asked for it."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Summary):
        return value.to_dict()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return jsonable(to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


def to_json(value: Any, indent: int | None = 2) -> str:
    """The one JSON serialiser: strict JSON (no NaN), for any result object, summary or plain value."""
    return json.dumps(jsonable(value), indent=indent, allow_nan=False)


@dataclasses.dataclass(frozen=True)
class Summary:
    """A result's summary: `str()` / `print()` give the text report, `to_dict()` / `to_json()` the numbers."""

    text: str
    data: Mapping[str, Any]

    def __str__(self) -> str:
        return self.text

    def __contains__(self, fragment: str) -> bool:  # `"ANCOVA" in res.summary()` reads naturally
        return fragment in self.text

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = jsonable(self.data)
        return result

    def to_json(self, indent: int | None = 2) -> str:
        return to_json(self.data, indent)


def summary_of(result: Any, text: str) -> Summary:
    """The Summary of a result object: its text report and every field of it as data."""
    return Summary(text=text, data=jsonable(result))


class Reported:
    """A result object whose summary is its text report (`summary_text`) with every field of it as data."""

    def summary_text(self) -> str:
        raise NotImplementedError

    def summary(self) -> Summary:
        """Printable text report; `.to_dict()` / `.to_json()` give the numbers (bondwell.stats.results)."""
        return summary_of(self, self.summary_text())
