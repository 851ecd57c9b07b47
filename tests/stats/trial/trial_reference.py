"""Reference values computed by R (tests/fixtures/trial/make_fixtures.R) and the tolerances, set here once."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "trial"

# lme4 stops its optimiser at ~1e-6 in theta, so iterative results agree to this:
ITERATIVE_TOL = 1e-4
# lm, t.test, escalc and power.t.test are closed forms (up to a noncentral t): agree to this.
CLOSED_FORM_TOL = 1e-6


@cache
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "reference.json").read_text())
    return data
