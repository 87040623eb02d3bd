"""Replay DevLake's recorded Jira responses through an httpx.MockTransport.

Each recorded row holds one element of an API answer (one issue, one status, one history) with
the request URL; rows sharing a URL are reassembled into the page Jira sent.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

DEVLAKE = Path(__file__).parents[2] / "fixtures" / "jira" / "devlake"
JAM = Path(__file__).parents[2] / "fixtures" / "peers" / "jira-agile-metrics"
csv.field_size_limit(1 << 30)


def rows(name: str) -> list[dict[str, str]]:
    # one recording starts with a blank line before its header
    text = (DEVLAKE / name).read_text(encoding="utf-8").lstrip("\r\n")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def recorded_by_path(name: str) -> dict[str, list[Any]]:
    """Group a raw table's JSON bodies by request path (query left out)."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in rows(name):
        grouped[httpx.URL(row["url"]).path].append(json.loads(row["data"]))
    return grouped


def recorded_issues() -> list[dict[str, Any]]:
    return [json.loads(row["data"]) for row in rows("_raw_jira_api_issues.csv")]


def paged(elements: list[Any], request: httpx.Request, key: str) -> dict[str, Any]:
    """Serve elements as a startAt/maxResults page, like Jira does."""
    start = int(request.url.params.get("startAt", 0))
    size = int(request.url.params.get("maxResults", 50))
    chunk = elements[start : start + size]
    return {
        "startAt": start,
        "maxResults": size,
        "total": len(elements),
        "isLast": start + len(chunk) >= len(elements),
        key: chunk,
    }


class Recorder:
    """A MockTransport over the recordings that remembers every request it answered."""

    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.issues_by_path = recorded_by_path("_raw_jira_api_issues.csv")
        self.statuses = recorded_by_path("_raw_jira_api_status.csv")["/rest/api/2/status"]
        self.sprints = recorded_by_path("_raw_jira_api_sprints.csv")
        self.changelogs = recorded_by_path("_raw_jira_api_issue_changelogs.csv")
        self.fields = recorded_by_path("_raw_jira_api_issue_fields.csv")["/rest/api/2/field"]
        self.all_issues = recorded_issues()
        self.extra = extra or {}
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path in self.extra:
            return httpx.Response(200, json=self.extra[path](request))
        if path == "/rest/api/2/status":
            return httpx.Response(200, json=self.statuses)
        if path == "/rest/api/2/field":
            return httpx.Response(200, json=self.fields)
        if path in self.issues_by_path:
            return httpx.Response(200, json=paged(self.issues_by_path[path], request, "issues"))
        if path in self.sprints:
            return httpx.Response(200, json=paged(self.sprints[path], request, "values"))
        if path in self.changelogs:
            return httpx.Response(200, json=paged(self.changelogs[path], request, "values"))
        if path == "/rest/api/3/search/jql":
            return httpx.Response(200, json=self.token_page(request))
        if path in ("/rest/api/2/search", "/rest/api/3/search"):
            return httpx.Response(200, json=paged(self.all_issues, request, "issues"))
        return httpx.Response(404, json={"errorMessages": [f"no recording for {path}"]})

    def token_page(self, request: httpx.Request) -> dict[str, Any]:
        """Serve all recorded issues through Cloud's nextPageToken search."""
        size = int(request.url.params["maxResults"])
        start = int(request.url.params.get("nextPageToken") or 0)
        chunk = self.all_issues[start : start + size]
        more = start + size < len(self.all_issues)
        page: dict[str, Any] = {"issues": chunk, "isLast": not more}
        if more:
            page["nextPageToken"] = str(start + size)
        return page
