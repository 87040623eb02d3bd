"""Map GitHub pull requests, commits, deployments, releases and workflow runs to records.

Deployment statuses are normalized to success, failure, cancelled, in_progress, queued,
rolled_back or other; ``raw_status`` keeps GitHub's word. A REST deployment's outcome is its
latest status that is not ``inactive`` (GitHub marks a deployment inactive once a newer one
replaces it); with only inactive statuses known it counts as a success, since GitHub only
auto-inactivates deployments that had succeeded.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from leadline.connectors.github._util import (
    SOURCE,
    get_ci,
    is_production,
    login,
    parse_time,
    require_time,
)
from leadline.records import ChangeRecord, DeploymentRecord, ReleaseRecord

# REST deployment status "state" and GraphQL DeploymentStatusState / DeploymentState, lowercased.
DEPLOYMENT_STATUS = {
    "success": "success",
    "active": "success",  # GraphQL: the deployment currently live in its environment
    "failure": "failure",
    "error": "failure",
    "in_progress": "in_progress",
    "queued": "queued",
    "pending": "queued",
    "waiting": "queued",  # waiting for a protection rule / approval
    "abandoned": "cancelled",
    "destroyed": "other",
    # GitHub marks a deployment inactive when a newer one replaces it, and its auto_inactive only
    # does so to deployments that had succeeded: with nothing earlier known, it succeeded.
    "inactive": "success",
}
_FINISHED = frozenset({"success", "failure", "cancelled"})

# Actions workflow run conclusion (when completed) or status (otherwise), lowercased.
WORKFLOW_RUN_STATUS = {
    "success": "success",
    "failure": "failure",
    "timed_out": "failure",
    "startup_failure": "failure",
    "cancelled": "cancelled",
    "in_progress": "in_progress",
    "queued": "queued",
    "pending": "queued",
    "waiting": "queued",
    "requested": "queued",
    "action_required": "queued",
    "neutral": "other",
    "skipped": "other",
    "stale": "other",
}


def deployment_status(raw: str) -> str:
    """Normalize a GitHub deployment (status) state, REST or GraphQL; unknown gives other."""
    return DEPLOYMENT_STATUS.get(raw.strip().lower(), "other")


def workflow_run_status(status: str, conclusion: str | None) -> str:
    """Normalize an Actions run: its conclusion once completed, else its status."""
    word = (conclusion or "").strip().lower() or status.strip().lower()
    if word == "completed":  # completed without a conclusion: GitHub never says more
        return "other"
    return WORKFLOW_RUN_STATUS.get(word, "other")


def map_pull_request(
    pr: Mapping[str, Any], commits: Iterable[Mapping[str, Any]] | None = None, *, repository: str
) -> ChangeRecord:
    """Map a pull request; its first commit time is the earliest authored time of ``commits``.

    Without commits (None or empty) ``first_commit_at`` stays None. A merged PR's ``sha`` is
    its merge commit; an unmerged one's is its head. ``commits`` keeps the commits' shas.
    """
    first = None
    shas: list[str] = []
    for commit in commits or ():
        if commit.get("sha"):
            shas.append(str(commit["sha"]))
        when = parse_time(((commit.get("commit") or {}).get("author") or {}).get("date"))
        if when is not None and (first is None or when < first):
            first = when
    merged = parse_time(pr.get("merged_at"))
    sha = pr.get("merge_commit_sha") if merged else (pr.get("head") or {}).get("sha")
    return ChangeRecord(
        source=SOURCE,
        external_id=f"{repository}#{pr['number']}",
        kind="pull_request",
        repository=repository,
        title=str(pr.get("title") or ""),
        author=login(pr.get("user")),
        created=parse_time(pr.get("created_at")),
        first_commit_at=first,
        merged=merged,
        sha=str(sha or ""),
        url=str(pr.get("html_url") or ""),
        commits=tuple(shas),
    )


def map_commit(commit: Mapping[str, Any], *, repository: str) -> ChangeRecord:
    """Map a REST commit (list or PR commits); the author is the login, else the git email."""
    git = commit.get("commit") or {}
    author = git.get("author") or {}
    authored = parse_time(author.get("date"))
    return ChangeRecord(
        source=SOURCE,
        external_id=str(commit["sha"]),
        kind="commit",
        repository=repository,
        title=str(git.get("message") or "").split("\n", 1)[0],
        author=login(commit.get("author")) or str(author.get("email") or ""),
        created=authored,
        first_commit_at=authored,
        sha=str(commit["sha"]),
        url=str(commit.get("html_url") or ""),
    )


def map_deployment(
    deployment: Mapping[str, Any],
    statuses: Iterable[Mapping[str, Any]],
    *,
    repository: str,
    production_environments: Collection[str] | None = None,
) -> DeploymentRecord:
    """Map a REST deployment and its statuses (any order) to a deployment record.

    The outcome is the latest status that is not ``inactive``; with only inactive statuses
    it is success (raw "inactive"), with none it is queued (raw "pending"). It is finished at that status's
    time when that is success, failure or cancelled.
    """
    ordered = sorted(statuses, key=lambda s: (s.get("created_at") or "", s.get("id") or 0))
    decisive = next((s for s in reversed(ordered) if s.get("state") != "inactive"), None)
    if decisive is None and ordered:
        decisive = ordered[-1]
    raw = str(decisive.get("state")) if decisive else "pending"
    status = deployment_status(raw)
    environment = str(deployment.get("environment") or "")
    production = bool(deployment.get("production_environment")) or is_production(
        environment, production_environments
    )
    return DeploymentRecord(
        source=SOURCE,
        external_id=f"deployment:{deployment['id']}",
        service=repository,
        environment=environment,
        status=status,
        raw_status=raw,
        started=parse_time(deployment.get("created_at")),
        finished=parse_time(decisive.get("created_at"))
        if decisive and status in _FINISHED
        else None,
        sha=str(deployment.get("sha") or ""),
        ref=str(deployment.get("ref") or ""),
        url=str((decisive or {}).get("target_url") or (decisive or {}).get("log_url") or ""),
        is_production=production,
    )


def graphql_deployment_status(node: Mapping[str, Any]) -> tuple[str, str]:
    """Return (normalized, raw) for a GraphQL deployment node.

    The latest status decides; when it is INACTIVE (replaced by a newer deployment) the latest
    earlier status that is not decides, so a replaced successful deployment stays a success.
    """
    latest = get_ci(node, "latestStatus") or {}
    raw = str(get_ci(latest, "state") or "")
    if raw.upper() == "INACTIVE" or not raw:  # replaced: what was it before?
        statuses = (get_ci(node, "statuses") or {}).get("nodes") or []
        ordered = sorted(statuses, key=lambda s: str(get_ci(s, "updatedAt") or ""))
        earlier = [
            str(get_ci(s, "state")) for s in ordered if str(get_ci(s, "state")) != "INACTIVE"
        ]
        if earlier:
            raw = earlier[-1]
        elif not raw:
            raw = str(get_ci(node, "state") or "")
    return deployment_status(raw), raw


def map_graphql_deployment(
    node: Mapping[str, Any],
    *,
    repository: str,
    production_environments: Collection[str] | None = None,
) -> DeploymentRecord:
    """Map a GraphQL deployment node (camelCase, or PascalCase as some recorders store it)."""
    status, raw = graphql_deployment_status(node)
    environment = str(get_ci(node, "environment") or "")
    latest = get_ci(node, "latestStatus") or {}
    ref = get_ci(node, "ref") or {}
    database_id = get_ci(node, "databaseId")
    return DeploymentRecord(
        source=SOURCE,
        # The REST id and the GraphQL databaseId are the same number: one key for both paths.
        external_id=f"deployment:{database_id}" if database_id else str(get_ci(node, "id")),
        service=repository,
        environment=environment,
        status=status,
        raw_status=raw,
        started=parse_time(get_ci(node, "createdAt")),
        finished=parse_time(get_ci(latest, "updatedAt")) if status in _FINISHED else None,
        sha=str(get_ci(node, "commitOid") or ""),
        ref=str(get_ci(ref, "name") or ""),
        is_production=is_production(environment, production_environments),
    )


def map_release(release: Mapping[str, Any], *, repository: str) -> ReleaseRecord:
    """Map a published release; a release never published uses its creation time."""
    published = parse_time(release.get("published_at")) or require_time(
        release.get("created_at"), f"release {release.get('id')} created_at"
    )
    return ReleaseRecord(
        source=SOURCE,
        external_id=f"release:{release['id']}",
        repository=repository,
        name=str(release.get("name") or release.get("tag_name") or ""),
        tag=str(release.get("tag_name") or ""),
        published=published,
        url=str(release.get("html_url") or ""),
    )


def map_workflow_run(
    run: Mapping[str, Any], *, repository: str, environment: str = "production"
) -> DeploymentRecord:
    """Map an Actions workflow run to a deployment of ``repository`` to ``environment``.

    Started at ``run_started_at`` (else ``created_at``); finished at ``updated_at`` once
    completed. Status words are matched case-insensitively.
    """
    status = workflow_run_status(str(run.get("status") or ""), run.get("conclusion"))
    raw = str(run.get("conclusion") or run.get("status") or "")
    completed = str(run.get("status") or "").lower() == "completed" or status in _FINISHED
    return DeploymentRecord(
        source=SOURCE,
        external_id=f"run:{run['id']}",
        service=repository,
        environment=environment,
        status=status,
        raw_status=raw,
        started=parse_time(run.get("run_started_at")) or parse_time(run.get("created_at")),
        finished=parse_time(run.get("updated_at")) if completed else None,
        sha=str(run.get("head_sha") or ""),
        ref=str(run.get("head_branch") or ""),
        url=str(run.get("html_url") or ""),
        is_production=is_production(environment, None),
    )
