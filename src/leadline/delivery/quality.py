"""The data-quality report: what in a team's delivery data can't be trusted, and why.

Each check lists the items it found (key and a one-line reason) so a person can go and look.
The report is computed from the stored histories and the workspace's status mappings.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max

from leadline.workspaces.models import Team, Workspace

from .models import ImportProblem, StatusMapping, WorkItem
from .services import ts

RANK = {"backlog": 0, "active": 1, "done": 2}
LIMIT = 200  # items listed per check; the count is always complete

CHECKS = {
    "finished_never_started": "Finished without ever being started (no active stage): "
    "cycle time cannot be measured.",
    "moved_backwards": "Moved backwards (e.g. done → active, active → backlog): rework, or a "
    "board used inconsistently.",
    "changed_after_done": "Status changed after done without reopening (e.g. Done → Closed): "
    "the finish date may be the wrong one.",
    "finished_before_created": "Finished before it was created: a migration or clock artefact.",
    "history_gaps": "Gaps in history: a change starts from a status the item was not in "
    "(a workflow migration or lost changelog entries).",
    "unmapped_statuses": "Statuses with no stage mapping: transitions into them are left out "
    "of every metric until they are mapped.",
    "rejected_rows": "Rows an import rejected as impossible or unreadable.",
}


@dataclass
class Finding:
    check: str
    count: int = 0
    examples: list[dict[str, str]] = field(default_factory=list)

    def add(self, key: str, detail: str) -> None:
        self.count += 1
        if len(self.examples) < LIMIT:
            self.examples.append({"key": key, "detail": detail})


def quality_report(workspace: Workspace, team: Team | None = None) -> dict[str, Any]:
    """Return the report: item totals, and per check its meaning, count and examples."""
    items = WorkItem.objects.filter(workspace=workspace)
    if team is not None:
        items = items.filter(team=team)
    mapping = {
        (m.source, m.status): m.category for m in StatusMapping.objects.filter(workspace=workspace)
    }
    findings = {name: Finding(name) for name in CHECKS}
    # Raw rows, timestamps left as the database returns them cheaply (text on SQLite, epoch µs
    # on PostgreSQL): the checks only compare them, and format the few shown as examples.
    where, params = "i.workspace_id = %s", [workspace.pk]
    if team is not None:
        where += " AND i.team_id = %s"
        params.append(team.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i.id, i.key, i.source, {ts('i.created')} FROM delivery_workitem i "
            f"WHERE {where}",
            params,
        )
        info = {pk: (key, source, created) for pk, key, source, created in cursor.fetchall()}
        cursor.execute(
            f"SELECT x.item_id, {ts('x.at')}, x.from_status, x.to_status "
            "FROM delivery_transition x JOIN delivery_workitem i ON i.id = x.item_id "
            f"WHERE {where} ORDER BY x.item_id, x.seq",
            params,
        )
        history: dict[int, list[tuple[Any, str | None, str]]] = defaultdict(list)
        for item_id, at, from_status, to_status in cursor.fetchall():
            history[item_id].append((at, from_status, to_status))
    unmapped: dict[str, int] = defaultdict(int)
    for pk, (key, source, created) in info.items():
        _check_item(key, source, created, history.get(pk, []), mapping, findings, unmapped)
    for status, n in sorted(unmapped.items(), key=lambda kv: -kv[1]):
        findings["unmapped_statuses"].count += 1
        findings["unmapped_statuses"].examples.append(
            {"key": status, "detail": f"{n} transitions into it"}
        )
    problems = ImportProblem.objects.filter(workspace=workspace)
    for problem in problems[:LIMIT]:
        findings["rejected_rows"].examples.append(
            {"key": problem.location, "detail": problem.message}
        )
    findings["rejected_rows"].count = problems.count()
    affected = sum(
        f.count for n, f in findings.items() if n not in ("unmapped_statuses", "rejected_rows")
    )
    return {
        "workspace": workspace.slug,
        "team": team.slug if team else None,
        "items": len(info),
        "transitions": sum(len(h) for h in history.values()),
        "findings": affected,
        "checks": [
            {
                "check": name,
                "meaning": CHECKS[name],
                "count": findings[name].count,
                "examples": findings[name].examples,
            }
            for name in CHECKS
        ],
        "by_type": dict(items.values_list("type").annotate(n=Count("id")).values_list("type", "n")),
    }


def _check_item(
    key: str,
    source: str,
    created: Any,
    history: list[tuple[Any, str | None, str]],
    mapping: dict[tuple[str, str], str | None],
    findings: dict[str, Finding],
    unmapped: dict[str, int],
) -> None:
    previous: str | None = None
    started = done = False
    last_done_at = None
    backwards: list[str] = []
    after_done: list[str] = []
    for at, from_status, to_status in history:
        if previous is not None and from_status is not None and from_status != previous:
            findings["history_gaps"].add(
                key, f"{_day(at)}: left {from_status!r} but was in {previous!r}"
            )
        category = mapping.get((source, to_status))
        if category is None:
            unmapped[to_status] += 1
        before = mapping.get((source, previous)) if previous else None
        if category == "active":
            started = True
        if before in RANK and category in RANK and RANK[category] < RANK[before]:
            backwards.append(f"{previous} → {to_status} on {_day(at)}")
        if before == "done" and category == "done" and previous != to_status:
            after_done.append(f"{previous} → {to_status} on {_day(at)}")
        if category == "done" and before != "done":
            done, last_done_at = True, at
        elif category in ("active", "backlog"):
            done = False
        previous = to_status
    if done and not started:
        findings["finished_never_started"].add(key, "went to done with no active stage")
    if backwards:
        findings["moved_backwards"].add(key, "; ".join(backwards[:3]))
    if after_done:
        findings["changed_after_done"].add(key, "; ".join(after_done[:3]))
    if done and last_done_at is not None and last_done_at < created:
        findings["finished_before_created"].add(
            key, f"finished {_minute(last_done_at)}, created {_minute(created)}"
        )


def _when(value: Any) -> datetime:
    if isinstance(value, int):  # epoch microseconds (PostgreSQL)
        return datetime.fromtimestamp(value / 1_000_000, UTC)
    return datetime.fromisoformat(str(value))


def _day(value: Any) -> str:
    return f"{_when(value):%Y-%m-%d}"


def _minute(value: Any) -> str:
    return f"{_when(value):%Y-%m-%d %H:%M}"


def quality_note(report: dict[str, Any]) -> str:
    """Summarise a report in one sentence, for beside a metric."""
    if not report["items"]:
        return "No items imported yet."
    flagged = [c for c in report["checks"] if c["count"] and c["check"] != "rejected_rows"]
    if not flagged:
        return f"All {report['items']} items passed the data-quality checks."
    parts = [f"{c['count']} {c['check'].replace('_', ' ')}" for c in flagged]
    return f"{report['items']} items; check: " + ", ".join(parts) + "."


def data_version(workspace: Workspace, team: Team | None = None) -> str:
    """Return a key that changes whenever the data behind a quality report can have changed.

    Imports stamp every item they write (``imported_at``); mappings and rejected rows are few,
    so they are read whole. Cheap next to the report itself.
    """
    items = WorkItem.objects.filter(workspace=workspace)
    if team is not None:
        items = items.filter(team=team)
    stamp = items.aggregate(n=Count("id"), last=Max("imported_at"))
    mappings = list(
        StatusMapping.objects.filter(workspace=workspace)
        .order_by("id")
        .values_list("id", "category", "waiting")
    )
    problems = ImportProblem.objects.filter(workspace=workspace).aggregate(
        n=Count("id"), m=Max("id")
    )
    raw = repr((stamp, mappings, problems)).encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def cached_quality_report(workspace: Workspace, team: Team | None = None) -> dict[str, Any]:
    """Return :func:`quality_report`, recomputed only when the data changed since last time."""
    key = f"quality:{workspace.pk}:{team.pk if team else 'all'}:{data_version(workspace, team)}"
    report = cache.get(key)
    if report is None:
        report = quality_report(workspace, team)
        cache.set(key, report, timeout=24 * 3600)
    return report
