"""Settings for mypy's Django plugin only: the local configuration (DEBUG=1), as `make run` and the tests use.

Bondwell's settings default to production (DEBUG off needs SECRET_KEY); type checking needs no secrets.
"""

import os

os.environ.setdefault("DEBUG", "1")

from bondwell.settings import *  # noqa: F403
