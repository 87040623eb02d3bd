"""Map GitLab issues (with resource state and label events), incidents and merge requests.

Issues get the same derived status history as GitHub issues (see
:mod:`leadline.connectors.github.issues`): ``open`` -> label statuses (for example scoped
``workflow::`` labels) -> ``closed``; an issue closed because it was moved or marked a
duplicate ends ``not planned`` (removed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from leadline.connectors.github._util import parse_time, require_time
from leadline.connectors.github.issues import IssueEvent, derive_history
from leadline.records import ChangeRecord, IncidentRecord, WorkItemRecord

SOURCE = "gitlab"
_STATE_KIND = {"closed": "closed", "reopened": "reopened"}
_LABEL_KIND = {"add": "labeled", "remove": "unlabeled"}


def _user(user: Mapping[str, Any] | None) -> str:
    return str(user.get("username") or "") if user else ""


def _project(item: Mapping[str, Any]) -> str:
    """Return "group/project" from an item's references or web URL, else its project id."""
    full = str((item.get("references") or {}).get("full") or "")
    if full:
        return full.rsplit("#", 1)[0].rsplit("!", 1)[0]
    url = str(item.get("web_url") or "")
    if "/-/" in url:
        return url.split("/-/", 1)[0].split("://", 1)[-1].split("/", 1)[-1]
    return str(item.get("project_id") or "")


def _removed(issue: Mapping[str, Any]) -> bool:
    return bool(issue.get("moved_to_id") or issue.get("duplicated_to_id"))


def gitlab_events(
    state_events: Iterable[Mapping[str, Any]],
    label_events: Iterable[Mapping[str, Any]],
    *,
    removed: bool = False,
) -> list[IssueEvent]:
    """Turn resource state and label events into history events; other states are ignored.

    ``removed`` marks the closes of an issue that was moved or closed as a duplicate.
    """
    history: list[IssueEvent] = []
    for event in state_events:
        kind = _STATE_KIND.get(str(event.get("state")))
        at = parse_time(event.get("created_at"))
        if kind and at:
            history.append(
                IssueEvent(at, kind, "", removed, _user(event.get("user")), f"s{event.get('id')}")
            )
    for event in label_events:
        kind = _LABEL_KIND.get(str(event.get("action")))
        at = parse_time(event.get("created_at"))
        label = (event.get("label") or {}).get("name")  # None once the label was deleted
        if kind and at and label:
            history.append(
                IssueEvent(
                    at, kind, str(label), False, _user(event.get("user")), f"l{event.get('id')}"
                )
            )
    return history


def map_issue(
    issue: Mapping[str, Any],
    state_events: Iterable[Mapping[str, Any]] = (),
    label_events: Iterable[Mapping[str, Any]] = (),
    *,
    project: str = "",
    label_statuses: Mapping[str, str] | None = None,
) -> WorkItemRecord:
    """Map an issue and its resource events to a work item with a derived status history.

    Without label events, mapped labels the issue carries now count from its creation; a
    closed issue whose close event is missing closes at ``closed_at``.
    """
    project = project or _project(issue)
    key = f"{project}#{issue['iid']}"
    created = require_time(issue.get("created_at"), f"{key} created_at")
    label_events = list(label_events)
    closed_at = parse_time(issue.get("closed_at")) if issue.get("state") == "closed" else None
    status, transitions = derive_history(
        key,
        created,
        gitlab_events(state_events, label_events, removed=_removed(issue)),
        label_statuses=label_statuses,
        creator=_user(issue.get("author")),
        closed_at=closed_at,
        closed_removed=_removed(issue),
        updated=parse_time(issue.get("updated_at")),
        initial_labels=() if label_events else [str(x) for x in issue.get("labels") or []],
    )
    kind = str(issue.get("issue_type") or issue.get("type") or "issue").lower()
    return WorkItemRecord(
        source=SOURCE,
        key=key,
        title=str(issue.get("title") or ""),
        created=created,
        status=status,
        project=project,
        url=str(issue.get("web_url") or ""),
        type=kind,
        labels=[str(x) for x in issue.get("labels") or []],
        assignees=[_user(a) for a in issue.get("assignees") or [] if _user(a)],
        resolution=("moved" if issue.get("moved_to_id") else "duplicate" if _removed(issue) else "")
        if closed_at
        else "",
        resolved=closed_at,
        updated=parse_time(issue.get("updated_at")),
        transitions=transitions,
        story_points=float(issue["weight"]) if issue.get("weight") is not None else None,
    )


def is_incident(issue: Mapping[str, Any]) -> bool:
    """Tell whether an issue is an incident (``issue_type`` or ``type`` says so)."""
    return str(issue.get("issue_type") or issue.get("type") or "").lower() == "incident"


def map_incident(issue: Mapping[str, Any], *, service: str = "") -> IncidentRecord:
    """Map an incident issue: started and detected at creation, resolved at ``closed_at``.

    The service is ``service`` or the project; severity is GitLab's (unknown, low, medium,
    high, critical), lowercased.
    """
    project = _project(issue)
    started = require_time(issue.get("created_at"), f"{project}#{issue.get('iid')} created_at")
    return IncidentRecord(
        source=SOURCE,
        external_id=f"{project}#{issue['iid']}",
        title=str(issue.get("title") or ""),
        service=service or project,
        severity=str(issue.get("severity") or "").lower(),
        started=started,
        detected=started,
        resolved=parse_time(issue.get("closed_at")) if issue.get("state") == "closed" else None,
        status=str(issue.get("state") or ""),
        url=str(issue.get("web_url") or ""),
    )


def map_merge_request(
    mr: Mapping[str, Any], commits: Iterable[Mapping[str, Any]] | None = None, *, project: str = ""
) -> ChangeRecord:
    """Map a merge request; its first commit time is the earliest ``authored_date``.

    A merged MR's sha is its merge commit, else its squash commit, else its head; ``commits``
    keeps the commits' shas.
    """
    project = project or _project(mr)
    first = None
    shas: list[str] = []
    for commit in commits or ():
        if commit.get("id"):
            shas.append(str(commit["id"]))
        when = parse_time(commit.get("authored_date") or commit.get("created_at"))
        if when is not None and (first is None or when < first):
            first = when
    merged = parse_time(mr.get("merged_at"))
    sha = (mr.get("merge_commit_sha") or mr.get("squash_commit_sha")) if merged else None
    return ChangeRecord(
        source=SOURCE,
        external_id=f"{project}!{mr['iid']}",
        kind="pull_request",
        repository=project,
        title=str(mr.get("title") or ""),
        author=_user(mr.get("author")),
        created=parse_time(mr.get("created_at")),
        first_commit_at=first,
        merged=merged,
        sha=str(sha or mr.get("sha") or ""),
        url=str(mr.get("web_url") or ""),
        commits=tuple(shas),
    )
