"""WSGI entry point: `gunicorn leadline.wsgi` (what `leadline serve` runs)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadline.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Load the URL map now, not on the first request: importing every app's views and API
    routes (and building their schemas) takes about 1.5 s, which each web worker's first page
    paid (the benefits roadmap's first answer took 2.7 s, 1.8 s of it this). Done here, it is
    done once by the process `leadline serve` forks its workers from, or at a worker's start.
    It opens no database connection and starts no thread, so it is safe before a fork. The
    registries' modules (Radar rules, pack sections, home-page sources) are loaded here too:
    other processes load them when first read (:mod:`leadline.plugins`)."""
    from django.urls import get_resolver

    from leadline.plugins import load_all

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URL conf and mounts the API
    resolver.reverse_dict  # noqa: B018 - the reverse map every page's links read
    load_all()


warm_up()
