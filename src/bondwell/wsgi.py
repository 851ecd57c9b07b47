"""WSGI entry point for granian or gunicorn: `bondwell.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bondwell.settings")
application = get_wsgi_application()
