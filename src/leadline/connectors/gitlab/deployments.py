"""Map GitLab deployments (every status) and releases to records.

GitLab deployment statuses and what they become:

========== ===========
created    queued
running    in_progress
success    success
failed     failure
canceled   cancelled
blocked    queued (waiting for an approval or a manual job)
skipped    other
anything   other (raw_status keeps the word)
========== ===========
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from leadline.connectors.github._util import is_production, parse_time, require_time
from leadline.records import DeploymentRecord, ReleaseRecord

SOURCE = "gitlab"
DEPLOYMENT_STATUS = {
    "created": "queued",
    "running": "in_progress",
    "success": "success",
    "failed": "failure",
    "canceled": "cancelled",
    "cancelled": "cancelled",
    "blocked": "queued",
    "skipped": "other",
}
_FINISHED = frozenset({"success", "failure", "cancelled"})


def deployment_status(raw: str) -> str:
    """Normalize a GitLab deployment status; unknown words give other."""
    return DEPLOYMENT_STATUS.get(raw.strip().lower(), "other")


def is_production_environment(
    name: str, tier: str | None = None, production_environments: Collection[str] | None = None
) -> bool:
    """Tell whether an environment is production: an explicit list, else its tier, else its name.

    GitLab's tier (production, staging, testing, development, other) is authoritative when
    known; without it "production", "prod", "prd", "live" and names starting "prod" count.
    """
    if production_environments is not None or not tier:
        return is_production(name, production_environments)
    return tier.lower() == "production"


def map_deployment(
    deployment: Mapping[str, Any],
    *,
    project: str,
    tiers: Mapping[str, str] | None = None,
    production_environments: Collection[str] | None = None,
) -> DeploymentRecord:
    """Map a deployment; its own status wins over its job's (they can disagree).

    Started when its job started (else when created); finished, once success, failure or
    cancelled, at ``finished_at``, else its job's end, else ``updated_at``.
    """
    raw = str(deployment.get("status") or "")
    status = deployment_status(raw)
    env = deployment.get("environment") or {}
    name = str(env.get("name") or "")
    tier = env.get("tier") or (tiers or {}).get(name)
    job = deployment.get("deployable") or {}
    finished = None
    if status in _FINISHED:
        finished = (
            parse_time(deployment.get("finished_at"))
            or parse_time(job.get("finished_at"))
            or parse_time(deployment.get("updated_at"))
        )
    return DeploymentRecord(
        source=SOURCE,
        external_id=f"{project}:deployment:{deployment['id']}",
        service=project,
        environment=name,
        status=status,
        raw_status=raw,
        started=parse_time(job.get("started_at")) or parse_time(deployment.get("created_at")),
        finished=finished,
        sha=str(deployment.get("sha") or ""),
        ref=str(deployment.get("ref") or ""),
        url=str(job.get("web_url") or ""),
        is_production=is_production_environment(name, tier, production_environments),
    )


def map_release(release: Mapping[str, Any], *, project: str) -> ReleaseRecord:
    """Map a release, published at ``released_at`` (else ``created_at``)."""
    published = parse_time(release.get("released_at")) or require_time(
        release.get("created_at"), f"release {release.get('tag_name')} created_at"
    )
    tag = str(release.get("tag_name") or "")
    return ReleaseRecord(
        source=SOURCE,
        external_id=f"{project}@{tag}",
        repository=project,
        name=str(release.get("name") or tag),
        tag=tag,
        published=published,
        sha=str((release.get("commit") or {}).get("id") or ""),
        url=str((release.get("_links") or {}).get("self") or ""),
    )
