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

from leadline.bounds import out_of_range


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
    # The commits of a pull/merge request (shas), where the source lists them.
    commits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One review of a pull/merge request: an approval, a request for changes or a comment.

    ``change_id`` is the reviewed change's ``external_id``; ``reviewer`` and ``change_author``
    are accounts on the code host (logins), ``reviewer_name`` the display name where the source
    gives one. ``state`` is one of approved, changes_requested, commented, dismissed, unapproved.
    """

    source: str
    external_id: str
    change_id: str
    repository: str
    reviewer: str
    state: str
    submitted: datetime
    change_author: str = ""
    reviewer_name: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """An account on a code host (``login``) and a git identity its commits carry, so a
    reviewer known only by a login can be found in the people registry by name or email."""

    source: str
    external_id: str
    login: str
    name: str = ""
    email: str = ""


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


# --- The one rule every importer applies -----------------------------------------------------

Record = (
    WorkItemRecord
    | DeploymentRecord
    | ChangeRecord
    | ReleaseRecord
    | IncidentRecord
    | SprintRecord
    | ReviewRecord
    | AccountRecord
)


class Impossible(ValueError):
    """A record that reads fine but cannot be stored: ``field`` names where the problem is."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field


def check_order(*stamps: tuple[str, datetime | None]) -> None:
    """Raise Impossible when a later-named moment is before an earlier one (None skipped)."""
    known = [(name, at) for name, at in stamps if at is not None]
    for (first, a), (second, b) in zip(known, known[1:], strict=False):
        if b < a:
            raise Impossible(
                second,
                f"{second} {_show(b)} is before {first} {_show(a)}: impossible, "
                "probably a migration artefact; not imported",
            )


def _show(at: datetime) -> str:
    return at.date().isoformat() if at.time() == datetime.min.time() else at.isoformat()


def _check_id(name: str, value: str) -> None:
    if not value.strip():
        raise Impossible(name, f"{name} is empty; not imported")
    if "\x00" in value:
        raise Impossible(name, f"{name} {value!r} contains a NUL character (\\x00); not imported")


def _check_dates(stamps: list[tuple[str, datetime | None]]) -> None:
    for name, at in stamps:
        problem = out_of_range(at) if at is not None else None
        if problem:
            raise Impossible(name, f"{name} {problem}; not imported")


def check_record(record: Record) -> None:
    """Raise Impossible naming the field when ``record`` cannot be stored as it is.

    Every importer calls this (the CSV reader per row, the import service for every source), so
    one rule decides: an id that is empty or holds a NUL character, a date outside
    ``leadline.bounds``, a status change or resolution before the item was created, a deployment
    finished before it started, an incident detected or resolved before it started, a review
    naming no change or no reviewer.
    """
    if isinstance(record, WorkItemRecord):
        _check_id("key", record.key)
        changes = [(f"status change to {t.to_status!r}", t.at) for t in record.transitions]
        _check_dates(
            [("created", record.created), ("resolved", record.resolved),
             ("updated", record.updated), *changes]
        )  # fmt: skip
        for change in changes:
            check_order(("created", record.created), change)
        check_order(("created", record.created), ("resolved", record.resolved))
        return
    _check_id("id", record.external_id)
    if isinstance(record, DeploymentRecord):
        _check_dates([("started", record.started), ("finished", record.finished)])
        check_order(("started", record.started), ("finished", record.finished))
    elif isinstance(record, IncidentRecord):
        _check_dates(
            [("started", record.started), ("detected", record.detected),
             ("resolved", record.resolved)]
        )  # fmt: skip
        check_order(("started", record.started), ("detected", record.detected))
        check_order(("started", record.started), ("resolved", record.resolved))
    elif isinstance(record, ChangeRecord):
        _check_dates(
            [("created", record.created), ("first commit", record.first_commit_at),
             ("merged", record.merged)]
        )  # fmt: skip
    elif isinstance(record, ReviewRecord):
        _check_id("change", record.change_id)
        _check_id("reviewer", record.reviewer)
        _check_dates([("submitted", record.submitted)])
    elif isinstance(record, AccountRecord):
        _check_id("login", record.login)
    elif isinstance(record, ReleaseRecord):
        _check_dates([("published", record.published)])
    elif isinstance(record, SprintRecord):
        _check_dates(
            [("start", record.start), ("end", record.end), ("completed", record.completed)]
        )
