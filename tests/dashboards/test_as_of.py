"""Figures for a past as-of date use the history as it stood then, not what happened later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadline.dashboards import services
from leadline.dashboards.forecasts import daily_throughput
from leadline.dashboards.portfolio import portfolio
from leadline.dashboards.scope import parse_scope
from leadline.delivery.imports import import_records
from leadline.delivery.models import StatusMapping
from leadline.records import TransitionRecord, WorkItemRecord
from leadline.workspaces.models import Team

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 3, 3, 10, tzinfo=UTC)


def _item(key: str, *moves: tuple[int, str]) -> WorkItemRecord:
    return WorkItemRecord(
        source="csv", key=key, title=key, created=T0 + timedelta(days=moves[0][0]), type="Story",
        status=moves[-1][1],
        transitions=[TransitionRecord(key, T0 + timedelta(days=d), None, s) for d, s in moves],
    )  # fmt: skip


@pytest.fixture
def workspace(make_workspace):
    ws = make_workspace("As of")
    team = Team.objects.create(workspace=ws, name="Team", slug="team")
    import_records(ws, [
        # done on day 5, reopened on day 20, done again on day 25
        _item("R-1", (0, "To Do"), (1, "Doing"), (5, "Done"), (20, "Doing"), (25, "Done")),
        # in review on the as-of day (day 10), done later
        _item("L-1", (0, "To Do"), (2, "Doing"), (8, "Review"), (15, "Done")),
        # created after the as-of day
        _item("N-1", (12, "To Do"), (13, "Doing")),
    ], team=team)  # fmt: skip
    mapping = {"To Do": "backlog", "Doing": "active", "Review": "active", "Done": "done"}
    for status, category in mapping.items():
        StatusMapping.objects.filter(workspace=ws, status=status).update(category=category)
    return ws


def test_flow_as_of_a_past_day(workspace):
    as_of = (T0 + timedelta(days=10)).date()
    scope = parse_scope(workspace, None, {"start": "2025-03-01", "end": as_of.isoformat()})
    data = services.flow(scope, quality=False)
    assert data["items"] == 2  # N-1 did not exist yet
    assert [r["key"] for r in data["cycle_times"]] == ["R-1"]  # finished on day 5, then
    assert [(r["key"], r["stage"]) for r in data["aging"]] == [("L-1", "Review")]
    assert data["headline"]["wip"] == data["wip_daily"][-1]["wip"] == 1
    assert int(daily_throughput(scope).get_column("count").sum()) == 1
    (row,) = portfolio(scope)["teams"]
    assert (row["finished"], row["wip"]) == (1, 1)


def test_the_same_items_today(workspace):
    scope = parse_scope(workspace, None, {"start": "2025-03-01", "end": "2025-04-30"})
    data = services.flow(scope, quality=False)
    assert sorted(r["key"] for r in data["cycle_times"]) == ["L-1", "R-1"]
    assert [r["key"] for r in data["aging"]] == ["N-1"]
