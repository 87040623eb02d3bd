"""Load the jira-agile-metrics fixture as normalized records.

Read through the Jira connector's mapping, the same code that reads a real Jira.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from leadline.connectors.jira.mapping import items_from_search_response
from leadline.records import WorkItemRecord

PEER = Path(__file__).resolve().parent.parent / "fixtures" / "peers" / "jira-agile-metrics"


def peer_records() -> list[WorkItemRecord]:
    """Return the 20 fixture issues as records, read by the Jira connector's mapping."""
    data = json.loads((PEER / "search_issues.json").read_text())
    payload = data if isinstance(data, dict) else {"issues": data, "total": len(data)}
    return list(items_from_search_response(payload, source="jira"))


def peer_config() -> dict[str, Any]:
    """Return the peer's YAML config as a dict."""
    return yaml.safe_load((PEER / "config.yml").read_text())
