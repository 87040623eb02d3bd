"""Handmade delivery data whose metrics can be checked by hand, and the demo workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from leadline.delivery.models import (
    Change,
    Deployment,
    Incident,
    StatusMapping,
    Transition,
    WorkItem,
)
from leadline.workspaces.models import Role, Team


def at(day: int, hour: int = 9, month: int = 1) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


WORKFLOW = [("To Do", "backlog", False), ("In Progress", "active", False),
            ("Review", "active", True), ("Done", "done", False)]  # fmt: skip

# key: [(status, at)]: A finishes the day it starts (1 day), B takes 6..10 Jan (5 days, half
# of it waiting in review), C started 7 Jan and is still in progress.
HISTORIES = {
    "T-1": [("In Progress", at(5, 10)), ("Done", at(5, 15))],
    "T-2": [("In Progress", at(6)), ("Review", at(8)), ("Done", at(10))],
    "T-3": [("In Progress", at(7))],
}


@pytest.fixture
def small(make_user: Any, make_workspace: Any) -> Any:
    """Return (workspace, team, user): three items, three deployments, two incidents."""
    user = make_user("lead")
    workspace = make_workspace("Small", {user: Role.LEAD})
    team = Team.objects.create(workspace=workspace, name="Team A", slug="team-a")
    for n, (status, category, waiting) in enumerate(WORKFLOW):
        StatusMapping.objects.create(
            workspace=workspace, source="jira", status=status, category=category,
            waiting=waiting, position=n,
        )  # fmt: skip
    for key, history in HISTORIES.items():
        item = WorkItem.objects.create(
            workspace=workspace, team=team, source="jira", key=key, type="Story",
            created=at(1), status=history[-1][0],
        )  # fmt: skip
        previous = "To Do"
        for seq, (status, when) in enumerate(history):
            Transition.objects.create(
                item=item, seq=seq, at=when, from_status=previous, to_status=status
            )
            previous = status
    common = {"workspace": workspace, "team": team, "source": "github"}
    for ext, finished, unplanned, changes in (
        ("d1", at(5, 12), False, ["c1"]),
        ("d2", at(6, 12), False, []),
        ("d3", at(12, 12), True, []),
    ):
        Deployment.objects.create(
            **common, external_id=ext, service="api", environment="production",
            status="success", finished=finished, is_production=True, unplanned=unplanned,
            change_ids=changes,
        )  # fmt: skip
    Change.objects.create(
        **common, external_id="c1", kind="commit", repository="api", first_commit_at=at(4, 12)
    )
    # 8 h after d2, resolved 10 h after it; and 30 h after d3 (outside a 24 h window).
    Incident.objects.create(
        **common, external_id="i1", service="api", started=at(6, 20), resolved=at(6, 22)
    )
    Incident.objects.create(
        **common, external_id="i2", service="api", started=at(13, 18), resolved=at(13, 19)
    )
    return workspace, team, user


@pytest.fixture
def demo(db: Any) -> Any:
    """Build the demo workspace (~5 s) and return its build context."""
    from leadline.demo.builder import build_demo

    return build_demo()
