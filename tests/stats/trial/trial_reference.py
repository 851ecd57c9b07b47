"""Reference values computed by R (tests/fixtures/trial/make_fixtures.R) and the tolerances, set here once."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tests.tolerances import CLOSED_FORM, ITERATIVE

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "trial"

# The agreement with R, declared in tests/tolerances.py (iterative lme4 fits, closed forms).
ITERATIVE_TOL = ITERATIVE
CLOSED_FORM_TOL = CLOSED_FORM


@cache
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "reference.json").read_text())
    return data
