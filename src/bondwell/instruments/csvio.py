"""Reading response files into position matrices, and writing scored rows, fast enough for a million rows.

Input: a CSV file with a column `id` and columns `q1`..`qN` holding the printed option position (0 = top).
The reader keeps what it cannot convert (blanks, words, fractions) so that every bad cell can be reported with
the value the person actually typed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import pandas as pd

from bondwell.instruments.bulk import BulkScores
from bondwell.instruments.model import Instrument, ItemProblem

MISSING = np.iinfo(np.int64).min  # a blank cell
NOT_A_NUMBER = MISSING + 1  # text, fractions: the raw text is kept in `raw_values`
CHUNK_ROWS = 250_000


class InputFileError(ValueError):
    """The file cannot be read as responses at all (missing columns, not CSV)."""


@dataclass
class Responses:
    ids: npt.NDArray[np.object_]
    positions: npt.NDArray[np.int64]
    raw_values: dict[tuple[int, int], str] = field(default_factory=dict)

    def problems_at(
        self, row: int, instrument: Instrument, cell_valid: npt.NDArray[np.bool_]
    ) -> list[ItemProblem]:
        problems = []
        for column in np.flatnonzero(~cell_valid[row]):
            item = instrument.items[column]
            value = int(self.positions[row, column])
            if value == MISSING:
                problems.append(ItemProblem(item.key, None, item.allowed_positions, "missing"))
            elif value == NOT_A_NUMBER:
                raw = self.raw_values[(row, int(column))]
                problems.append(ItemProblem(item.key, raw, item.allowed_positions, "not a whole number"))
            else:
                problems.append(ItemProblem(item.key, value, item.allowed_positions, "out of range"))
        return problems


def read_responses(
    path: Path, instrument: Instrument, on_progress: Callable[[int, int], None] | None = None
) -> Responses:
    """Read `path`; `on_progress(bytes_read, bytes_total)` is called after each chunk."""
    columns = ["id", *instrument.item_keys]
    total_bytes = path.stat().st_size
    ids: list[npt.NDArray[np.object_]] = []
    blocks: list[npt.NDArray[np.int64]] = []
    raw_values: dict[tuple[int, int], str] = {}
    offset = 0
    with path.open("rb") as handle:
        for chunk in _chunks(handle, columns):
            block, raw = _positions(chunk, instrument.item_keys)
            raw_values.update({(offset + row, column): text for (row, column), text in raw.items()})
            ids.append(chunk["id"].to_numpy(dtype=object))
            blocks.append(block)
            offset += len(chunk)
            if on_progress is not None:
                on_progress(handle.tell(), total_bytes)
    if not blocks:
        return Responses(np.empty(0, dtype=object), np.empty((0, len(columns) - 1), dtype=np.int64))
    return Responses(np.concatenate(ids), np.concatenate(blocks), raw_values)


def _chunks(handle: IO[bytes], columns: list[str]) -> Iterator[pd.DataFrame]:
    try:
        header = pd.read_csv(handle, nrows=0).columns
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputFileError(f"not a readable CSV file: {error}") from error
    missing = [column for column in columns if column not in header]
    if missing:
        expected = f"id and {columns[1]}..{columns[-1]}"
        raise InputFileError(f"missing column(s): {', '.join(missing)} (expected {expected})")
    handle.seek(0)
    reader = pd.read_csv(
        handle, usecols=columns, dtype={"id": str}, chunksize=CHUNK_ROWS, skipinitialspace=True
    )
    try:
        yield from reader
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputFileError(f"not a readable CSV file: {error}") from error


def _positions(
    chunk: pd.DataFrame, keys: tuple[str, ...]
) -> tuple[npt.NDArray[np.int64], dict[tuple[int, int], str]]:
    block = np.empty((len(chunk), len(keys)), dtype=np.int64)
    raw: dict[tuple[int, int], str] = {}
    for column, key in enumerate(keys):
        series = chunk[key]
        if pd.api.types.is_integer_dtype(series.dtype):
            block[:, column] = series.to_numpy(dtype=np.int64)
            continue
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        blank = series.isna().to_numpy()
        whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < 2**62)
        values = np.where(whole, numbers, 0).astype(np.int64)
        values[~whole] = NOT_A_NUMBER
        values[blank] = MISSING
        block[:, column] = values
        for row in np.flatnonzero(~whole & ~blank):
            raw[(int(row), column)] = str(series.iloc[row])
    return block, raw


def as_matrix(responses: Responses) -> npt.NDArray[np.int64]:
    return responses.positions


def _subscale_column(bulk: BulkScores, rows: npt.NDArray[np.intp]) -> pd.Series:
    if not bulk.subscales:
        return pd.Series(["{}"] * len(rows), dtype=object)
    text: pd.Series | None = None
    for key, values in bulk.subscales.items():
        part = pd.Series(values[rows]).astype(str)
        piece = f'"{key}": ' + part
        text = "{" + piece if text is None else text + ", " + piece
    assert text is not None
    return text + "}"


def _flags_column(bulk: BulkScores, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.object_]:
    names = sorted(bulk.flags)
    codes = np.zeros(len(rows), dtype=np.int64)
    for bit, name in enumerate(names):
        codes |= bulk.flags[name][rows].astype(np.int64) << bit
    # Few flags exist, so every combination is rendered once and looked up.
    combinations = range(1 << len(names))
    rendered = [json.dumps([f for bit, f in enumerate(names) if code >> bit & 1]) for code in combinations]
    table = np.array(rendered, dtype=object)
    result: npt.NDArray[np.object_] = table[codes]
    return result


def result_frame(responses: Responses, bulk: BulkScores, rows: npt.NDArray[np.intp]) -> pd.DataFrame:
    """One output row per selected response: id, total, subscales (JSON object), band, flags (JSON list)."""
    band_keys = np.array([band.key for band in bulk.instrument.bands], dtype=object)
    return pd.DataFrame(
        {
            "id": responses.ids[rows],
            "total": bulk.totals[rows],
            "subscales": _subscale_column(bulk, rows).to_numpy(dtype=object),
            "band": band_keys[bulk.band_index[rows]],
            "flags": _flags_column(bulk, rows),
        }
    )


def write_csv(frame: pd.DataFrame, out: IO[str]) -> None:
    frame.to_csv(out, index=False, lineterminator="\n")


def write_json(frame: pd.DataFrame, out: IO[str]) -> None:
    """A JSON list of objects; subscales and flags are already JSON text, so rows are assembled as strings."""
    ids = frame["id"].map(json.dumps)
    bands = frame["band"].map(json.dumps)
    rows = (
        '{"id": ' + ids + ', "total": ' + frame["total"].astype(str) + ', "subscales": ' + frame["subscales"]
        + ', "band": ' + bands + ', "flags": ' + frame["flags"] + "}"
    )
    out.write("[\n" + ",\n".join(rows.tolist()) + "\n]\n" if len(rows) else "[]\n")
