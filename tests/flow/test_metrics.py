"""Throughput, WIP, cumulative flow, percentiles, aging WIP, efficiency, blocked time, churn."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadline.flow import (
    aging_wip,
    blocked_time,
    cumulative_flow,
    cycle_times,
    flow_efficiency,
    percentile_trend,
    percentiles,
    plan_churn,
    reopened_items,
    stage_dates,
    throughput,
    wip,
)
from leadline.flow.metrics import daily_counts
from tests.flow.factories import T0, frames, workflow

STATUSES = ["To Do", "In Progress", "In Review", "Done", "Won't Do"]
AS_OF = date(2024, 3, 1)


def _sample():
    return frames(
        {
            1: [(0, "To Do"), (1, "In Progress"), (3, "In Review"), (4, "Done")],
            2: [(0, "To Do"), (2, "In Progress"), (4, "Done")],
            3: [(1, "To Do"), (2, "In Progress")],
            4: [(1, "To Do"), (2, "In Progress"), (3, "Won't Do")],
        },
        team={1: "a", 2: "a", 3: "b", 4: "b"},
    )


def test_throughput_includes_zero_days_and_every_team():
    items, tr = _sample()
    dates = stage_dates(items, tr, workflow())
    daily = throughput(dates, date(2024, 1, 7), start=date(2024, 1, 4))
    assert daily.filter(pl.col("team") == "a")["count"].to_list() == [0, 2, 0, 0]
    assert daily.filter(pl.col("team") == "b")["count"].to_list() == [0, 0, 0, 0]
    weekly = throughput(dates, date(2024, 1, 7), period="week")
    assert weekly.filter(pl.col("team") == "a")["count"].sum() == 2


def test_wip_counts_items_in_active_stages_at_end_of_day():
    items, tr = _sample()
    w = wip(items, tr, workflow(), date(2024, 1, 6))
    a = w.filter(pl.col("team") == "a")["wip"].to_list()
    b = w.filter(pl.col("team") == "b")["wip"].to_list()
    assert a == [0, 1, 2, 2, 0, 0]  # Jan 1..6
    assert b == [0, 0, 2, 1, 1, 1]


def test_cumulative_flow_stacks_later_stages():
    items, tr = _sample()
    cfd = cumulative_flow(items, tr, workflow(), date(2024, 1, 5)).filter(pl.col("team") == "a")
    last = cfd.row(-1, named=True)
    assert (last["Backlog"], last["Dev"], last["Review"], last["Done"]) == (2, 2, 2, 2)
    plain = cumulative_flow(items, tr, workflow(), date(2024, 1, 5), stacked=False)
    assert plain.filter(pl.col("team") == "b").row(-1, named=True)["Removed"] == 1


def test_percentiles_read_nearest_rank_per_team():
    data = pl.DataFrame({"team": ["a"] * 10 + ["b"], "cycle_time_days": [*range(1, 11), 4]})
    p = percentiles(data)
    assert p.row(0, named=True) == {
        "team": "a",
        "count": 10,
        "p50": 5,
        "p70": 7,
        "p85": 9,
        "p95": 10,
    }
    assert p.row(1, named=True)["p95"] == 4


def test_percentile_trend_rolls_over_windows():
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(28)]
    data = pl.DataFrame({"team": "a", "finished_date": days, "cycle_time_days": list(range(1, 29))})
    trend = percentile_trend(data, date(2024, 1, 28), every="1w", window="2w")
    assert trend["count"].max() == 14 and trend["p50"].is_sorted()


def test_aging_wip_flags_items_older_than_the_85th_percentile():
    items, tr = frames(
        {i: [(0, "To Do"), (1, "In Progress"), (1 + i, "Done")] for i in range(1, 11)}
        | {20: [(0, "To Do"), (1, "In Progress")], 21: [(0, "To Do"), (40, "In Progress")]}
    )
    dates = stage_dates(items, tr, workflow())
    aged = aging_wip(dates, cycle_times(dates), date(2024, 2, 10))
    risk = dict(zip(aged["item_id"], aged["at_risk"], strict=False))
    assert risk == {20: True, 21: False}
    assert aged.filter(pl.col("item_id") == 20)["beyond"].item() == "p95"


def test_flow_efficiency_counts_waiting_stages_as_waiting():
    items, tr = frames(
        {1: [(0, "To Do"), (1, "In Progress"), (3, "In Review"), (5, "In Progress"), (6, "Done")]}
    )
    eff = flow_efficiency(tr, stage_dates(items, tr, workflow()), workflow())
    row = eff.row(0, named=True)
    assert row["working"] == timedelta(days=3) and row["waiting"] == timedelta(days=2)
    assert row["efficiency"] == pytest.approx(0.6)


def test_blocked_time_merges_overlaps_and_cuts_open_periods_at_as_of():
    def t(d: float) -> datetime:
        return T0 + timedelta(days=d)

    flags = pl.DataFrame(
        {"item_id": [1, 1, 2], "start": [t(0), t(1), t(5)], "end": [t(2), t(3), None]},
        schema={
            "item_id": pl.Int64,
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
        },
    )
    out = blocked_time(flags, T0 + timedelta(days=7), days="exclusive")
    assert out["blocked"].to_list() == [timedelta(days=3), timedelta(days=2)]
    assert out["blocked_days"].to_list() == [3, 2]
    with pytest.raises(ValueError):
        blocked_time(flags, None)


def test_plan_churn_counts_scope_added_and_removed_after_the_sprint_started():
    def t(d: float) -> datetime:
        return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=d)

    changes = pl.DataFrame(
        {
            "item_id": [1, 2, 3, 4, 2],
            "sprint": ["S1"] * 5,
            "at": [t(-1), t(-1), t(-1), t(2), t(3)],
            "added": [True, True, True, True, False],
        }
    )
    sprints = pl.DataFrame({"sprint": ["S1"], "start": [t(0)], "end": [t(14)]})
    ranks = pl.DataFrame({"item_id": [1, 1, 9], "at": [t(1), t(-2), t(1)]})
    row = plan_churn(changes, sprints, rank_changes=ranks).row(0, named=True)
    assert (row["committed"], row["added"], row["removed"], row["reranks"]) == (3, 1, 1, 1)
    assert row["churn"] == pytest.approx(2 / 3)


def test_reopened_items_are_moves_from_done_back_to_work():
    items, tr = frames(
        {1: [(0, "To Do"), (1, "In Progress"), (2, "Done"), (3, "Closed"), (4, "In Review")]}
    )
    out = reopened_items(tr, workflow())
    assert out.select("from_stage", "to_stage").rows() == [("Done", "Review")]


histories = st.dictionaries(
    st.integers(1, 30),
    st.lists(st.tuples(st.integers(0, 20), st.sampled_from(STATUSES)), min_size=1, max_size=6),
    min_size=1,
    max_size=12,
)


def _frames_from(h, teams):
    clean = {k: sorted(v, key=lambda x: x[0]) for k, v in h.items()}
    return frames(clean, team={k: teams[k % len(teams)] for k in clean})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, st.sampled_from([["a"], ["a", "b"]]))
def test_properties_of_daily_flow(h, teams):
    items, tr = _frames_from(h, teams)
    as_of = date(2024, 1, 25)
    dates = stage_dates(items, tr, workflow())
    # Throughput sums equal finished items.
    tp = throughput(dates, as_of, start=date(2024, 1, 1))
    finished = dates.filter(pl.col("finished").is_not_null() & ~pl.col("removed")).height
    assert tp["count"].sum() == finished
    counts = daily_counts(items, tr, workflow(), as_of, start=date(2024, 1, 1))
    # WIP = cumulative arrivals - departures.
    for _, g in counts.group_by("team"):
        g = g.sort("day")
        assert (g["arrivals"].cum_sum() - g["departures"].cum_sum()).to_list() == g["wip"].to_list()
    # CFD lines never cross; every item sits in exactly one stage.
    cfd = cumulative_flow(items, tr, workflow(), as_of, start=date(2024, 1, 1))
    names = ["Backlog", "Dev", "Review", "Done"]
    for a, b in zip(names, names[1:], strict=False):
        assert (cfd[a] >= cfd[b]).all()
    last = cfd.filter(pl.col("day") == as_of)
    assert int(last["Backlog"].sum() + last["Removed"].sum()) == items.height


@settings(max_examples=5, deadline=None)
@given(st.integers(1, 4), st.integers(2, 6))
def test_littles_law_holds_on_stable_flow(arrivals_per_day, cycle_days):
    # Every day `arrivals_per_day` items start and finish `cycle_days` days later.
    hist = {}
    n = 0
    for day in range(120):
        for _ in range(arrivals_per_day):
            n += 1
            hist[n] = [(day, "To Do"), (day + 0.1, "In Progress"), (day + cycle_days + 0.1, "Done")]
    items, tr = frames(hist)
    as_of = date(2024, 4, 1)
    w = wip(items, tr, workflow(), as_of, start=date(2024, 2, 1))["wip"].mean()
    dates = stage_dates(items, tr, workflow())
    tp = throughput(dates, as_of, start=date(2024, 2, 1))["count"].mean()
    ct = cycle_times(dates).filter(pl.col("finished_date") >= date(2024, 2, 1))["cycle_time"]
    ct_days = ct.dt.total_seconds().mean() / 86400
    assert w == pytest.approx(tp * ct_days, rel=0.05)
