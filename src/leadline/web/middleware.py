"""Middleware for every page and API call.

- ``display_time_zone``: show times in the signed-in person's time zone (Settings → Profile).
  Times are stored in UTC. Pages show them in the account's own time zone; without one, a
  workspace page uses the workspace's (:func:`leadline.workspaces.access.workspace_view`), and any
  other page the server's ``LEADLINE_TIME_ZONE``. Which *day* a delivery figure counts in is
  always the workspace's, whoever looks (see ``Workspace.tz``).
- ``RejectNulMiddleware``: refuse U+0000 anywhere in a request, with a clear 4xx.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.html import escape

from leadline.workspaces.models import Profile

NUL = "\x00"
NUL_MESSAGE = "contains the NUL character (U+0000), which Leadline does not accept in any text."


def nul_problems(request: HttpRequest) -> dict[str, list[str]]:
    """Return {parameter: [message]} for each place of the request that holds U+0000: the
    path, a query parameter, or a form field (not uploaded files, which their import reads)."""
    problems: dict[str, list[str]] = {}
    if NUL in unquote(request.path_info):
        problems["path"] = [f"The address {NUL_MESSAGE}"]
    sources = [request.GET]
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        try:
            sources.append(request.POST)
        except MultiPartParserError:
            return {"body": ["The form data could not be read (a malformed multipart body)."]}
    for data in sources:
        for key, values in data.lists():
            if NUL in key or any(NUL in v for v in values if isinstance(v, str)):
                name = key.replace(NUL, "\\u0000")
                problems[name] = [f"{name} {NUL_MESSAGE}"]
    return problems


class RejectNulMiddleware:
    """Refuse a request whose path, query or form holds U+0000 with a clear 4xx.

    PostgreSQL cannot store the character at all (every such request was a 500) and SQLite
    stores it silently; no person types it. The API answers 422 in its error format naming
    the parameter, a page 400 naming it. JSON bodies are checked by the API's input schemas.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problems = nul_problems(request)
        if not problems:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            body = json.dumps({"detail": "Invalid input", "errors": problems})
            return HttpResponse(body, status=422, content_type="application/json")
        return bad_request(" ".join(m for ms in problems.values() for m in ms))


def bad_request(message: str) -> HttpResponse:
    """Return a 400 page that says what is wrong (the message is escaped)."""
    return HttpResponseBadRequest(
        f"<!doctype html><title>Bad request</title><h1>Bad request</h1><p>{escape(message)}</p>"
    )


def display_time_zone(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[..., HttpResponse]:
    """Activate the account's display time zone for the request (and reset it after)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        name = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            name = (
                Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
                or ""
            )
        request.display_time_zone = name  # type: ignore[attr-defined]
        if name:
            timezone.activate(ZoneInfo(name))
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
