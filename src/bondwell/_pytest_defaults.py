"""Loaded by pytest before Django starts (`-p bondwell._pytest_defaults` in pyproject's addopts).

Bondwell's settings default to production (DEBUG off, which needs SECRET_KEY, BONDWELL_BASE_URL and HTTPS).
The test suite, like `make run`, runs the local configuration unless the environment says otherwise.
"""

import os

os.environ.setdefault("DEBUG", "1")
