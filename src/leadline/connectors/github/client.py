"""Read one GitHub repository through the REST and GraphQL APIs, page by page.

All HTTP goes through :class:`leadline.connectors.http.HttpClient`, which follows ``Link``
pagination, waits out primary (``X-RateLimit-Reset``) and secondary (``Retry-After``) rate
limits and raises its error classes with messages that name the URL, never the token.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

import httpx

from leadline.connectors.github._util import login, parse_time
from leadline.connectors.github.delivery import (
    map_commit,
    map_deployment,
    map_graphql_deployment,
    map_pull_request,
    map_release,
    map_workflow_run,
)
from leadline.connectors.github.issues import map_issue
from leadline.connectors.github.reviews import map_accounts, map_review
from leadline.connectors.http import HttpClient, MalformedResponse, bearer_auth_headers
from leadline.records import (
    AccountRecord,
    ChangeRecord,
    DeploymentRecord,
    ReleaseRecord,
    ReviewRecord,
    WorkItemRecord,
)

PAGE_SIZE = 100
# A deployment created this long before ``since`` may still have been running then.
IN_FLIGHT = timedelta(days=1)

_DEPLOYMENTS_QUERY = """
query($owner: String!, $name: String!, $pageSize: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    deployments(first: $pageSize, after: $cursor,
                orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { endCursor hasNextPage }
      nodes {
        id databaseId task environment state commitOid createdAt updatedAt
        ref { name prefix }
        latestStatus { state updatedAt }
        statuses(first: 100) { nodes { state updatedAt } }
      }
    }
  }
}
"""


def _iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


class GitHubClient:
    """A client for one repository ("owner/name") on github.com or GitHub Enterprise Server."""

    def __init__(
        self,
        repository: str,
        token: str = "",
        *,
        base_url: str = "https://api.github.com",
        transport: httpx.BaseTransport | None = None,
        label_statuses: Mapping[str, str] | None = None,
        production_environments: Collection[str] | None = None,
        http: HttpClient | None = None,
    ) -> None:
        if repository.count("/") != 1:
            raise ValueError(f"repository must be 'owner/name', got {repository!r}")
        self.repository = repository
        self.label_statuses = dict(label_statuses or {})
        self.production_environments = production_environments
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            **(bearer_auth_headers(token) if token else {}),
        }
        self.http = http or HttpClient(base_url, headers, transport=transport)
        base = base_url.rstrip("/")
        # GitHub Enterprise Server serves REST under /api/v3 and GraphQL under /api/graphql.
        self.graphql_url = (
            base[: -len("/v3")] + "/graphql" if base.endswith("/api/v3") else base + "/graphql"
        )
        self._repo_path = f"/repos/{repository}"

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- work items -------------------------------------------------------------------------

    def issues(self, since: datetime | None = None) -> Iterator[WorkItemRecord]:
        """Yield issues updated since ``since`` (all when None) with their status history.

        Pull requests, which the issues endpoint also lists, are skipped; each issue's events
        are read from its own events endpoint.
        """
        params: dict[str, Any] = {"state": "all", "direction": "asc", "per_page": PAGE_SIZE}
        if since is not None:
            params.update(sort="updated", since=_iso(since))
        for issue in self.http.iter_items(f"{self._repo_path}/issues", params):
            if "pull_request" in issue:
                continue
            events = self.http.iter_items(
                f"{self._repo_path}/issues/{issue['number']}/events", {"per_page": PAGE_SIZE}
            )
            yield map_issue(
                issue, events, repository=self.repository, label_statuses=self.label_statuses
            )

    # -- changes ----------------------------------------------------------------------------

    def pull_requests(
        self, since: datetime | None = None, *, with_commits: bool = True
    ) -> Iterator[ChangeRecord]:
        """Yield pull requests updated since ``since``, newest update first.

        The list is read by descending update time and stops at the first PR older than
        ``since``. With ``with_commits`` each PR's commits give its first commit time and its
        commits' shas (GitHub lists at most 250 commits per PR).
        """
        for pr, commits in self._pulls(since, with_commits=with_commits):
            yield map_pull_request(pr, commits, repository=self.repository)

    def reviewed_pull_requests(
        self, since: datetime | None = None
    ) -> Iterator[ChangeRecord | ReviewRecord | AccountRecord]:
        """Like :meth:`pull_requests` (with commits), each PR followed by its reviews and by the
        accounts its commits name (each login and email once per call).

        Submitting a review updates its PR, so reviews since ``since`` come with their PRs.
        """
        seen: set[str] = set()
        for pr, commits in self._pulls(since, with_commits=True):
            yield map_pull_request(pr, commits, repository=self.repository)
            yield from self.reviews(pr["number"], change_author=login(pr.get("user")))
            for account in map_accounts(commits or []):
                if account.external_id not in seen:
                    seen.add(account.external_id)
                    yield account

    def reviews(self, number: int, *, change_author: str = "") -> Iterator[ReviewRecord]:
        """Yield the submitted reviews of pull request ``number`` by people (not bots)."""
        for review in self.http.iter_items(
            f"{self._repo_path}/pulls/{number}/reviews", {"per_page": PAGE_SIZE}
        ):
            record = map_review(
                review, repository=self.repository, number=number, change_author=change_author
            )
            if record is not None:
                yield record

    def _pulls(
        self, since: datetime | None, *, with_commits: bool
    ) -> Iterator[tuple[dict[str, Any], list[Any] | None]]:
        params: dict[str, Any] = {
            "state": "all",
            "sort": "updated",
            "direction": "desc",
            "per_page": PAGE_SIZE,
        }
        for pr in self.http.iter_items(f"{self._repo_path}/pulls", params):
            updated = parse_time(pr.get("updated_at"))
            if since is not None and updated is not None and updated < since:
                return
            commits = None
            if with_commits:
                commits = list(
                    self.http.iter_items(
                        f"{self._repo_path}/pulls/{pr['number']}/commits", {"per_page": PAGE_SIZE}
                    )
                )
            yield pr, commits

    def commits(
        self, since: datetime | None = None, *, branch: str | None = None
    ) -> Iterator[ChangeRecord]:
        """Yield commits of ``branch`` (the default branch when None) since ``since``."""
        params = {"per_page": PAGE_SIZE, "sha": branch, "since": _iso(since) if since else None}
        for commit in self.http.iter_items(f"{self._repo_path}/commits", params):
            yield map_commit(commit, repository=self.repository)

    # -- delivery ---------------------------------------------------------------------------

    def deployments(self, since: datetime | None = None) -> Iterator[DeploymentRecord]:
        """Yield REST deployments with their statuses, newest first, updated since ``since``.

        Reading stops at deployments created more than a day before ``since``: older ones can
        no longer change.
        """
        for deployment in self.http.iter_items(
            f"{self._repo_path}/deployments", {"per_page": PAGE_SIZE}
        ):
            created = parse_time(deployment.get("created_at"))
            updated = parse_time(deployment.get("updated_at")) or created
            if since is not None and created is not None and created < since - IN_FLIGHT:
                return
            if since is not None and updated is not None and updated < since:
                continue
            statuses = self.http.iter_items(
                f"{self._repo_path}/deployments/{deployment['id']}/statuses",
                {"per_page": PAGE_SIZE},
            )
            yield map_deployment(
                deployment,
                statuses,
                repository=self.repository,
                production_environments=self.production_environments,
            )

    def deployments_graphql(self, since: datetime | None = None) -> Iterator[DeploymentRecord]:
        """Yield deployments from the GraphQL API, 100 per request with their statuses.

        Cheaper than REST (one request per page instead of one per deployment); cursor
        pagination stops like :meth:`deployments`.
        """
        owner, name = self.repository.split("/")
        cursor: str | None = None
        while True:
            variables = {"owner": owner, "name": name, "pageSize": PAGE_SIZE, "cursor": cursor}
            answer = self.http.post_json(
                self.graphql_url, {"query": _DEPLOYMENTS_QUERY, "variables": variables}
            )
            connection = self._graphql_connection(answer)
            for node in connection.get("nodes") or []:
                created = parse_time(node.get("createdAt"))
                updated = parse_time(node.get("updatedAt")) or created
                if since is not None and created is not None and created < since - IN_FLIGHT:
                    return
                if since is not None and updated is not None and updated < since:
                    continue
                yield map_graphql_deployment(
                    node,
                    repository=self.repository,
                    production_environments=self.production_environments,
                )
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                return
            cursor = page.get("endCursor")

    def _graphql_connection(self, answer: Any) -> dict[str, Any]:
        """Return the deployments connection; GraphQL errors arrive with HTTP 200."""
        if not isinstance(answer, dict):
            raise MalformedResponse(f"POST {self.graphql_url}: expected a JSON object")
        if answer.get("errors"):
            # Only GitHub's error types (NOT_FOUND, FORBIDDEN...), never the answer's own text.
            kinds = sorted(
                {str(e.get("type", "")) for e in answer["errors"] if isinstance(e, dict)} - {""}
            )
            names = ", ".join(k for k in kinds if k.replace("_", "").isalnum())[:200]
            raise MalformedResponse(
                f"POST {self.graphql_url}: GitHub answered with GraphQL errors"
                + (f" ({names})" if names else "")
                + "; check the repository name and the token's access"
            )
        repo = (answer.get("data") or {}).get("repository")
        if repo is None:
            raise MalformedResponse(
                f"POST {self.graphql_url}: repository {self.repository} not found"
            )
        return dict(repo.get("deployments") or {})

    def releases(self, since: datetime | None = None) -> Iterator[ReleaseRecord]:
        """Yield published releases, newest first, stopping at those created before ``since``.

        Drafts are skipped: they are not releases yet.
        """
        for release in self.http.iter_items(f"{self._repo_path}/releases", {"per_page": PAGE_SIZE}):
            if release.get("draft"):
                continue
            record = map_release(release, repository=self.repository)
            if since is not None and record.published < since:
                created = parse_time(release.get("created_at"))
                if created is not None and created < since:
                    return
                continue
            yield record

    def workflow_deployments(
        self,
        workflow: str,
        *,
        branch: str | None = None,
        since: datetime | None = None,
        environment: str = "production",
    ) -> Iterator[DeploymentRecord]:
        """Yield runs of one workflow on one branch as deployments (every outcome, newest first).

        ``workflow`` matches the workflow's name or its file name (``deploy.yml``); ``branch``
        defaults to the repository's default branch. Runs created before ``since`` are not read.
        Failed and cancelled runs are yielded too: only successes count as deployments.
        """
        if branch is None:
            branch = str(self.http.get_json(self._repo_path).get("default_branch") or "main")
        params: dict[str, Any] = {"per_page": PAGE_SIZE, "branch": branch}
        if since is not None:
            params["created"] = f">={_iso(since)}"
        for run in self.http.iter_items(
            f"{self._repo_path}/actions/runs", params, key="workflow_runs"
        ):
            if run.get("head_branch") != branch or not _is_workflow(run, workflow):
                continue
            yield map_workflow_run(run, repository=self.repository, environment=environment)


def _is_workflow(run: Mapping[str, Any], workflow: str) -> bool:
    path = str(run.get("path") or "").split("@", 1)[0]
    return workflow in (run.get("name"), path, PurePosixPath(path).name)
