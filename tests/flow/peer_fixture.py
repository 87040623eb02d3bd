"""Load the jira-agile-metrics fixture as normalized records.

Uses the Jira connector's mapping when it exists; until then a tiny local reading of the same
REST shape (status changes and Flagged changes only).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from leadline.records import FlagPeriod, TransitionRecord, WorkItemRecord

PEER = Path(__file__).resolve().parent.parent / "fixtures" / "peers" / "jira-agile-metrics"


def _ts(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")


def _local_records(issues: list[dict[str, Any]]) -> list[WorkItemRecord]:
    records = []
    for issue in issues:
        f = issue["fields"]
        transitions, flags = [], []
        flag_start: datetime | None = None
        for h in sorted(
            issue.get("changelog", {}).get("histories", []), key=lambda h: h["created"]
        ):
            at = _ts(h["created"])
            for item in h["items"]:
                if item["field"] == "status":
                    transitions.append(
                        TransitionRecord(issue["key"], at, item.get("fromString"), item["toString"])
                    )
                elif item["field"] == "Flagged":
                    if item.get("toString"):
                        flag_start = at
                    elif flag_start is not None:
                        flags.append(FlagPeriod(issue["key"], flag_start, at))
                        flag_start = None
        if flag_start is not None:
            flags.append(FlagPeriod(issue["key"], flag_start, None))
        records.append(
            WorkItemRecord(
                source="jira",
                key=issue["key"],
                title=f["summary"],
                created=_ts(f["created"]),
                status=f["status"]["name"],
                project="TEST",
                type=f["issuetype"]["name"],
                resolution=(f.get("resolution") or {}).get("name", ""),
                transitions=transitions,
                flags=flags,
            )
        )
    return records


def peer_records() -> list[WorkItemRecord]:
    """Return the 20 fixture issues as records (connector mapping when available)."""
    data = json.loads((PEER / "search_issues.json").read_text())
    try:
        from leadline.connectors.jira.mapping import items_from_search_response
    except ImportError:
        return _local_records(data)
    payload = data if isinstance(data, dict) else {"issues": data, "total": len(data)}
    return list(items_from_search_response(payload, source="jira"))


def peer_config() -> dict[str, Any]:
    """Return the peer's YAML config as a dict."""
    return yaml.safe_load((PEER / "config.yml").read_text())
