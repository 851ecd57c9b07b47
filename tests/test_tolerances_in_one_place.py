"""The agreement with R is declared once, in tests/tolerances.py: no test module sets a numeric tolerance of its own
under a TOL-like name (RTOL, ATOL, TOL, *_TOL)."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
OWN_TOLERANCE = re.compile(r"^\s*[A-Z_]*TOL[A-Z_]*\s*(?::[^=]+)?=\s*[0-9.]+(?:e-?\d+)?\s*(?:#.*)?$", re.MULTILINE)


def test_no_test_module_declares_its_own_tolerance() -> None:
    found = [
        f"{path.relative_to(TESTS)}: {match.group(0).strip()}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "tolerances.py"
        for match in OWN_TOLERANCE.finditer(path.read_text())
    ]
    assert not found, f"declare tolerances in tests/tolerances.py and import them: {found}"


def test_the_pattern_sees_a_declaration() -> None:
    assert OWN_TOLERANCE.search("TOL = 1e-6\n")
    assert OWN_TOLERANCE.search("ITERATIVE_TOL = 0.0001  # lme4\n")
    assert not OWN_TOLERANCE.search("TOL = CLOSED_FORM\n")
