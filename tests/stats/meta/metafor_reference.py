"""Loading the R metafor reference values (tests/fixtures/metafor/*.json, made by make_fixtures.R)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from tests.tolerances import CLOSED_FORM_ATOL, CLOSED_FORM_RTOL

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "metafor"
DATASETS = ("bcg", "nielweise2007", "normand1999", "bangertdrowns2004", "sim_k3", "sim_k8", "sim_k40")

# The agreement with R: tests/tolerances.py (1e-6, relative for large numbers, absolute near zero).
RTOL = CLOSED_FORM_RTOL
ATOL = CLOSED_FORM_ATOL


@cache
def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def as_array(value: Any) -> np.ndarray:
    """R values as float arrays; R's NA (JSON null) becomes NaN."""
    values = value if isinstance(value, list) else [value]
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def assert_close(ours: Any, r_value: Any, what: str) -> None:
    expected = as_array(r_value)
    actual = np.atleast_1d(np.asarray(ours, dtype=np.float64))
    if r_value is None:  # R gives a single NA where a whole result does not exist (e.g. no PI for FE models)
        expected = np.full_like(actual, np.nan)
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, equal_nan=True, err_msg=what)
