"""WSGI entry point for granian or gunicorn: `bondwell.wsgi:application`."""

from django.core.wsgi import get_wsgi_application

from bondwell.bootstrap import use_bondwell_settings

use_bondwell_settings()
application = get_wsgi_application()

from bondwell.web.warm import settle  # noqa: E402 (needs Django set up by the line above)

settle()
