"""Epics are left out unless item types are chosen; blocked time reads flags from the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from leadline.dashboards import services
from leadline.dashboards.forecasts import daily_throughput
from leadline.dashboards.portfolio import portfolio
from leadline.dashboards.scope import parse_scope
from leadline.delivery.imports import import_records
from leadline.delivery.models import StatusMapping
from leadline.delivery.services import team_daily_throughput
from leadline.records import TransitionRecord, WorkItemRecord
from leadline.workspaces.models import Team

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 1, 6, 9, tzinfo=UTC)


def _item(key: str, type_: str, days: list[int], epic: str = "") -> WorkItemRecord:
    statuses = ["To Do", "In Progress", "Done"][: len(days)]
    return WorkItemRecord(
        source="csv", key=key, title=key, created=T0 + timedelta(days=days[0]), type=type_,
        status=statuses[-1], epic_key=epic,
        transitions=[
            TransitionRecord(key, T0 + timedelta(days=d), None, s)
            for d, s in zip(days, statuses, strict=True)
        ],
    )  # fmt: skip


@pytest.fixture
def workspace(make_workspace):
    ws = make_workspace("Epics")
    team = Team.objects.create(workspace=ws, name="Alpha", slug="alpha")
    import_records(
        ws,
        [
            _item("E-1", "Epic", [0, 1, 60]),  # an epic open for two months
            _item("E-2", "Epic", [0, 2]),  # an epic still in progress
            _item("S-1", "Story", [3, 4, 8], epic="E-1"),
            _item("S-2", "Story", [5, 6, 9], epic="E-1"),
            _item("S-3", "Story", [10, 11], epic="E-2"),
            _item("B-1", "Bug", [12, 13, 14]),
        ],
        team=team,
    )
    for status, category in (("To Do", "backlog"), ("In Progress", "active"), ("Done", "done")):
        StatusMapping.objects.filter(workspace=ws, status=status).update(category=category)
    return ws


def test_flow_figures_leave_epics_out_unless_types_are_chosen(workspace):
    query = {"start": "2025-01-01", "end": "2025-03-31"}
    data = services.flow(parse_scope(workspace, None, query), quality=False)
    assert data["epics_left_out"] == 2
    assert data["items"] == 4
    assert sorted(r["key"] for r in data["cycle_times"]) == ["B-1", "S-1", "S-2"]
    assert [r["key"] for r in data["aging"]] == ["S-3"]
    assert data["percentiles"]["p95"] == 5  # the stories and the bug, not the 60-day epic
    chosen = services.flow(parse_scope(workspace, None, {**query, "type": "Epic,Story"}))
    assert chosen["epics_left_out"] == 0
    assert sorted(r["key"] for r in chosen["cycle_times"]) == ["E-1", "S-1", "S-2"]
    assert sorted(r["key"] for r in chosen["aging"]) == ["E-2", "S-3"]


def test_forecasts_portfolio_and_the_cli_throughput_leave_epics_out(workspace):
    scope = parse_scope(workspace, None, {"start": "2025-01-01", "end": "2025-03-31"})
    assert int(daily_throughput(scope).get_column("count").sum()) == 3
    (alpha,) = portfolio(scope)["teams"]
    assert (alpha["team"], alpha["finished"], alpha["wip"]) == ("alpha", 3, 1)
    counts = team_daily_throughput(workspace.slug, None, scope.end, window_days=120)
    assert sum(counts) == 3


def test_the_flow_page_says_how_many_epics_were_left_out(make_user, workspace, client_for):
    from leadline.workspaces.services import set_membership

    user = make_user("epic-viewer")
    set_membership(workspace, user, "viewer")
    page = client_for(user).get(f"/w/{workspace.slug}/delivery/?start=2025-01-01&end=2025-03-31")
    assert page.status_code == 200
    assert 'data-epics-left-out="2"' in page.content.decode()


def test_blocked_time_reads_closed_and_open_flags_from_the_database(make_workspace):
    from leadline.records import FlagPeriod

    ws = make_workspace("Flags")
    flagged = _item("F-1", "Story", [0, 1, 10])
    open_flag = _item("F-2", "Story", [0, 2])
    flagged = replace(
        flagged, flags=[FlagPeriod("F-1", T0 + timedelta(days=3), T0 + timedelta(days=5))]
    )
    open_flag = replace(open_flag, flags=[FlagPeriod("F-2", T0 + timedelta(days=4, hours=2), None)])
    import_records(ws, [flagged, open_flag])
    for status, category in (("To Do", "backlog"), ("In Progress", "active"), ("Done", "done")):
        StatusMapping.objects.filter(workspace=ws, status=status).update(category=category)
    scope = parse_scope(ws, None, {"start": "2025-01-01", "end": "2025-01-20"})
    blocked = services.flow(scope, quality=False)["blocked"]
    # F-1: 9 to 11 Jan, 3 days inclusive; F-2: open since 10 Jan, to the as-of date 20 Jan: 11.
    assert blocked["items_blocked"] == 1 and blocked["blocked_days"] == 3
    assert {r["key"]: r["blocked_days"] for r in blocked["top"]} == {"F-2": 11, "F-1": 3}
