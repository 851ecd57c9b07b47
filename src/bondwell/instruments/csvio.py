"""Reading response files into position matrices, and writing scored rows, fast enough for a million rows.

Input: a CSV file with a column `id` and columns `q1`..`qN` holding the printed option position (0 = top).
The reader keeps what it cannot convert (blanks, words, fractions) so that every bad cell can be reported with
the value the person actually typed.
"""

from __future__ import annotations

import json
import re
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
CHUNK_ROWS = 100_000  # progress is reported after each chunk


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
            ids.append(chunk["id"].fillna("").to_numpy(dtype=object))
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


def render(responses: Responses, bulk: BulkScores, rows: npt.NDArray[np.intp], output_format: str) -> str:
    """The scored rows as CSV (id,total,subscales,band,flags) or as a JSON list of objects.

    Every column holds few distinct values (totals 0..max, a handful of bands and flag sets), so each value
    is rendered once into a lookup table and rows are assembled from those strings: a million rows take well
    under a second, where per-row JSON or CSV writers take several.
    """
    as_json = output_format == "json"
    ids = _id_strings(responses.ids[rows], as_json)
    totals = _lookup([str(value) for value in range(bulk.instrument.max_total + 1)], bulk.totals[rows])
    bands = _lookup([_text(band.key, as_json) for band in bulk.instrument.bands], bulk.band_index[rows])
    flags = _flags_strings(bulk, rows, as_json)
    subscales = _subscale_strings(bulk, rows, as_json)
    columns = zip(ids, totals, subscales, bands, flags, strict=True)
    if as_json:
        objects = [
            f'{{"id": {i}, "total": {t}, "subscales": {s}, "band": {b}, "flags": {f}}}'
            for i, t, s, b, f in columns
        ]
        return "[\n" + ",\n".join(objects) + "\n]\n" if objects else "[]\n"
    lines = [f"{i},{t},{s},{b},{f}\n" for i, t, s, b, f in columns]
    return "id,total,subscales,band,flags\n" + "".join(lines)


def _lookup(table: list[str], codes: npt.NDArray[np.int64]) -> list[str]:
    rendered: list[str] = np.array(table, dtype=object)[codes].tolist()
    return rendered


def _text(value: str, as_json: bool) -> str:
    """A JSON string, or a CSV field (quoted only when it must be)."""
    if as_json:
        return json.dumps(value)
    if any(character in value for character in ',"\n\r') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


_JSON_UNSAFE = re.compile(r'[\x00-\x1f"\\\x7f]')


def _id_strings(ids: npt.NDArray[np.object_], as_json: bool) -> list[str]:
    values: list[str] = ids.tolist()  # the reader guarantees str (a blank id is "")
    joined = "".join(values)
    # The common case (plain identifiers) needs no escaping; checking the joined text is one fast scan.
    if as_json and not _JSON_UNSAFE.search(joined):
        return ['"' + value + '"' for value in values]
    if not as_json and not any(character in joined for character in ',"\n\r '):
        return values
    return [_text(value, as_json) for value in values]


def _flags_strings(bulk: BulkScores, rows: npt.NDArray[np.intp], as_json: bool) -> list[str]:
    names = sorted(bulk.flags)
    codes = np.zeros(len(rows), dtype=np.int64)
    for bit, name in enumerate(names):
        codes |= bulk.flags[name][rows].astype(np.int64) << bit
    combinations = range(1 << len(names))
    rendered = [json.dumps([f for bit, f in enumerate(names) if code >> bit & 1]) for code in combinations]
    return _lookup([text if as_json else _text(text, False) for text in rendered], codes)


def _subscale_strings(bulk: BulkScores, rows: npt.NDArray[np.intp], as_json: bool) -> list[str]:
    if not bulk.subscales:
        return ["{}"] * len(rows)
    keys = [subscale.key for subscale in bulk.instrument.subscales]
    values = np.stack([bulk.subscales[key][rows] for key in keys], axis=1)
    # Rows share few distinct subscale combinations: render each distinct one once (mixed-radix code).
    radix = values.max(axis=0, initial=0) + 1
    weights = np.concatenate([[1], np.cumprod(radix[:-1])]).astype(np.int64)
    distinct, inverse = np.unique(values @ weights, return_inverse=True)
    rendered = []
    for code in distinct.tolist():
        digits = [(code // int(weight)) % int(base) for weight, base in zip(weights, radix, strict=True)]
        text = json.dumps(dict(zip(keys, digits, strict=True)))
        rendered.append(text if as_json else _text(text, False))
    return _lookup(rendered, inverse.reshape(-1))
