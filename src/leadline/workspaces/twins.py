"""Every page that shows data links its JSON twin: the API route answering from the same service.

One line per view, under :func:`~leadline.workspaces.access.workspace_view`::

    @workspace_view()
    @json_twin("/workspaces/{workspace}/raid")
    def register(request, access): ...

The page then answers with a ``Link: <…>; rel="alternate"; type="application/json"`` header and
shows a "JSON" link (``leadline/base.html`` reads :func:`twins_of` through the ``shell`` context
processor). The path is the API route's, after ``/api/v1``; ``{workspace}`` is the workspace's
slug and any other ``{name}`` the view's URL argument of that name. The page's query (its filters:
team, dates, types, …) is carried over, less what belongs to one page of HTML (``NOT_CARRIED``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse

from leadline.workspaces.services import Access

API_ROOT = "/api/v1"
# Query parameters that belong to the HTML page, not to the data: a download, a chart image,
# a table choice, a page number of a list, the team filter named for pages that have their own.
NOT_CARRIED = {"format", "chart", "table", "page"}

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Twin:
    """One JSON twin of a page: its URL and what it is (the link's text and title)."""

    url: str
    label: str = "JSON"
    title: str = "This page's data as JSON (the API route it comes from)"


def twin_url(request: HttpRequest, path: str, *, query: bool = True) -> str:
    """Return the API URL ``path`` (after ``/api/v1``) with the page's query carried over."""
    kept = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in NOT_CARRIED
        for value in values
    ]
    tail = urlencode(kept) if query else ""
    return API_ROOT + path + (f"?{tail}" if tail else "")


def twins_of(request: HttpRequest) -> list[Twin]:
    """Return the JSON twins the current page declared (none for a page without data)."""
    return list(getattr(request, "json_twins", []))


def link_header(twins: list[Twin]) -> str:
    """Return the ``Link`` header value naming each twin as the page's JSON alternate."""
    return ", ".join(f'<{t.url}>; rel="alternate"; type="application/json"' for t in twins)


def json_twin(*paths: str | tuple[str, str], query: bool = True) -> Callable[[View], View]:
    """Declare the API route(s) a workspace page is the HTML of (see the module docstring).

    Each path is an API path template, or (path, link text) where a page has several twins
    (the forecasts page: "when" and "how many"). ``query=False`` leaves the page's query off.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(
            request: HttpRequest, access: Access, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            names = {**kwargs, "workspace": access.workspace.slug}
            twins = []
            for entry in paths:
                path, label = (entry, "JSON") if isinstance(entry, str) else entry
                twins.append(Twin(twin_url(request, path.format(**names), query=query), label))
            request.json_twins = twins  # type: ignore[attr-defined]
            response = view(request, access, *args, **kwargs)
            if response.status_code == 200 and response.get("Content-Type", "").startswith(
                "text/html"
            ):
                response["Link"] = link_header(twins)
            return response

        return wrapped

    return decorate
