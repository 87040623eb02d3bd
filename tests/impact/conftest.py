"""The before/after test world: a team with a release history that changed on a known day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

CHANGE = date(2025, 6, 2)  # announced: fortnightly releases from here
# Quarterly releases before the change (every 91-119 days, 6-8 hours down each), fortnightly
# after it (half an hour down every fourth release, none otherwise).
TRAIN = [
    date(2024, 3, 4),
    date(2024, 6, 10),
    date(2024, 9, 16),
    date(2025, 1, 6),
    date(2025, 4, 28),
]
TRAIN_DOWN = [6.5, 7.0, 8.0, 6.0, 7.5]
FORTNIGHTLY = [CHANGE + timedelta(days=7 + 14 * k) for k in range(20)]


@dataclass
class World:
    workspace: Any
    other: Any
    member: Any
    viewer: Any
    team: Any


def release_records(team_key: str = "svc") -> list[Any]:
    """Releases with their production deployments and downtime incidents."""
    from leadline.records import DeploymentRecord, IncidentRecord, ReleaseRecord

    out: list[Any] = []
    days = [(d, h) for d, h in zip(TRAIN, TRAIN_DOWN, strict=True)]
    days += [(d, 0.5 if k % 4 == 0 else 0.0) for k, d in enumerate(FORTNIGHTLY)]
    for n, (day, down) in enumerate(days, start=1):
        at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
        tag = f"v1.{n}.0"
        for service in (f"{team_key}-api", f"{team_key}-web"):
            dep = f"{service}-prod-{n}"
            out.append(DeploymentRecord(
                "github", dep, service, "production", "success", "SUCCESS", at,
                at + timedelta(minutes=20), ref=tag, is_production=True,
            ))  # fmt: skip
            out.append(ReleaseRecord("github", f"{service}@{tag}", service, tag, tag, at))
            if down and service.endswith("api"):
                out.append(IncidentRecord(
                    "pagerduty", f"INC-{n}", f"Down during {tag}", service, "SEV2", at,
                    resolved=at + timedelta(hours=down), status="resolved", deployment_id=dep,
                ))  # fmt: skip
                # A second incident overlapping the first: downtime counts the hours once.
                out.append(IncidentRecord(
                    "pagerduty", f"INC-{n}-b", f"Errors during {tag}", service, "SEV3",
                    at + timedelta(hours=down / 2), resolved=at + timedelta(hours=down),
                    status="resolved", deployment_id=dep,
                ))  # fmt: skip
        if n == 3:  # a fix release the day after: not a release of its own
            fix = datetime(day.year, day.month, day.day, 10, tzinfo=UTC) + timedelta(days=1)
            out.append(ReleaseRecord("github", f"{team_key}-api@v1.3.1", f"{team_key}-api",
                                     "v1.3.1", "v1.3.1", fix))  # fmt: skip
    return out


@pytest.fixture
def world(make_user, make_workspace) -> World:
    from leadline.delivery.imports import import_records
    from leadline.workspaces.models import Team

    member, viewer, stranger = make_user("mia"), make_user("vic"), make_user("sam")
    ws = make_workspace("Northwind", {member: "member", viewer: "viewer"})
    other = make_workspace("Other", {stranger: "owner"})
    team = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    import_records(ws, release_records(), team=team)
    return World(ws, other, member, viewer, team)
