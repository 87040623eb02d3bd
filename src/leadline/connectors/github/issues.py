"""Map GitHub issues and their events to work items with a derived status history.

GitHub issues have no statuses, only open/closed and labels. Leadline derives one:

* ``open`` (backlog) from creation;
* a label status (active) while a label named in ``label_statuses`` is on the open issue — the
  most recently applied such label wins, and removing it falls back to the previous one;
* ``closed`` (done) when closed as completed (or with no reason);
* ``not planned`` (removed) when closed as ``not_planned`` or ``duplicate``.

Reopening returns to the label status or ``open``. Label changes while closed are remembered
but change nothing until the issue is reopened. :func:`derive_history` is the same engine for
any tracker with open/closed plus labels (GitLab uses it too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadline.connectors.github._util import SOURCE, login, parse_time, require_time
from leadline.records import StageCategory, StatusRecord, TransitionRecord, WorkItemRecord

OPEN = "open"
CLOSED = "closed"
NOT_PLANNED = "not planned"
_REMOVED_REASONS = frozenset({"not_planned", "duplicate"})


@dataclass(frozen=True, slots=True)
class IssueEvent:
    """One history event: ``kind`` is labeled, unlabeled, closed or reopened."""

    at: datetime
    kind: str
    label: str = ""
    removed: bool = False  # a close that means "won't do" (not planned, duplicate, moved)
    by: str = ""
    external_id: str = ""


def issue_statuses(
    project: str, label_statuses: Mapping[str, str] | None = None, source: str = SOURCE
) -> list[StatusRecord]:
    """Return the derived statuses with their categories; label statuses are all active."""
    statuses = [
        StatusRecord(source, project, OPEN, StageCategory.BACKLOG),
        StatusRecord(source, project, CLOSED, StageCategory.DONE),
        StatusRecord(source, project, NOT_PLANNED, StageCategory.REMOVED),
    ]
    seen = {OPEN, CLOSED, NOT_PLANNED}
    for status in (label_statuses or {}).values():
        if status not in seen:
            seen.add(status)
            statuses.append(StatusRecord(source, project, status, StageCategory.ACTIVE))
    return statuses


def derive_history(
    key: str,
    created: datetime,
    events: Iterable[IssueEvent],
    *,
    label_statuses: Mapping[str, str] | None = None,
    creator: str = "",
    closed_at: datetime | None = None,
    closed_removed: bool = False,
    updated: datetime | None = None,
    initial_labels: Iterable[str] = (),
) -> tuple[str, list[TransitionRecord]]:
    """Return (final status, transitions) from events in any order; label names ignore case.

    Events at the same instant keep their given order. When the events miss the final close
    (``closed_at`` given but the history is open) a close is added at ``closed_at``; when they
    miss the final reopen (history closed, ``closed_at`` None) a reopen is added at ``updated``.
    ``initial_labels`` are labels on the issue from creation, for sources without label events.
    """
    by_label = {name.lower(): status for name, status in (label_statuses or {}).items()}
    applied = [label.lower() for label in initial_labels if label.lower() in by_label]
    closed_as: str | None = None
    status = by_label[applied[-1]] if applied else OPEN
    transitions = [TransitionRecord(key, created, None, status, by=creator)]

    def current() -> str:
        if closed_as is not None:
            return closed_as
        return by_label[applied[-1]] if applied else OPEN

    for event in sorted(events, key=lambda e: e.at):
        label = event.label.lower()
        if event.kind == "labeled" and label in by_label:
            if label in applied:
                applied.remove(label)
            applied.append(label)
        elif event.kind == "unlabeled" and label in applied:
            applied.remove(label)
        elif event.kind == "closed":
            closed_as = NOT_PLANNED if event.removed else CLOSED
        elif event.kind == "reopened":
            closed_as = None
        new = current()
        if new != status:
            transitions.append(
                TransitionRecord(key, event.at, status, new, event.by, event.external_id)
            )
            status = new

    final, at = status, None
    if closed_at is not None and closed_as is None:
        final, at = (NOT_PLANNED if closed_removed else CLOSED), closed_at
    elif closed_at is None and closed_as is not None:
        closed_as = None
        final, at = current(), updated
    if at is not None and final != status:
        transitions.append(TransitionRecord(key, max(at, transitions[-1].at), status, final))
        status = final
    return status, transitions


def github_events(
    events: Iterable[Mapping[str, Any]], issue: Mapping[str, Any], key: str
) -> list[IssueEvent]:
    """Turn REST issue events or timeline items into history events, dropping repeated ids.

    A close event without a reason takes the issue's ``state_reason`` when it is the last close.
    """
    seen: set[Any] = set()
    relevant: list[Mapping[str, Any]] = []
    for event in events:
        event_id = event.get("id")
        if event_id is not None:
            if event_id in seen:
                continue
            seen.add(event_id)
        kind = event.get("event")
        if kind in ("labeled", "unlabeled", "closed", "reopened") and event.get("created_at"):
            relevant.append(event)
    relevant.sort(key=lambda e: (e["created_at"], e.get("id") or 0))
    last_close = max((i for i, e in enumerate(relevant) if e["event"] == "closed"), default=-1)
    history = []
    for index, event in enumerate(relevant):
        reason = event.get("state_reason")
        if not reason and index == last_close:
            reason = issue.get("state_reason")
        history.append(
            IssueEvent(
                at=require_time(event["created_at"], f"{key} event {event.get('id')}"),
                kind=str(event["event"]),
                label=str((event.get("label") or {}).get("name", "")),
                removed=reason in _REMOVED_REASONS,
                by=login(event.get("actor")),
                external_id=str(event.get("id") or ""),
            )
        )
    return history


def map_issue(
    issue: Mapping[str, Any],
    events: Iterable[Mapping[str, Any]] = (),
    *,
    repository: str = "",
    label_statuses: Mapping[str, str] | None = None,
) -> WorkItemRecord:
    """Map an issue and its events (REST events or timeline, any order) to a work item.

    Repeated event ids are ignored. A closed issue whose close event is missing is closed at
    ``closed_at``; an open issue whose reopen event is missing reopens at ``updated_at``.
    """
    repo = repository or _repository_of(issue)
    key = f"{repo}#{issue['number']}"
    created = require_time(issue.get("created_at"), f"{key} created_at")
    closed_at = parse_time(issue.get("closed_at")) if issue.get("state") == "closed" else None
    status, transitions = derive_history(
        key,
        created,
        github_events(events, issue, key),
        label_statuses=label_statuses,
        creator=login(issue.get("user")),
        closed_at=closed_at,
        closed_removed=issue.get("state_reason") in _REMOVED_REASONS,
        updated=parse_time(issue.get("updated_at")),
    )
    return WorkItemRecord(
        source=SOURCE,
        key=key,
        title=str(issue.get("title") or ""),
        created=created,
        status=status,
        project=repo,
        url=str(issue.get("html_url") or ""),
        type="pull_request" if "pull_request" in issue else "issue",
        labels=[str(label["name"]) for label in issue.get("labels") or []],
        assignees=[login(a) for a in issue.get("assignees") or [] if login(a)],
        resolution=str(issue.get("state_reason") or "") if closed_at else "",
        resolved=closed_at,
        updated=parse_time(issue.get("updated_at")),
        transitions=transitions,
    )


def _repository_of(issue: Mapping[str, Any]) -> str:
    url = str(issue.get("repository_url") or "")
    return "/".join(url.rstrip("/").split("/")[-2:]) if url else ""
