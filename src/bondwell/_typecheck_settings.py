"""Settings for mypy's Django plugin only: the local configuration (DEBUG=1), as `make run` and the tests use.

Bondwell's settings default to production (DEBUG off needs SECRET_KEY); type checking needs no secrets.
"""

from bondwell.bootstrap import set_default

set_default("DEBUG", "1")

from bondwell.settings import *  # noqa: E402, F403
