"""Scoring many responses at once with numpy: the path of the CLI's `bondwell score` (commands.py).

It must agree with `scoring.score` on every response (tests compare the two on every EPDS answer pattern). The
answers arrive as an integer matrix of printed option positions, one row per response and one column per item
in definition order; any value outside 0..n_options-1 (for example -1 for a blank) makes that cell invalid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bondwell.instruments.model import Instrument, ItemProblem, Score, ScoringError

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class BulkScores:
    """Scores of many responses. Totals, subscales and bands are meaningful only where `valid` is true; flags
    are computed from the valid cells of every row, so a partial row still raises its risk flags."""

    instrument: Instrument
    positions: IntArray
    cell_valid: BoolArray
    valid: BoolArray
    totals: IntArray
    subscales: dict[str, IntArray]
    band_index: IntArray  # index into instrument.bands, -1 where the row is invalid
    flags: dict[str, BoolArray]

    def __len__(self) -> int:
        return int(self.valid.shape[0])

    def flags_at(self, row: int) -> frozenset[str]:
        return frozenset(flag for flag, raised in self.flags.items() if raised[row])

    def problems_at(self, row: int) -> list[ItemProblem]:
        problems = []
        for column in np.flatnonzero(~self.cell_valid[row]):
            item = self.instrument.items[column]
            value = int(self.positions[row, column])
            problems.append(ItemProblem(item.key, value, item.allowed_positions, "out of range"))
        return problems

    def score_at(self, row: int) -> Score:
        """The per-response `Score` of one row (raises ScoringError for an invalid row)."""
        if not self.valid[row]:
            raise ScoringError(self.instrument.name, self.problems_at(row), flags=self.flags_at(row))
        subscales = {key: int(values[row]) for key, values in self.subscales.items()}
        subscale_bands = {
            subscale.key: next(b for b in subscale.bands if b.contains(subscales[subscale.key]))
            for subscale in self.instrument.subscales
            if subscale.bands
        }
        return Score(
            instrument=self.instrument.name,
            definition_version=self.instrument.version,
            profile=self.instrument.profile,
            total=int(self.totals[row]),
            subscales=subscales,
            band=self.instrument.bands[int(self.band_index[row])],
            flags=self.flags_at(row),
            subscale_bands=subscale_bands,
        )


def score_many(instrument: Instrument, matrix: npt.ArrayLike) -> BulkScores:
    """Score every row of `matrix` (shape: responses x items, printed option positions)."""
    positions = np.asarray(matrix)
    if positions.ndim != 2 or positions.shape[1] != len(instrument.items):
        raise ValueError(f"{instrument.name} needs a matrix with {len(instrument.items)} columns (q1..qN)")
    if not np.issubdtype(positions.dtype, np.integer):
        raise TypeError("positions must be integers; encode blanks as -1")
    positions = positions.astype(np.int64, copy=False)
    option_counts = np.array([len(item.options) for item in instrument.items], dtype=np.int64)
    width = int(option_counts.max())
    # One flat lookup table: row j holds the scores of item j's options in printed order.
    lookup = np.zeros((len(instrument.items), width), dtype=np.int64)
    for column, item in enumerate(instrument.items):
        lookup[column, : len(item.options)] = [option.score for option in item.options]
    cell_valid = (positions >= 0) & (positions < option_counts)
    offsets = np.arange(len(instrument.items), dtype=np.int64) * width
    scores = lookup.ravel()[np.where(cell_valid, positions, 0) + offsets]
    scores *= cell_valid  # invalid cells count as 0 so partial sums (for risk flags) stay correct
    valid: BoolArray = np.all(cell_valid, axis=1)
    totals = scores.sum(axis=1)
    columns = {key: index for index, key in enumerate(instrument.item_keys)}
    subscales = {
        subscale.key: scores[:, [columns[key] for key in subscale.items]].sum(axis=1)
        for subscale in instrument.subscales
    }
    minimums = np.array([band.minimum for band in instrument.bands], dtype=np.int64)
    band_index = np.where(valid, np.searchsorted(minimums, totals, side="right") - 1, -1)
    flags: dict[str, BoolArray] = {}
    for rule in instrument.rules:
        if rule.item is not None:
            fired = scores[:, columns[rule.item]] >= rule.at_least
        else:
            fired = subscales[str(rule.subscale)] >= rule.at_least
        flags[rule.flag] = flags[rule.flag] | fired if rule.flag in flags else fired
    return BulkScores(
        instrument=instrument,
        positions=positions,
        cell_valid=cell_valid,
        valid=valid,
        totals=totals,
        subscales=subscales,
        band_index=band_index,
        flags=flags,
    )
