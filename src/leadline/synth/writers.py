"""Write generated work items as a Jira REST search response or as a transitions CSV."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadline import csvsafe
from leadline.records import WorkItemRecord
from leadline.synth.spec import WORKFLOW

JIRA_BASE = "https://leadline-demo.atlassian.net"
FIELD_STORY_POINTS = "customfield_10016"
FIELD_EPIC_LINK = "customfield_10014"
FIELD_SPRINT = "customfield_10020"
FIELD_FLAGGED = "customfield_10021"
FIELD_NAMES = {
    FIELD_STORY_POINTS: "Story point estimate",
    FIELD_EPIC_LINK: "Epic Link",
    FIELD_SPRINT: "Sprint",
    FIELD_FLAGGED: "Flagged",
}
# The "transitions" shape of leadline.connectors.csv (see its spec.py), core columns first.
CSV_COLUMNS = (
    "key", "title", "type", "created", "status", "at",
    "category", "project", "assignee", "story_points", "epic", "url",
)  # fmt: skip
_STATUS = {s.name: s for s in WORKFLOW}
_CATEGORY_IDS = {"new": 2, "indeterminate": 4, "done": 3}
_CATEGORY_NAMES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
_TYPE_IDS = {"Story": "10001", "Bug": "10004", "Task": "10002", "Epic": "10000"}


def jira_time(dt: datetime) -> str:
    """Format an aware datetime as Jira does: 2024-01-02T10:00:00.000+0000 (always UTC)."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def _status_json(name: str) -> dict[str, Any]:
    s = _STATUS.get(name)
    cat = s.jira_category if s else "indeterminate"
    return {
        "self": f"{JIRA_BASE}/rest/api/2/status/{s.jira_id if s else 1}",
        "name": name,
        "id": str(s.jira_id if s else 1),
        "statusCategory": {"id": _CATEGORY_IDS[cat], "key": cat, "name": _CATEGORY_NAMES[cat]},
    }


def _user(name: str) -> dict[str, str]:
    return {"displayName": name, "accountId": "acc-" + name.lower().replace(" ", "-")}


def _histories(item: WorkItemRecord, next_id: Iterator[int]) -> list[dict[str, Any]]:
    """Build the changelog: status changes, flag set/clear, sprint moves and re-ranks, by time."""
    out: list[tuple[datetime, int, dict[str, Any]]] = []
    for order, t in enumerate(item.transitions):
        frm = _STATUS.get(t.from_status or "")
        to = _STATUS.get(t.to_status)
        change = {
            "field": "status",
            "fieldtype": "jira",
            "fieldId": "status",
            "from": str(frm.jira_id) if frm else None,
            "fromString": t.from_status,
            "to": str(to.jira_id) if to else None,
            "toString": t.to_status,
        }
        hid = t.external_id or str(next(next_id))
        out.append(
            (t.at, order, {"id": hid, "author": _user(t.by), "created": t.at, "items": [change]})
        )
    flag = {"field": "Flagged", "fieldtype": "custom", "fieldId": FIELD_FLAGGED}
    for f in item.flags:
        on = {**flag, "from": None, "fromString": None, "to": "[10019]", "toString": "Impediment"}
        out.append((f.start, 1, {"id": str(next(next_id)), "created": f.start, "items": [on]}))
        if f.end is not None:
            off = {
                **flag,
                "from": "[10019]",
                "fromString": "Impediment",
                "to": None,
                "toString": None,
            }
            out.append((f.end, -1, {"id": str(next(next_id)), "created": f.end, "items": [off]}))
    current: list[str] = []
    sprint = {"field": "Sprint", "fieldtype": "custom", "fieldId": FIELD_SPRINT}
    for sc in item.sprint_changes:
        before = ", ".join(current)
        current = [*current, sc.sprint] if sc.added else [s for s in current if s != sc.sprint]
        change = {
            **sprint,
            "from": "",
            "fromString": before,
            "to": "",
            "toString": ", ".join(current),
        }
        out.append((sc.at, 2, {"id": str(next(next_id)), "created": sc.at, "items": [change]}))
    for rc in item.rank_changes:  # Jira logs a re-rank as "Rank" and a priority change by name
        field = (
            {"field": "Rank", "fieldtype": "custom", "fieldId": "customfield_10019"}
            if rc.kind == "rank"
            else {"field": "priority", "fieldtype": "jira", "fieldId": "priority"}
        )
        change = {**field, "from": None, "fromString": rc.from_value or None}
        change |= {"to": None, "toString": rc.to_value or None}
        out.append((rc.at, 3, {"id": str(next(next_id)), "created": rc.at, "items": [change]}))
    out.sort(key=lambda h: (h[0], h[1]))
    histories = [h for _, _, h in out]
    for h in histories:
        h["created"] = jira_time(h["created"])
        h.setdefault("author", _user(item.assignees[0] if item.assignees else "Automation"))
    return histories


def jira_issue(item: WorkItemRecord, issue_id: int, next_id: Iterator[int]) -> dict[str, Any]:
    """Turn one work item into a Jira issue with its changelog expanded."""
    fields: dict[str, Any] = {
        "summary": item.title,
        "issuetype": {"id": _TYPE_IDS.get(item.type, "10002"), "name": item.type, "subtask": False},
        "status": _status_json(item.status),
        "created": jira_time(item.created),
        "updated": jira_time(item.updated or item.created),
        "resolutiondate": jira_time(item.resolved) if item.resolved else None,
        "resolution": {"name": item.resolution} if item.resolution else None,
        "project": {"key": item.project, "name": item.project},
        "priority": {"name": item.priority} if item.priority else None,
        "labels": list(item.labels),
        "components": [{"name": c} for c in item.components],
        "assignee": _user(item.assignees[0]) if item.assignees else None,
        FIELD_STORY_POINTS: item.story_points,
        FIELD_EPIC_LINK: item.epic_key or None,
        FIELD_SPRINT: [{"name": s, "state": "closed"} for s in item.sprints] or None,
        FIELD_FLAGGED: (
            [{"value": "Impediment", "id": "10019"}]
            if item.flags and item.flags[-1].end is None
            else None
        ),
    }
    if item.epic_key:
        fields["parent"] = {"key": item.epic_key, "fields": {"issuetype": {"name": "Epic"}}}
    histories = _histories(item, next_id)
    return {
        "expand": "operations,changelog",
        "id": str(issue_id),
        "self": f"{JIRA_BASE}/rest/api/2/issue/{issue_id}",
        "key": item.key,
        "fields": fields,
        "changelog": {
            "startAt": 0,
            "maxResults": len(histories),
            "total": len(histories),
            "histories": histories,
        },
    }


def write_jira_json(items: Iterable[WorkItemRecord], path: str | Path) -> int:
    """Stream items to ``path`` as one Jira search response; return how many were written.

    Works on a generator: ``total`` and ``maxResults`` are filled in after the last issue
    (in space-padded slots, so the file stays valid JSON).
    """
    slot = " " * 20
    counter = iter(range(10**12, 10**13))
    n = 0
    with open(path, "wb") as out:
        out.write(b'{"expand":"names,schema","startAt":0,"maxResults":')
        pos_max = out.tell()
        out.write(f'{slot},"total":{slot},"names":{json.dumps(FIELD_NAMES)},"issues":['.encode())
        for item in items:
            if n:
                out.write(b",\n")
            out.write(
                json.dumps(jira_issue(item, 10_000 + n, counter), ensure_ascii=False).encode()
            )
            n += 1
        out.write(b"]}\n")
        out.seek(pos_max)
        out.write(f'{n:<20},"total":{n:<20}'.encode())
    return n


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_csv(items: Iterable[WorkItemRecord], path: str | Path) -> int:
    """Write one row per status entered (``key,title,type,created,status,at,...``); return rows.

    This is the CSV connector's "transitions" kind. Each item's first row is its initial
    status at ``created``; times are ISO 8601 UTC with a ``Z``, to the second.
    """
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        w = csvsafe.writer(out)
        w.writerow(CSV_COLUMNS)
        for item in items:
            created = _iso(item.created)
            first = item.transitions[0].from_status if item.transitions else item.status
            entered = [(first or item.status, created)] + [
                (t.to_status, _iso(t.at)) for t in item.transitions
            ]
            points = "" if item.story_points is None else f"{item.story_points:g}"
            assignee = item.assignees[0] if item.assignees else ""
            for status, at in entered:
                category = _STATUS[status].category.value if status in _STATUS else ""
                w.writerow((item.key, item.title, item.type, created, status, at, category,
                            item.project, assignee, points, item.epic_key, item.url))  # fmt: skip
            rows += len(entered)
    return rows
