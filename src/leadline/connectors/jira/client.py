"""Read Jira Cloud (REST v3, email + API token) and Data Center (REST v2, bearer PAT).

Issues come page by page with their changelogs expanded; an issue whose embedded changelog is
cut short (``total`` > histories) has the rest paged in from ``/issue/{key}/changelog`` (Cloud)
or re-read with ``expand=changelog`` (Data Center). Nothing is held beyond one page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any, Literal

import httpx

from leadline.connectors.http import (
    HttpClient,
    MalformedResponse,
    basic_auth_headers,
    bearer_auth_headers,
    json_kind,
)
from leadline.connectors.jira.mapping import (
    FieldIds,
    JiraImplausible,
    field_ids_from_fields,
    item_from_issue,
    sprints_from_response,
    statuses_from_response,
)
from leadline.records import SprintRecord, StatusRecord, WorkItemRecord

Deployment = Literal["cloud", "datacenter"]
SearchApi = Literal["jql", "classic"]
_ORDER_BY = re.compile(r"\border\s+by\b", re.I)


def jql_since(jql: str, since: datetime | None, *, tz: tzinfo = UTC) -> str:
    """Add ``updated >= "<since>"`` to a JQL query, keeping its ORDER BY last.

    JQL reads dates in the Jira user's time zone at minute precision, so ``since`` is converted
    to ``tz`` (the user's zone) and floored to the minute: an overlap is harmless because
    imports are idempotent, a gap would lose changes.
    """
    if since is None:
        return jql
    if since.tzinfo is None:
        raise ValueError("since must be timezone-aware")
    stamp = since.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    match = _ORDER_BY.search(jql)
    where, order = (jql[: match.start()], jql[match.start() :]) if match else (jql, "")
    where = where.strip()
    clause = f'updated >= "{stamp}"' + (f" AND ({where})" if where else "")
    return f"{clause} {order}".strip()


class JiraClient:
    """Search issues, statuses and sprints of one Jira site; yield normalized records."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        email: str | None = None,
        deployment: Deployment | None = None,
        search_api: SearchApi | None = None,
        page_size: int = 100,
        source: str = "jira",
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = 5,
    ) -> None:
        self.deployment: Deployment = deployment or ("cloud" if email else "datacenter")
        if self.deployment == "cloud" and not email:
            raise ValueError("Jira Cloud needs the account email with the API token")
        headers = basic_auth_headers(email, token) if email else bearer_auth_headers(token)
        self.api = "/rest/api/3" if self.deployment == "cloud" else "/rest/api/2"
        self.search_api: SearchApi = search_api or (
            "jql" if self.deployment == "cloud" else "classic"
        )
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.source = source
        self.http = HttpClient(
            self.base_url, headers, transport=transport, sleep=sleep, max_retries=max_retries
        )
        self._field_ids: FieldIds | None = None
        # Issues left out for a date outside leadline.bounds: (where, why).
        self.rejected: list[tuple[str, str]] = []

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.http.close()

    def __enter__(self) -> JiraClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- records ------------------------------------------------------------------------------

    def iter_item_batches(
        self,
        jql: str,
        *,
        since: datetime | None = None,
        board_id: int | None = None,
        tz: tzinfo = UTC,
    ) -> Iterator[list[WorkItemRecord]]:
        """Yield the matching issues as records, one list per fetched page (incremental: since)."""
        field_ids = self.field_ids()
        for issues in self.search_pages(jql_since(jql, since, tz=tz), board_id=board_id):
            batch = []
            for issue in issues:
                try:
                    batch.append(
                        item_from_issue(
                            issue, source=self.source, field_ids=field_ids, base_url=self.base_url
                        )
                    )
                except JiraImplausible as error:
                    self.rejected.append((f"issue {error.key}", str(error)))
            yield batch

    def statuses(self, project: str = "") -> list[StatusRecord]:
        """Return every status of the site with the category Jira gives it."""
        data = self.http.get_json("/rest/api/2/status")
        if not isinstance(data, list):
            raise MalformedResponse(f"GET {self.base_url}/rest/api/2/status: expected a list")
        return statuses_from_response(data, source=self.source, project=project)

    def sprints(self, board_id: int) -> Iterator[SprintRecord]:
        """Yield every sprint of a board (agile API, startAt pages until isLast)."""
        path = f"/rest/agile/1.0/board/{board_id}/sprint"
        for page in self._start_at_pages(path, {}, "values"):
            yield from sprints_from_response(page, source=self.source)

    def field_ids(self) -> FieldIds:
        """Return where this site keeps sprint, epic, rank, flag and story points (cached)."""
        if self._field_ids is None:
            data = self.http.get_json("/rest/api/2/field")
            self._field_ids = field_ids_from_fields(data) if isinstance(data, list) else FieldIds()
        return self._field_ids

    # -- raw pages ----------------------------------------------------------------------------

    def search_pages(
        self, jql: str, *, board_id: int | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield raw issues page by page, each with its complete changelog."""
        params: dict[str, Any] = {"jql": jql, "expand": "changelog", "fields": "*all"}
        if board_id is not None:
            pages = self._start_at_pages(
                f"/rest/agile/1.0/board/{board_id}/issue", params, "issues"
            )
        elif self.search_api == "jql":
            pages = self._token_pages(f"{self.api}/search/jql", params)
        else:
            pages = self._start_at_pages(f"{self.api}/search", params, "issues")
        for page in pages:
            yield [self._complete_changelog(issue) for issue in page.get("issues", [])]

    def changelog(self, issue: str) -> Iterator[dict[str, Any]]:
        """Yield every history of one issue, oldest first (Cloud's paged changelog endpoint)."""
        if self.deployment == "cloud":
            for page in self._start_at_pages(f"{self.api}/issue/{issue}/changelog", {}, "values"):
                yield from page.get("values", [])
            return
        data = self.http.get_json(f"{self.api}/issue/{issue}", {"expand": "changelog"})
        yield from ((data or {}).get("changelog") or {}).get("histories", [])

    def _complete_changelog(self, issue: dict[str, Any]) -> dict[str, Any]:
        log = issue.get("changelog") or {}
        histories = log.get("histories") or []
        total = log.get("total")
        if isinstance(total, int) and total > len(histories):
            ident = str(issue.get("id") or issue.get("key"))
            issue = {**issue, "changelog": {**log, "histories": list(self.changelog(ident))}}
        return issue

    def _token_pages(self, path: str, params: dict[str, Any]) -> Iterator[Mapping[str, Any]]:
        token: str | None = None
        while True:
            query = {**params, "maxResults": self.page_size, "nextPageToken": token}
            page = self._object(path, query)
            yield page
            token = page.get("nextPageToken")
            if page.get("isLast", not token) or not token:
                return

    def _start_at_pages(
        self, path: str, params: dict[str, Any], items: str
    ) -> Iterator[Mapping[str, Any]]:
        start = 0
        while True:
            page = self._object(path, {**params, "startAt": start, "maxResults": self.page_size})
            yield page
            count = len(page.get(items) or [])
            start += count
            total = page.get("total")
            if count == 0 or page.get("isLast") is True:
                return
            if isinstance(total, int) and start >= total:
                return
            if total is None and "isLast" not in page and count < self.page_size:
                return

    def _object(self, path: str, params: dict[str, Any]) -> Mapping[str, Any]:
        data = self.http.get_json(path, params)
        if not isinstance(data, Mapping):
            raise MalformedResponse(
                f"GET {self.base_url}{path}: expected a JSON object, got {json_kind(data)}"
            )
        return data
