"""The dashboard services on handmade data (numbers checked by hand) and on the demo."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from leadline.dashboards.dora import dora
from leadline.dashboards.forecasts import forecast
from leadline.dashboards.portfolio import portfolio
from leadline.dashboards.scope import Scope, parse_scope
from leadline.dashboards.services import flow

JAN = {"start": "2026-01-01", "end": "2026-01-20"}


def scope_of(workspace, team=None, query=JAN, **kw) -> Scope:
    return parse_scope(workspace, team, query, **kw)


def test_cycle_times_are_whole_calendar_days_inclusive(small):
    workspace, team, _ = small
    data = flow(scope_of(workspace, team))
    times = {r["key"]: r["cycle_time_days"] for r in data["cycle_times"]}
    assert times == {"T-1": 1, "T-2": 5}  # same day = 1 day; 6..10 Jan = 5 days
    assert data["percentiles"] == {"count": 2, "p50": 1, "p70": 5, "p85": 5, "p95": 5}


def test_headline_counts_wip_throughput_and_the_oldest_item(small):
    workspace, team, _ = small
    head = flow(scope_of(workspace, team))["headline"]
    # Weeks starting 29 Dec, 5, 12 and 19 Jan: 2 items over 4 weeks.
    assert head["finished"] == 2 and head["throughput_per_week"] == 0.5
    assert head["wip"] == 1 and head["oldest_key"] == "T-3"
    assert head["oldest_age_days"] == 14  # 7..20 Jan inclusive
    assert head["cycle_time_p85"] == 5 and head["at_risk"] == 1


def test_weekly_throughput_keeps_zero_weeks(small):
    workspace, team, _ = small
    weekly = flow(scope_of(workspace, team))["throughput_weekly"]
    assert [(w["week"], w["count"]) for w in weekly] == [
        (date(2025, 12, 29), 0), (date(2026, 1, 5), 2), (date(2026, 1, 12), 0),
        (date(2026, 1, 19), 0),
    ]  # fmt: skip


def test_flow_efficiency_counts_review_as_waiting(small):
    workspace, team, _ = small
    eff = flow(scope_of(workspace, team))["flow_efficiency"]
    # T-1: 5 h working of 5 h; T-2: 48 h working, 48 h waiting in review.
    assert eff["pooled"] == round(53 / 101, 3) and eff["median"] == 0.75 and eff["items"] == 2


def test_cfd_and_wip_are_end_of_day_counts(small):
    workspace, team, _ = small
    data = flow(scope_of(workspace, team))
    by_day = {r["day"]: r for r in data["wip_daily"]}
    assert by_day[date(2026, 1, 5)]["wip"] == 0  # T-1 started and finished that day
    assert by_day[date(2026, 1, 7)]["wip"] == 2
    assert by_day[date(2026, 1, 20)]["wip"] == 1
    last = data["cfd"][-1]
    assert (last["To Do"], last["In Progress"], last["Done"]) == (0, 1, 2)


def test_type_filter_and_empty_range(small):
    workspace, team, _ = small
    assert flow(scope_of(workspace, team, {**JAN, "type": "Bug"}))["items"] == 0
    data = flow(scope_of(workspace, team, {"start": "2026-01-11", "end": "2026-01-20"}))
    assert data["cycle_times"] == [] and data["headline"]["wip"] == 1


def test_a_bad_range_is_refused(small):
    from django.core.exceptions import ValidationError

    workspace, team, _ = small
    with pytest.raises(ValidationError):
        scope_of(workspace, team, {"start": "2026-02-01", "end": "2026-01-01"})


def test_dora_figures_on_handmade_deployments(small):
    workspace, team, _ = small
    whole = dora(scope_of(workspace, team))["range"]
    assert whole["production_deployments"] == 3 and whole["failed_deployments"] == 1
    assert whole["change_failure_rate"]["value"] == pytest.approx(1 / 3, abs=1e-3)
    assert whole["recovery_time"]["value"] == 10.0  # d2 at 12:00 → incident resolved 22:00
    assert whole["lead_time_for_changes"]["value"] == 24.0
    assert whole["rework_rate"]["value"] == pytest.approx(1 / 3, abs=1e-3)
    assert whole["deployment_frequency"]["value"] == 0.75  # 3 deployment days in 4 weeks
    assert whole["downtime_per_release"]["value"] == pytest.approx(2 / 3, abs=1e-3)
    assert whole["change_failure_rate"]["tier"] == "low"
    assert whole["recovery_time"]["tier"] == "high"


def test_the_attribution_window_decides_which_incidents_count(small):
    workspace, team, _ = small
    wide = dora(scope_of(workspace, team), window_hours=48)
    assert wide["range"]["failed_deployments"] == 2  # the incident 30 h after d3 now counts
    assert "within 48 h" in wide["metrics"][2]["definition"]
    assert wide["report_year"] == 2023


def test_portfolio_lists_each_team(small):
    workspace, _, _ = small
    data = portfolio(scope_of(workspace))
    (row,) = data["teams"]
    assert (row["team"], row["wip"], row["finished"], row["cycle_time_p85"]) == ("team-a", 1, 2, 5)
    assert row["change_failure_rate"] == pytest.approx(0.333, abs=1e-3)


def test_forecast_without_throughput_has_no_dates(small):
    workspace, team, _ = small
    data = forecast(scope_of(workspace, team, {"end": "2026-01-20"}), items=5, days=10,
                    window_days=7, trials=500, backtest=False)  # fmt: skip
    assert all(p["date"] is None for p in data["when"]["percentiles"])
    assert all(p["items"] == 0 for p in data["how_many"]["percentiles"])


# --- the demo workspace ---------------------------------------------------------------------


def test_demo_dora_improves_after_the_change_in_ways_of_working(demo):
    data = dora(parse_scope(demo.workspace, None, {}, default_days=730))
    cut = data["end"] - timedelta(days=330)
    before = [m for m in data["trend"] if m["month"] < cut - timedelta(days=31)]
    after = [m for m in data["trend"] if m["month"] > cut + timedelta(days=31)]

    def mean(rows, key):
        values = [r[key]["value"] for r in rows if r[key]["value"] is not None]
        return sum(values) / len(values)

    assert mean(after, "deployment_frequency") > 1.5 * mean(before, "deployment_frequency")
    assert mean(after, "lead_time_for_changes") < mean(before, "lead_time_for_changes") / 2
    assert mean(after, "downtime_per_release") < 1.0 < 5.0 < mean(before, "downtime_per_release")
    assert {t["team"] for t in data["by_team"]} == {"checkout", "mobile", "platform", "data"}


def test_demo_forecast_percentiles_are_monotone(demo):
    data = forecast(parse_scope(demo.workspace, None, {"teams": "checkout,mobile"}),
                    items=30, days=21, trials=2000)  # fmt: skip
    days = [p["days"] for p in data["when"]["percentiles"]]
    counts = [p["items"] for p in data["how_many"]["percentiles"]]
    assert days == sorted(days) and days[0] > 0
    assert counts == sorted(counts, reverse=True) and counts[-1] > 0
    assert data["label"] == "Checkout + Mobile"
    calibration = data["backtest"]["calibration"]
    assert {r["question"] for r in calibration} == {"when", "how_many"}
    assert all(0 <= r["hit_rate"] <= 1 for r in calibration)
