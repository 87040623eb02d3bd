"""Small builders for engine frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from leadline.flow import Workflow
from leadline.flow.frames import ITEMS_SCHEMA, TRANSITIONS_SCHEMA

T0 = datetime(2024, 1, 1, 10, tzinfo=UTC)


def workflow() -> Workflow:
    return Workflow.from_mapping(
        [
            ("Backlog", "backlog", ["To Do"]),
            ("Dev", "active", ["In Progress"]),
            ("Review", "active", ["In Review"]),
            ("Done", "done", ["Done", "Closed"]),
            ("Removed", "removed", ["Won't Do"]),
        ],
        waiting=["Review"],
    )


def frames(histories: dict[int, list[tuple[float, str]]], team: str | dict[int, str] = "t"):
    """Build (items, transitions) from {item_id: [(day offset, status), ...]}; created = first."""
    items, trans = [], []
    for item_id, steps in histories.items():
        tm = team[item_id] if isinstance(team, dict) else team
        items.append((item_id, f"K-{item_id}", tm, "Story", T0 + timedelta(days=steps[0][0])))
        trans += [(item_id, T0 + timedelta(days=d), s) for d, s in steps]
    return (
        pl.DataFrame(items, schema=ITEMS_SCHEMA, orient="row"),
        pl.DataFrame(trans, schema=TRANSITIONS_SCHEMA, orient="row").sort("item_id", "at"),
    )
