"""Error pages inside the layout: 403, 404 and 500.

The 404 and 403 pages render with the request (the shell's workspace switcher and navigation
work as on any page). The 500 page renders with an empty context and no context processors:
whatever failed (the database, a context processor) must not fail the error page too.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Say the page does not exist (or is not visible to this account) and where to go."""
    # The exception text is not shown: Django's own ("No RaidItem matches the given query.")
    # names internals; ours only repeat what the page says.
    return render(request, "leadline/errors/404.html", {"path": request.path}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Say what role the page needs; the services' PermissionDenied messages say it in words."""
    reason = str(exception or "") if exception is not None else ""
    return render(request, "leadline/errors/403.html", {"reason": reason}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page from the template alone: no request context, no database."""
    try:
        body = loader.get_template("leadline/errors/500.html").render({})
    except Exception:  # the layout itself failed: fall back to plain HTML
        logger.exception("the 500 page could not be rendered")
        body = "<!doctype html><title>Server error</title><h1>Something went wrong</h1>"
    return HttpResponseServerError(body)
