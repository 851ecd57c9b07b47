"""How closely Bondwell's statistics must agree with R: declared here once, used by every R-comparison test.

The reference values are computed by the R scripts beside the fixtures (tests/fixtures/*/make_fixtures.R) and
stored as JSON with full precision.
"""

from __future__ import annotations

# Closed forms (metafor's escalc and rma with REML/Hartung–Knapp, lm, confint, predict, t.test, power.t.test):
# agreement to 1e-6, relative for large numbers and absolute near zero.
CLOSED_FORM_RTOL = 1e-6
CLOSED_FORM_ATOL = 1e-6
CLOSED_FORM = CLOSED_FORM_ATOL

# Iterative fits (lme4's REML mixed model, the interim analysis built on it): lme4 stops its optimiser at about
# 1e-6 in theta, so the estimates agree to 1e-4.
ITERATIVE = 1e-4
