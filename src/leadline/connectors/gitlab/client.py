"""Read one GitLab project through the REST API (v4), page by page.

All HTTP goes through :class:`leadline.connectors.http.HttpClient` (``Link`` pagination,
``Retry-After``/``RateLimit-Reset`` back-off, error classes naming the URL, never the token).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from leadline.connectors.gitlab.deployments import map_deployment, map_release
from leadline.connectors.gitlab.mapping import (
    is_incident,
    map_incident,
    map_issue,
    map_merge_request,
)
from leadline.connectors.gitlab.reviews import map_note
from leadline.connectors.http import HttpClient
from leadline.records import (
    ChangeRecord,
    DeploymentRecord,
    IncidentRecord,
    ReleaseRecord,
    ReviewRecord,
    WorkItemRecord,
)

PAGE_SIZE = 100


def _iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


class GitLabClient:
    """A client for one project, named by numeric id or "group/project" path."""

    def __init__(
        self,
        project: str | int,
        token: str = "",
        *,
        base_url: str = "https://gitlab.com/api/v4",
        transport: httpx.BaseTransport | None = None,
        label_statuses: Mapping[str, str] | None = None,
        production_environments: Collection[str] | None = None,
        http: HttpClient | None = None,
    ) -> None:
        self.project = str(project)
        self.label_statuses = dict(label_statuses or {})
        self.production_environments = production_environments
        headers = {"PRIVATE-TOKEN": token} if token else {}
        self.http = http or HttpClient(base_url, headers, transport=transport)
        self._path = f"/projects/{quote(self.project, safe='')}"

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()

    def __enter__(self) -> GitLabClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _items(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        return self.http.iter_items(
            f"{self._path}{path}", {"per_page": PAGE_SIZE, **(params or {})}
        )

    def _updated_after(self, since: datetime | None) -> dict[str, Any]:
        return {"updated_after": _iso(since)} if since else {}

    def issues(self, since: datetime | None = None) -> Iterator[WorkItemRecord]:
        """Yield issues (incidents included) updated since ``since``, with their histories.

        Each issue's resource state and label events are read from their own endpoints.
        """
        params = {"scope": "all", "order_by": "updated_at", "sort": "asc"}
        for issue in self._items("/issues", {**params, **self._updated_after(since)}):
            base = f"/issues/{issue['iid']}"
            yield map_issue(
                issue,
                self._items(f"{base}/resource_state_events"),
                self._items(f"{base}/resource_label_events"),
                project=self.project,
                label_statuses=self.label_statuses,
            )

    def incidents(
        self, since: datetime | None = None, *, service: str = ""
    ) -> Iterator[IncidentRecord]:
        """Yield issues of type incident updated since ``since``."""
        params = {"scope": "all", "issue_type": "incident", **self._updated_after(since)}
        for issue in self._items("/issues", params):
            if is_incident(issue):  # older servers ignore issue_type
                yield map_incident(issue, service=service or self.project)

    def merge_requests(
        self, since: datetime | None = None, *, with_commits: bool = True
    ) -> Iterator[ChangeRecord]:
        """Yield merge requests updated since ``since``; commits give the first commit time."""
        for mr, commits in self._merge_requests(since, with_commits=with_commits):
            yield map_merge_request(mr, commits, project=self.project)

    def reviewed_merge_requests(
        self, since: datetime | None = None
    ) -> Iterator[ChangeRecord | ReviewRecord]:
        """Like :meth:`merge_requests` (with commits), each merge request followed by its
        reviews: approvals and people's comments, read from its notes (a note updates it)."""
        for mr, commits in self._merge_requests(since, with_commits=True):
            change = map_merge_request(mr, commits, project=self.project)
            yield change
            yield from self.reviews(mr["iid"], change_author=change.author, change_url=change.url)

    def reviews(
        self, iid: int, *, change_author: str = "", change_url: str = ""
    ) -> Iterator[ReviewRecord]:
        """Yield the reviews of merge request ``iid`` from its notes, oldest first."""
        for note in self._items(f"/merge_requests/{iid}/notes", {"sort": "asc"}):
            record = map_note(note, project=self.project, iid=iid, change_author=change_author,
                              change_url=change_url)  # fmt: skip
            if record is not None:
                yield record

    def _merge_requests(
        self, since: datetime | None, *, with_commits: bool
    ) -> Iterator[tuple[dict[str, Any], list[Any] | None]]:
        params = {"scope": "all", "state": "all", "order_by": "updated_at", "sort": "asc"}
        for mr in self._items("/merge_requests", {**params, **self._updated_after(since)}):
            commits = (
                list(self._items(f"/merge_requests/{mr['iid']}/commits")) if with_commits else None
            )
            yield mr, commits

    def environment_tiers(self) -> dict[str, str]:
        """Return each environment's tier by name (empty for servers without tiers)."""
        return {
            str(env.get("name")): str(env.get("tier"))
            for env in self._items("/environments")
            if env.get("tier")
        }

    def deployments(self, since: datetime | None = None) -> Iterator[DeploymentRecord]:
        """Yield deployments in every status updated since ``since``, oldest update first.

        Production is decided by the environment's tier (read once from the environments
        endpoint), else by its name, unless ``production_environments`` names them.
        """
        tiers = self.environment_tiers() if self.production_environments is None else {}
        params = {"order_by": "updated_at", "sort": "asc", **self._updated_after(since)}
        for deployment in self._items("/deployments", params):
            yield map_deployment(
                deployment,
                project=self.project,
                tiers=tiers,
                production_environments=self.production_environments,
            )

    def releases(self, since: datetime | None = None) -> Iterator[ReleaseRecord]:
        """Yield releases newest first, stopping at the first released before ``since``."""
        for release in self._items("/releases", {"order_by": "released_at", "sort": "desc"}):
            record = map_release(release, project=self.project)
            if since is not None and record.published < since:
                return
            yield record
