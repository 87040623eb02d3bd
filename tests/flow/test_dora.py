"""DORA metrics: frequency in deployment days, windowed failure attribution, tiers by year."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from leadline.flow import (
    classify,
    deployment_frequency,
    deployment_rework_rate,
    dora_metrics,
    dora_tiers,
    lead_time_for_changes,
)
from leadline.flow.dora import attribute_incidents


def dt(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 1, day, hour, tzinfo=UTC)


def deployments() -> pl.DataFrame:
    rows = [
        ("d1", "api", "a", "production", "success", dt(1, 9), True, False),
        ("d2", "api", "a", "production", "success", dt(1, 15), True, False),
        ("d3", "api", "a", "production", "success", dt(3), True, True),
        ("d4", "api", "a", "staging", "success", dt(4), False, False),
        ("d5", "web", "b", "production", "failure", dt(4), True, False),
        ("d6", "web", "b", "production", "success", dt(10), True, False),
    ]
    cols = [
        "id",
        "service",
        "team",
        "environment",
        "status",
        "finished",
        "is_production",
        "unplanned",
    ]
    return pl.DataFrame(rows, schema=cols, orient="row")


def incidents() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ["i1", "i2", "i3"],
            "service": ["api", "web", "api"],
            "started": [dt(3, 14), dt(20), dt(1, 16)],
            "resolved": [dt(3, 16), dt(20, 13), dt(1, 17)],
            "deployment_id": [None, None, "d1"],
        }
    )


def test_incident_is_attributed_only_within_the_window_not_to_the_last_deployment_forever():
    links = attribute_incidents(deployments(), incidents(), window_hours=24)
    pairs = sorted(zip(links["dep"].to_list(), links["incident"].to_list(), strict=False))
    # i2 (web, 10 days after d6) is too late; i3 names d1 explicitly.
    assert pairs == [("d1", "i3"), ("d3", "i1")]


def test_deployment_frequency_counts_deployment_days_not_deployments():
    freq = deployment_frequency(deployments(), date(2024, 1, 1), date(2024, 1, 14), by="service")
    api = freq.filter(pl.col("service") == "api").row(0, named=True)
    assert api["deployments"] == 3 and api["deployment_days"] == 2
    assert api["weeks"] == 2 and api["median_days_per_week"] == 1.0
    assert api["tier"] == "high" and api["report_year"] == 2023


def test_lead_time_runs_from_first_commit_or_merge_to_production():
    changes = pl.DataFrame(
        {
            "id": ["c1", "c2", "c3"],
            "first_commit_at": [dt(1, 3), None, dt(1, 1)],
            "merged": [dt(1, 5), dt(2), dt(1, 2)],
            "deployment_id": ["d1", "d3", "d4"],
        }
    )
    per, grouped = lead_time_for_changes(changes, deployments(), by="service")
    assert per.sort("id")["lead_time_hours"].to_list() == [6.0, 24.0]  # c3 went to staging only
    assert grouped.row(0, named=True)["tier"] == "elite"


def test_dora_metrics_per_service_name_the_report_year():
    changes = pl.DataFrame(
        {"id": ["c1"], "first_commit_at": [dt(1, 3)], "merged": [dt(1, 5)], "deployment_id": ["d1"]}
    )
    out = dora_metrics(deployments(), changes, incidents(), date(2024, 1, 1), date(2024, 1, 31))
    api = out.filter(pl.col("service") == "api").row(0, named=True)
    assert api["production_deployments"] == 3 and api["failed_deployments"] == 2
    assert api["change_failure_rate"] == pytest.approx(2 / 3)
    assert api["recovery_median_hours"] == pytest.approx(6.0)  # d1 9h->17h, d3 12h->16h
    assert api["rework_rate"] == pytest.approx(1 / 3)
    assert api["report_year"] == 2023 and api["change_failure_rate_tier"] == "low"


def test_rework_rate_is_the_share_of_unplanned_fixes():
    out = deployment_rework_rate(deployments(), by="team")
    assert out.filter(pl.col("team") == "a")["rework_rate"].item() == pytest.approx(1 / 3)


def test_tiers_follow_the_2023_report_and_other_years_are_named():
    assert dora_tiers(2023)["change_failure_rate"]["elite"] == "5%"
    assert classify("change_failure_rate", 0.05) == "elite"
    assert classify("failed_deployment_recovery_time", 0.5) == "elite"
    assert classify("lead_time_for_changes", 24 * 40) == "low"
    with pytest.raises(ValueError):
        classify("change_failure_rate", 0.1, year=2019)
    with pytest.raises(ValueError):
        dora_tiers(1999)
