"""Spreadsheet cells that cannot run: every CSV and XLSX export writes its cells through this module.

A text cell starting with = + - @ (or a tab, carriage return or newline) is read by Excel, LibreOffice and
Google Sheets as a formula (`=HYPERLINK(...)`, DDE). Such text gets a leading apostrophe, the OWASP advice.
Numbers stay numbers, including text that is just a number ("-3", "+1.5").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    return [cell(v) for v in values]


def frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table with every text cell neutralised (numeric columns untouched)."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(cell)
    out.columns = [cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def mapping(values: dict[str, Any]) -> dict[str, Any]:
    return {key: cell(value) for key, value in values.items()}
