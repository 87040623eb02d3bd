"""Days on pages and in the API run midnight to midnight in LEADLINE_TIME_ZONE."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from leadline.dashboards import services
from leadline.dashboards.forecasts import daily_throughput
from leadline.dashboards.scope import parse_scope
from leadline.delivery.imports import import_records
from leadline.delivery.models import StatusMapping
from leadline.records import TransitionRecord, WorkItemRecord

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def workspace(make_workspace):
    ws = make_workspace("Sydney")
    # Started 10 March 02:00 UTC (13:00 in Sydney); finished 10 March 20:00 UTC, which is
    # 11 March 07:00 in Sydney.
    moves = [(_at(9, 1), "To Do"), (_at(10, 2), "Doing"), (_at(10, 20), "Done")]
    item = WorkItemRecord(
        source="csv", key="T-1", title="t", created=_at(9, 1), type="Story", status="Done",
        transitions=[TransitionRecord("T-1", at, None, s) for at, s in moves],
    )  # fmt: skip
    import_records(ws, [item])
    for status, category in (("To Do", "backlog"), ("Doing", "active"), ("Done", "done")):
        StatusMapping.objects.filter(workspace=ws, status=status).update(category=category)
    return ws


@pytest.mark.parametrize(
    ("zone", "finished_on", "cycle_days"),
    [("UTC", date(2025, 3, 10), 1), ("Australia/Sydney", date(2025, 3, 11), 2)],
)
def test_finishes_and_cycle_times_fall_on_the_local_day(
    workspace, settings, zone, finished_on, cycle_days
):
    settings.TIME_ZONE = zone
    scope = parse_scope(workspace, None, {"start": "2025-03-01", "end": "2025-03-31"})
    data = services.flow(scope, quality=False)
    (row,) = data["cycle_times"]
    assert (row["finished_date"], row["cycle_time_days"]) == (finished_on, cycle_days)
    days = daily_throughput(scope).filter(daily_throughput(scope)["count"] > 0)
    assert days.get_column("day").to_list() == [finished_on]


def test_as_of_the_utc_day_the_item_is_still_in_progress_in_sydney(workspace, settings):
    settings.TIME_ZONE = "Australia/Sydney"
    scope = parse_scope(workspace, None, {"start": "2025-03-01", "end": "2025-03-10"})
    data = services.flow(scope, quality=False)
    assert data["cycle_times"] == [] and [r["key"] for r in data["aging"]] == ["T-1"]
