"""Where a workspace's delivery data came from: what is stored, from which system, by which
route (the demo builder, file imports, connections), for the Imports page and its API twin."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max

from leadline.jobs.models import Job, JobStatus
from leadline.workspaces.models import Workspace

from .models import (
    Change,
    CodeReview,
    Connection,
    Deployment,
    Incident,
    Release,
    Sprint,
    WorkItem,
)

# The systems records name as their source, as people write them.
SOURCE_NAMES = {
    "jira": "Jira", "github": "GitHub", "gitlab": "GitLab", "git": "a git repository",
    "csv": "CSV files", "pagerduty": "PagerDuty", "opsgenie": "Opsgenie",
}  # fmt: skip
KINDS = [
    (WorkItem, "work items"), (Deployment, "deployments"), (Incident, "incidents"),
    (Change, "code changes"), (CodeReview, "code reviews"), (Release, "releases"),
    (Sprint, "sprints"),
]  # fmt: skip


@dataclass
class Stored:
    """How many records of one kind are stored, and from which systems."""

    what: str
    count: int
    sources: list[str]


@dataclass
class Provenance:
    """What a workspace holds and how it got there."""

    demo: bool
    stored: list[Stored] = field(default_factory=list)
    teams: list[tuple[str, int]] = field(default_factory=list)  # (team, work items)
    file_imports: int = 0
    syncs: int = 0
    connections: int = 0
    last_imported: datetime | None = None

    @property
    def empty(self) -> bool:
        return not any(s.count for s in self.stored)


def source_name(source: str) -> str:
    """Return a record source as people call it ("github" → "GitHub")."""
    return SOURCE_NAMES.get(source, source)


def provenance(workspace: Workspace) -> Provenance:
    """Count what the workspace stores per kind and system, and the routes it came by.

    The demo workspace's data comes from Leadline's generator (its records still name the
    systems they imitate), so it is told apart by the workspace, not by the records.
    """
    from leadline.demo.builder import DEMO_SLUG

    result = Provenance(demo=workspace.slug == DEMO_SLUG)
    for model, what in KINDS:
        rows: list[dict[str, Any]] = list(
            model.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
            .values("source")
            .annotate(n=Count("id"))
            .order_by("-n")
        )
        total = sum(r["n"] for r in rows)
        if total:
            result.stored.append(Stored(what, total, [source_name(r["source"]) for r in rows]))
    items = WorkItem.objects.filter(workspace=workspace)
    result.teams = [
        (r["team__name"] or "no team", r["n"])
        for r in items.values("team__name").annotate(n=Count("id")).order_by("team__name")
    ]
    result.last_imported = items.aggregate(last=Max("imported_at"))["last"]
    done = Job.objects.filter(workspace=workspace, status=JobStatus.SUCCEEDED)
    result.file_imports = done.filter(kind="delivery.import").count()
    result.syncs = done.filter(kind="delivery.sync").count()
    result.connections = Connection.objects.filter(workspace=workspace).count()
    return result
