"""Normalized delivery records: what connectors produce and what the import service stores.

Plain dataclasses, no Django, no I/O. Every datetime is timezone-aware (UTC once normalized).
Connectors yield these; the import service upserts them by their natural keys
(``source`` + ``key`` for items, ``source`` + ``external_id`` for the rest), which is what makes
every import idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class StageCategory(StrEnum):
    """Where a status sits in the flow (PRODUCT.md, "Metric definitions")."""

    BACKLOG = "backlog"
    ACTIVE = "active"
    DONE = "done"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class StatusRecord:
    """A tracker status and the category the tracker itself gives it (None when it has none)."""

    source: str
    project: str
    name: str
    category: StageCategory | None
    external_id: str = ""
    # Waiting stages (review, blocked, ...) count against flow efficiency.
    waiting: bool = False


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    """One status change of one work item."""

    item_key: str
    at: datetime
    from_status: str | None
    to_status: str
    by: str = ""
    # The tracker's id for the change (Jira history id, GitHub event id, ...), when it has one.
    external_id: str = ""


@dataclass(frozen=True, slots=True)
class FlagPeriod:
    """A span during which an item was flagged or blocked; ``end`` is None while it still is."""

    item_key: str
    start: datetime
    end: datetime | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RankChange:
    """An item re-ranked or re-prioritised (``kind`` "rank" or "priority")."""

    item_key: str
    at: datetime
    kind: str
    from_value: str = ""
    to_value: str = ""


@dataclass(frozen=True, slots=True)
class SprintChange:
    """An item entering or leaving a sprint (``added`` False means removed)."""

    item_key: str
    sprint: str
    at: datetime
    added: bool


@dataclass(frozen=True, slots=True)
class SprintRecord:
    source: str
    external_id: str
    name: str
    state: str = ""
    start: datetime | None = None
    end: datetime | None = None
    completed: datetime | None = None


@dataclass(slots=True)
class WorkItemRecord:
    """A work item with its whole status history."""

    source: str
    key: str
    title: str
    created: datetime
    status: str
    project: str = ""
    url: str = ""
    type: str = ""
    parent_key: str = ""
    epic_key: str = ""
    labels: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    priority: str = ""
    rank: str = ""
    story_points: float | None = None
    resolution: str = ""
    resolved: datetime | None = None
    updated: datetime | None = None
    transitions: list[TransitionRecord] = field(default_factory=list)
    flags: list[FlagPeriod] = field(default_factory=list)
    sprint_changes: list[SprintChange] = field(default_factory=list)
    rank_changes: list[RankChange] = field(default_factory=list)
    sprints: list[str] = field(default_factory=list)
    # The sprints the tracker described on the item (id, dates), stored once per sprint.
    sprint_details: list[SprintRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """A code change: a commit or a pull/merge request."""

    source: str
    external_id: str
    kind: str  # "commit" | "pull_request"
    repository: str
    title: str = ""
    author: str = ""
    created: datetime | None = None  # PR opened / commit authored
    first_commit_at: datetime | None = None
    merged: datetime | None = None
    sha: str = ""
    url: str = ""


@dataclass(slots=True)
class DeploymentRecord:
    """A deployment of a service to an environment.

    ``status`` is normalized to one of: success, failure, cancelled, in_progress, queued,
    rolled_back, other. ``raw_status`` keeps the source's own word for it.
    """

    source: str
    external_id: str
    service: str
    environment: str
    status: str
    raw_status: str
    started: datetime | None
    finished: datetime | None
    sha: str = ""
    ref: str = ""
    url: str = ""
    is_production: bool = False
    change_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReleaseRecord:
    """A release or a tag treated as one."""

    source: str
    external_id: str
    repository: str
    name: str
    tag: str
    published: datetime
    sha: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    source: str
    external_id: str
    title: str
    service: str
    severity: str
    started: datetime
    detected: datetime | None = None
    resolved: datetime | None = None
    status: str = ""
    url: str = ""
    deployment_id: str = ""
    change_id: str = ""
