"""What a change, review, account, deployment, release, sprint or incident stores: its row's fields from the
normalized record (texts cut to their columns' lengths). Work items, with their histories, are
written by :mod:`leadline.delivery.imports` itself."""

from __future__ import annotations

from typing import Any

from leadline.records import (
    AccountRecord,
    ChangeRecord,
    DeploymentRecord,
    IncidentRecord,
    ReleaseRecord,
    ReviewRecord,
    SprintRecord,
)

# A deployment whose ref names one of these (or that was rolled back) counts as unplanned.
UNPLANNED_HINTS = ("hotfix", "rollback", "revert", "fix/")


def change_fields(r: ChangeRecord) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "repository": r.repository,
        "title": r.title[:500],
        "author": r.author[:200],
        "created": r.created,
        "first_commit_at": r.first_commit_at,
        "merged": r.merged,
        "sha": r.sha,
        "url": r.url,
        "commits": [c[:64] for c in r.commits],
    }


def review_fields(r: ReviewRecord) -> dict[str, Any]:
    return {
        "repository": r.repository[:300],
        "change_id": r.change_id[:200],
        "change_author": r.change_author[:200],
        "reviewer": r.reviewer[:200],
        "reviewer_name": r.reviewer_name[:200],
        "state": r.state[:32],
        "submitted": r.submitted,
        "url": r.url[:500],
    }


def account_fields(r: AccountRecord) -> dict[str, Any]:
    return {"login": r.login[:200], "name": r.name[:200], "email": r.email[:254]}


def deployment_fields(r: DeploymentRecord) -> dict[str, Any]:
    ref = (r.ref or "").lower()
    return {
        "service": r.service,
        "environment": r.environment,
        "status": r.status,
        "raw_status": r.raw_status,
        "started": r.started,
        "finished": r.finished,
        "sha": r.sha,
        "ref": r.ref,
        "url": r.url,
        "is_production": r.is_production,
        "change_ids": list(r.change_ids),
        "unplanned": r.status == "rolled_back" or any(h in ref for h in UNPLANNED_HINTS),
    }


def release_fields(r: ReleaseRecord) -> dict[str, Any]:
    return {
        "repository": r.repository,
        "name": r.name,
        "tag": r.tag,
        "published": r.published,
        "sha": r.sha,
        "url": r.url,
    }


def sprint_fields(r: SprintRecord) -> dict[str, Any]:
    return {
        "name": r.name[:200],
        "state": r.state[:32],
        "start": r.start,
        "end": r.end,
        "completed": r.completed,
    }


def incident_fields(r: IncidentRecord) -> dict[str, Any]:
    return {
        "title": r.title[:500],
        "service": r.service,
        "severity": r.severity,
        "started": r.started,
        "detected": r.detected,
        "resolved": r.resolved,
        "status": r.status,
        "url": r.url,
        "deployment_id": r.deployment_id,
        "change_id": r.change_id,
    }
