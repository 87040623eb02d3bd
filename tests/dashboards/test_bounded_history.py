"""What a computation reads is bounded by the question asked, never by the oldest stored date:
one item dated in year 1 must not make every figure of its team compute 740,000 days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from leadline import bounds
from leadline.dashboards.forecasts import daily_throughput, forecast
from leadline.dashboards.scope import Scope
from leadline.delivery.models import Transition, WorkItem
from leadline.flow import daily_counts, stage_dates, throughput
from leadline.flow.jam import cfd, histogram
from leadline.flow.jam import throughput as jam_throughput
from leadline.flow.workflow import JIRA_AGILE_METRICS

AS_OF = date(2026, 1, 31)


@pytest.fixture
def ancient(small):
    """The small workspace plus one item created, started and finished in year 1."""
    workspace, team, user = small
    item = WorkItem.objects.create(
        workspace=workspace, team=team, source="jira", key="T-0", type="Story",
        created=datetime(1, 1, 1, tzinfo=UTC), status="Done",
    )  # fmt: skip
    for seq, (before, after, day) in enumerate(
        [("To Do", "In Progress", 2), ("In Progress", "Done", 3)]
    ):
        Transition.objects.create(
            item=item, seq=seq, at=datetime(1, 1, day, tzinfo=UTC), from_status=before,
            to_status=after,
        )  # fmt: skip
    return workspace, team, user


def _frames(workspace, team):
    from leadline.delivery.services import load_frames, workflow_for
    from leadline.flow import StageOptions

    items, transitions = load_frames(workspace, team)[:2]
    workflow = workflow_for(workspace)
    dates = stage_dates(items, transitions, workflow, StageOptions(), strict=False)
    return items, transitions, workflow, dates


def test_engine_day_grids_without_a_start_reach_back_at_most_ten_years(ancient):
    workspace, team, _ = ancient
    items, transitions, workflow, dates = _frames(workspace, team)
    daily = throughput(dates, AS_OF)
    assert daily.height == bounds.MAX_RANGE_DAYS
    counts = daily_counts(items, transitions, workflow, AS_OF, strict=False)
    assert counts.height == bounds.MAX_RANGE_DAYS
    # The year-1 item's moves fold into the first day: it counts as done from then on.
    assert counts.row(0, named=True)["Done"] == 1
    # Recent finishes are all there.
    assert daily.filter(pl.col("day") >= date(2026, 1, 1)).get_column("count").sum() == 2


def test_peer_compatible_outputs_are_bounded_too(ancient):
    workspace, team, _ = ancient
    _, _, workflow, _ = _frames(workspace, team)
    from leadline.delivery.services import load_frames

    items, transitions = load_frames(workspace, team)[:2]
    dates = stage_dates(items, transitions, workflow, JIRA_AGILE_METRICS, strict=False)
    flow = cfd(dates, workflow)
    assert flow.height <= bounds.MAX_RANGE_DAYS
    assert flow.get_column("Done").max() == 3  # the year-1 item still counts, on the first day
    assert jam_throughput(dates, workflow).height <= bounds.MAX_RANGE_DAYS
    assert len(histogram([0.5, 740_000.0])) == bounds.MAX_RANGE_DAYS


def test_a_forecast_reads_its_window_and_backtest_span_only(ancient):
    workspace, team, _ = ancient
    scope = Scope(workspace, team, date(2025, 11, 9), AS_OF)
    since = date(2025, 12, 1)
    assert daily_throughput(scope, since=since).get_column("day").min() == since
    result = forecast(scope, items=5, days=14, trials=200)
    weeks = bounds.BACKTEST_DAYS // 7 + 1
    assert result["backtest"]["forecasts"] <= weeks
    assert result["inputs"]["window_start"] == date(2025, 11, 9)


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("flow", "start=0001-01-01", "start"),
        ("flow", "end=9999-12-31", "end"),
        ("flow", "start=2001-01-01&end=2026-01-01", "start"),
        ("dora", "start=1900-01-01", "start"),
        ("portfolio", "end=9999-12-31", "end"),
        ("forecast/when", "end=0001-01-01", "end"),
        ("forecast/when", "items=10001", "items"),
        ("forecast/when", "trials=100001", "trials"),
        ("forecast/how-many", "by=9999-12-31", "by"),
        ("forecast/how-many", "days=3651", "days"),
        ("dora", "window=2161", "window"),
    ],
)
def test_dashboard_dates_and_numbers_out_of_bounds_are_a_422_naming_them(
    small, api_for, path, query, field
):
    workspace, _, user = small
    response = api_for(user).get(f"/api/v1/workspaces/{workspace.slug}/metrics/{path}?{query}")
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_the_pages_say_why_an_implausible_date_is_not_used(small, client_for):
    workspace, _, user = small
    response = client_for(user).get(f"/w/{workspace.slug}/delivery/?start=0001-01-01")
    assert response.status_code == 200
    assert "outside the dates Leadline accepts" in response.content.decode()


def test_parameters_that_may_repeat_still_do(small, api_for):
    workspace, team, user = small
    url = f"/api/v1/workspaces/{workspace.slug}/metrics/flow?type=Story&type=Bug&team={team.slug}"
    response = api_for(user).get(url)
    assert response.status_code == 200 and response.json()["types"] == ["Story", "Bug"]
