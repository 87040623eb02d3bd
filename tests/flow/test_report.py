"""The one pipeline (flow.report): each step's result, the options that tell its callers apart."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import polars as pl
import pytest

from leadline.flow import (
    JIRA_AGILE_METRICS,
    StageOptions,
    aging_wip,
    cycle_times,
    daily_counts,
    history_as_of,
    percentiles,
    stage_dates,
    throughput,
)
from leadline.flow.jam import cycle_time_table
from leadline.flow.report import SCOPE, FlowReport, ReportOptions, cut_history, flow_report
from tests.flow.factories import T0, frames, workflow

AS_OF = (T0 + timedelta(days=30)).date()
HISTORIES = {
    1: [(0, "To Do"), (1, "In Progress"), (3, "Done")],
    2: [(0, "To Do"), (2, "In Progress"), (9, "In Review"), (12, "Done")],
    3: [(0, "To Do"), (5, "In Progress")],
    4: [(0, "To Do"), (1, "Won't Do")],
    5: [(0, "To Do"), (20, "In Progress"), (25, "Done")],
    6: [(0, "To Do"), (2, "In Progress"), (40, "Done")],  # finishes after the as-of date
    7: [(35, "To Do")],  # created after the as-of date
}


def _report(**options: object) -> FlowReport:
    items, trans = frames(HISTORIES, team={i: "a" if i % 2 else "b" for i in HISTORIES})
    return flow_report(
        items,
        trans,
        workflow(),
        StageOptions(),
        AS_OF,
        ReportOptions(**options),  # type: ignore[arg-type]
    )


def test_the_report_is_each_step_run_in_order():
    items, trans = frames(HISTORIES)
    report = flow_report(items, trans, workflow(), StageOptions(), AS_OF)
    cut_items, cut_trans = history_as_of(items, trans, AS_OF)
    cut_items = cut_items.with_columns(pl.lit("all").alias(SCOPE))
    assert report.items.equals(cut_items) and report.transitions.equals(cut_trans)
    dates = stage_dates(cut_items, cut_trans, workflow(), strict=False).with_columns(
        pl.lit("all").alias(SCOPE)
    )
    assert report.dates.equals(dates)
    cycle = cycle_times(dates)
    assert report.cycle.equals(cycle)
    assert report.counts.equals(
        daily_counts(cut_items, cut_trans, workflow(), AS_OF, by=SCOPE, strict=False)
    )
    assert report.throughput_weekly.equals(throughput(dates, AS_OF, period="week", by=SCOPE))
    assert report.throughput_daily is None
    assert report.percentiles.equals(percentiles(cycle, by=None))
    assert report.aging.equals(aging_wip(dates, cycle, AS_OF, by=SCOPE))
    assert report.measure.column == "cycle_time_days"


def test_history_after_the_as_of_date_is_left_out():
    report = _report()
    assert 7 not in report.items.get_column("item_id").to_list()
    assert sorted(report.cycle.get_column("item_id").to_list()) == [1, 2, 5]
    assert 6 in report.aging.get_column("item_id").to_list()  # still in progress then


def test_the_report_is_frozen():
    report = _report()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.as_of = date(2020, 1, 1)  # type: ignore[misc]


def test_a_range_start_narrows_cycle_times_counts_and_throughput():
    start = (T0 + timedelta(days=10)).date()
    report = _report(start=start)
    assert report.cycle.get_column("item_id").to_list() == [2, 5]
    assert report.counts.get_column("day").min() == start
    assert report.throughput_weekly.get_column("week").min() <= start


def test_daily_throughput_and_grouped_percentiles_on_request():
    report = _report(daily_throughput=True, percentile_groups=("team",))
    assert report.throughput_daily is not None
    assert int(report.throughput_daily.get_column("count").sum()) == 3
    assert set(report.percentiles_by["team"].get_column("team")) == {"a", "b"}


def test_peer_cycle_times_come_from_the_column_dates():
    items, trans = frames(HISTORIES)
    options = dataclasses.replace(JIRA_AGILE_METRICS, tz="UTC")
    report = flow_report(items, trans, workflow(), options, AS_OF, ReportOptions(peer_cycle=True))
    assert report.peer_table is not None
    table = cycle_time_table(report.dates, workflow(), options)
    expected = dict(zip(table["key"], table["cycle_time"], strict=True))
    for key, days in zip(report.cycle["key"], report.cycle["cycle_time_days"], strict=True):
        assert days == expected[key]


def test_lead_time_is_read_when_most_finished_items_never_started():
    never_started = {i: [(0, "To Do"), (i, "Done")] for i in range(1, 5)}
    items, trans = frames({**never_started, 9: [(0, "To Do"), (1, "In Progress"), (4, "Done")]})
    report = flow_report(
        items, trans, workflow(), StageOptions(), AS_OF, ReportOptions(lead_time_fallback=True)
    )
    assert report.measure.name == "lead_time" and report.measure.column == "lead_time_days"
    assert (report.measure.finished, report.measure.started) == (5, 1)
    assert "lead_time_days" in report.cycle.columns
    assert report.percentiles["count"][0] == 5


def test_keep_runs_after_the_cut():
    items, trans = frames(HISTORIES)

    def without_two(i: pl.DataFrame, t: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        assert 7 not in i.get_column("item_id").to_list()  # already cut
        return i.filter(pl.col("item_id") != 2), t.filter(pl.col("item_id") != 2)

    kept, _ = cut_history(items, trans, AS_OF, "UTC", without_two)
    assert sorted(kept.get_column("item_id").to_list()) == [1, 3, 4, 5, 6]
    assert kept.get_column(SCOPE).unique().to_list() == ["all"]
