"""DORA, forecast and portfolio figures are cached per scope like the flow dashboard, and every
import refreshes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leadline.dashboards.dora import dora
from leadline.dashboards.forecasts import forecast
from leadline.dashboards.portfolio import portfolio
from leadline.dashboards.scope import parse_scope
from leadline.delivery.imports import import_records
from leadline.records import DeploymentRecord, IncidentRecord, TransitionRecord, WorkItemRecord
from leadline.workspaces.models import Role, Team

RANGE = {"start": "2026-01-01", "end": "2026-03-31"}
FIRST = datetime(2026, 1, 5, 10, tzinfo=UTC)


def _deployment(n: int, status: str = "success") -> DeploymentRecord:
    at = FIRST + timedelta(days=7 * n)
    return DeploymentRecord(
        source="github", external_id=f"d{n}", service="api", environment="production",
        status=status, raw_status=status, started=at, finished=at, is_production=True,
    )  # fmt: skip


@pytest.fixture
def weekly(make_user: Any, make_workspace: Any) -> Any:
    workspace = make_workspace("Weekly", {make_user("lead"): Role.LEAD})
    team = Team.objects.create(workspace=workspace, name="Team W", slug="team-w")
    import_records(workspace, [_deployment(n) for n in range(4)], team=team)
    return workspace, team


def _loads(queries: CaptureQueriesContext) -> int:
    """How many times the deployments themselves were read (not just counted)."""
    return sum("d.change_ids" in q["sql"] for q in queries.captured_queries)


def test_dora_figures_are_computed_once_until_an_import_changes_them(weekly):
    workspace, team = weekly
    scope = parse_scope(workspace, None, RANGE)
    first = dora(scope)
    assert first["range"]["production_deployments"] == 4
    with CaptureQueriesContext(connection) as queries:
        assert dora(parse_scope(workspace, None, RANGE)) == first
    assert _loads(queries) == 0  # served from the cache

    import_records(workspace, [_deployment(4)], team=team)  # a new deployment
    with CaptureQueriesContext(connection) as queries:
        added = dora(parse_scope(workspace, None, RANGE))
    assert _loads(queries) == 1
    assert added["range"]["production_deployments"] == 5

    # A re-import that only changes a stored deployment (same count, same ids) refreshes too.
    import_records(workspace, [_deployment(1, status="failure")], team=team)
    changed = dora(parse_scope(workspace, None, RANGE))
    assert [d["status"] for d in changed["timeline"]["deployments"]].count("failure") == 1

    incident = IncidentRecord(
        source="pagerduty", external_id="i1", title="Down", service="api", severity="high",
        started=FIRST + timedelta(days=7, hours=1), resolved=FIRST + timedelta(days=7, hours=3),
    )  # fmt: skip
    import_records(workspace, [incident], team=team)
    assert len(dora(parse_scope(workspace, None, RANGE))["timeline"]["incidents"]) == 1


def test_each_scope_and_window_has_its_own_figures(weekly):
    workspace, team = weekly
    whole = dora(parse_scope(workspace, None, RANGE))
    narrow = dora(parse_scope(workspace, None, {"start": "2026-01-01", "end": "2026-01-10"}))
    assert (
        whole["range"]["production_deployments"],
        narrow["range"]["production_deployments"],
    ) == (4, 1)
    assert dora(parse_scope(workspace, None, RANGE), window_hours=1)["window_hours"] == 1
    assert dora(parse_scope(workspace, team, RANGE))["label"] == "Team W"
    team.name = "Team Renamed"
    team.save()
    assert dora(parse_scope(workspace, team, RANGE))["label"] == "Team Renamed"


def _history_reads(queries: CaptureQueriesContext) -> int:
    return sum("delivery_transition" in q["sql"] for q in queries.captured_queries)


def _finished_item(key: str, day: int) -> WorkItemRecord:
    moves = [
        TransitionRecord(key, datetime(2026, 1, day, 9, tzinfo=UTC), "To Do", "In Progress"),
        TransitionRecord(key, datetime(2026, 1, day, 15, tzinfo=UTC), "In Progress", "Done"),
    ]
    return WorkItemRecord(
        source="jira", key=key, title=key, created=datetime(2026, 1, 1, tzinfo=UTC),
        status="Done", type="Story", transitions=moves,
    )  # fmt: skip


def test_forecasts_and_the_portfolio_are_computed_once_until_an_import_changes_them(small):
    workspace, team, _ = small
    january = {"start": "2026-01-01", "end": "2026-01-31"}
    before = forecast(parse_scope(workspace, team, january), backtest=False)
    board = portfolio(parse_scope(workspace, None, january))
    with CaptureQueriesContext(connection) as queries:
        assert forecast(parse_scope(workspace, team, january), backtest=False) == before
        assert portfolio(parse_scope(workspace, None, january)) == board
    assert _history_reads(queries) == 0  # both served from the cache

    import_records(workspace, [_finished_item("T-9", 20)], team=team)
    after = forecast(parse_scope(workspace, team, january), backtest=False)
    assert after["inputs"]["total_items"] == before["inputs"]["total_items"] + 1
    finished = {t["team"]: t["finished"] for t in board["teams"]}
    now = {
        t["team"]: t["finished"] for t in portfolio(parse_scope(workspace, None, january))["teams"]
    }
    assert now[team.slug] == finished[team.slug] + 1
    # Other options are other figures.
    assert (
        forecast(parse_scope(workspace, team, january), items=5, backtest=False)["when"]["items"]
        == 5
    )
