"""Paired observations: two equal-length series with the pairs missing on either side dropped."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def complete_pairs(
    first: ArrayLike, second: ArrayLike, *, names: str, at_least: int, too_few: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The complete pairs of `first` and `second` (both finite), refused with `too_few` when fewer than
    `at_least` remain; `names` says what the two are in the message for mismatched input."""
    x = np.asarray(first, dtype=np.float64)
    y = np.asarray(second, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"{names} must be one-dimensional and of equal length")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size < at_least:
        raise ValueError(too_few)
    return x, y
