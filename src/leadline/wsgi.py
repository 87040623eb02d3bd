"""WSGI entry point: `gunicorn leadline.wsgi` (what `leadline serve` runs)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadline.settings")
application = get_wsgi_application()
