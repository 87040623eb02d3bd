"""Replay recorded API responses at the network edge through an ``httpx.MockTransport``.

Recordings are DevLake raw tables: one recorded item per row, the JSON in ``data`` and the
request URL in ``url``. Rows of one URL path form one list; the replay serves it in pages the
way the source paginates (Link headers, PagerDuty offset/more, Opsgenie paging.next), so the
client's real pagination runs over real bodies. Every request is kept for assertions.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
csv.field_size_limit(1 << 30)


def rows(path: Path) -> list[dict[str, str]]:
    """Read a raw-table recording."""
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def bodies(path: Path) -> list[Any]:
    """Return the recorded JSON body of every row, in file order."""
    return [json.loads(row["data"]) for row in rows(path)]


def bodies_by_path(path: Path) -> dict[str, list[Any]]:
    """Group recorded bodies by the URL path they were read from."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in rows(path):
        grouped[urlsplit(row["url"]).path].append(json.loads(row["data"]))
    return dict(grouped)


Pager = Callable[[httpx.Request, list[Any], int], httpx.Response]


def link_pages(request: httpx.Request, items: list[Any], size: int) -> httpx.Response:
    """Serve ``?page=N`` with a ``Link: rel="next"`` header while items remain (GitHub/GitLab)."""
    page = int(request.url.params.get("page", "1"))
    chunk = items[(page - 1) * size : page * size]
    headers = {}
    if page * size < len(items):
        headers["Link"] = f'<{request.url.copy_set_param("page", page + 1)}>; rel="next"'
    return httpx.Response(200, json=chunk, headers=headers)


def keyed_link_pages(key: str) -> Pager:
    """Like :func:`link_pages` with the list under ``key`` (GitHub Actions runs)."""

    def pager(request: httpx.Request, items: list[Any], size: int) -> httpx.Response:
        inner = link_pages(request, items, size)
        return httpx.Response(
            200, json={"total_count": len(items), key: inner.json()}, headers=inner.headers
        )

    return pager


def pagerduty_pages(request: httpx.Request, items: list[Any], size: int) -> httpx.Response:
    """Serve PagerDuty's ``offset``/``limit`` with ``more``."""
    offset = int(request.url.params.get("offset", "0"))
    limit = min(int(request.url.params.get("limit", str(size))), size)
    chunk = items[offset : offset + limit]
    more = offset + limit < len(items)
    return httpx.Response(
        200, json={"incidents": chunk, "offset": offset, "limit": limit, "more": more}
    )


def opsgenie_pages(request: httpx.Request, items: list[Any], size: int) -> httpx.Response:
    """Serve Opsgenie's ``offset``/``limit`` with ``paging.next``."""
    offset = int(request.url.params.get("offset", "0"))
    limit = min(int(request.url.params.get("limit", str(size))), size)
    chunk = items[offset : offset + limit]
    paging = {}
    if offset + limit < len(items):
        paging["next"] = str(request.url.copy_set_param("offset", offset + limit))
    return httpx.Response(200, json={"data": chunk, "paging": paging, "took": 0.01})


class Replay:
    """A MockTransport handler: routes by method and path, everything else answers 404."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {}
        self.requests: list[httpx.Request] = []

    def serve(
        self, path: str, items: list[Any], *, size: int = 100, pager: Pager = link_pages
    ) -> None:
        """Serve a list at a path, split into pages of ``size``."""
        self.routes[("GET", path)] = lambda request: pager(request, items, size)

    def respond(
        self, path: str, handler: Callable[[httpx.Request], httpx.Response], method: str = "GET"
    ) -> None:
        """Answer a path with a handler (errors, single objects, GraphQL)."""
        self.routes[(method, path)] = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        handler = self.routes.get((request.method, request.url.path))
        if handler is None:
            return httpx.Response(404, json={"message": f"not recorded: {request.url.path}"})
        return handler(request)

    @property
    def transport(self) -> httpx.MockTransport:
        """The transport to hand to a client."""
        return httpx.MockTransport(self)

    def paths(self) -> list[str]:
        """Return the path of every request made, in order."""
        return [r.url.path for r in self.requests]
