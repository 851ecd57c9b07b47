"""Loaded by pytest before Django starts (`-p bondwell._pytest_defaults` in pyproject's addopts).

Bondwell's settings default to production (DEBUG off, which needs SECRET_KEY, BONDWELL_BASE_URL and HTTPS).
The test suite, like `make run`, runs the local configuration unless the environment says otherwise.
"""

from bondwell.bootstrap import set_default

set_default("DEBUG", "1")
