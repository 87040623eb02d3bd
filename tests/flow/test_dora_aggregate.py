"""A group's deployment frequency is the median of its services', explainable from its parts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from statistics import median

import polars as pl
import pytest

from leadline.flow import deployment_frequency, dora_metrics

START, END = date(2024, 1, 1), date(2024, 3, 31)  # 13 Monday-started weeks
COLS = ["id", "service", "team", "environment", "status", "finished", "is_production"]
NO_CHANGES = pl.DataFrame(
    schema={"id": pl.Utf8, "first_commit_at": pl.Datetime("us", "UTC"),
            "merged": pl.Datetime("us", "UTC"), "deployment_id": pl.Utf8}
)  # fmt: skip
NO_INCIDENTS = pl.DataFrame(
    schema={"id": pl.Utf8, "service": pl.Utf8, "started": pl.Datetime("us", "UTC"),
            "resolved": pl.Datetime("us", "UTC"), "deployment_id": pl.Utf8}
)  # fmt: skip


def every(days: int, first: date, last: date, service: str, team: str) -> list[tuple]:
    out, d = [], first
    while d <= last:
        at = datetime(d.year, d.month, d.day, 12, tzinfo=UTC)
        out.append((f"{service}-{d}", service, team, "production", "success", at, True))
        d += timedelta(days=days)
    return out


def frame(*parts: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame([r for p in parts for r in p], schema=COLS, orient="row")


def test_four_fortnightly_services_on_different_days_are_not_a_weekly_organisation() -> None:
    # Each service deploys fortnightly (medium); together they deploy on 4 days a fortnight.
    deployments = frame(
        *(every(14, START + timedelta(days=k + 1), END, f"svc-{k}", "t") for k in range(4))
    )
    per_service = deployment_frequency(deployments, START, END, by="service")
    assert set(per_service["tier"]) == {"medium"}
    whole = deployment_frequency(deployments, START, END, by=None).row(0, named=True)
    assert whole["services"] == 4
    assert whole["deployment_days_per_week"] == pytest.approx(
        per_service["deployment_days_per_week"].median()
    )
    assert whole["tier"] == "medium"
    # The pooled figure (days any service deployed) is kept for reference: four times as high.
    assert whole["pooled_days_per_week"] == pytest.approx(4 * whole["deployment_days_per_week"])


def test_a_team_reads_like_its_typical_service_and_the_workspace_like_its_typical_service():
    deployments = frame(
        every(1, START, END, "web", "a"),  # daily
        every(7, START, END, "api", "a"),  # weekly
        every(14, START, END, "app", "b"),  # fortnightly
        every(30, START, END, "batch", "b"),  # monthly
        every(7, START + timedelta(days=3), END, "bff", "b"),  # weekly
    )
    per_service = {
        r["service"]: r["deployment_days_per_week"]
        for r in deployment_frequency(deployments, START, END).to_dicts()
    }
    teams = {
        r["team"]: r for r in deployment_frequency(deployments, START, END, by="team").to_dicts()
    }
    assert teams["a"]["deployment_days_per_week"] == pytest.approx(
        (per_service["web"] + per_service["api"]) / 2
    )
    assert teams["b"]["deployment_days_per_week"] == pytest.approx(per_service["app"])
    assert teams["b"]["services"] == 3
    whole = deployment_frequency(deployments, START, END, by=None).row(0, named=True)
    assert whole["deployment_days_per_week"] == pytest.approx(median(per_service.values())) == 1
    # dora_metrics reads the same figure and tier.
    row = dora_metrics(deployments, NO_CHANGES, NO_INCIDENTS, START, END, by=None).row(
        0, named=True
    )
    assert row["deployment_days_per_week"] == pytest.approx(1.0)
    assert row["services"] == 5 and row["deployment_frequency_tier"] == "high"


def test_a_service_silent_in_the_period_counts_as_zero_and_a_retired_one_not_at_all() -> None:
    deployments = frame(
        every(7, START, END, "api", "a"),
        every(7, START, END, "web", "a"),
        every(30, date(2023, 6, 1), date(2023, 11, 30), "quiet", "a"),  # last seen in November
        every(30, date(2022, 1, 1), date(2022, 10, 31), "retired", "a"),  # over a year before
    )
    whole = deployment_frequency(deployments, START, END, by=None).row(0, named=True)
    assert whole["services"] == 3
    weekly = 13 / 13
    assert whole["deployment_days_per_week"] == pytest.approx(weekly)  # median of 1, 1, 0
    quiet = deployment_frequency(deployments, START, END, by="service").filter(
        pl.col("service") == "quiet"
    )
    assert quiet.row(0, named=True)["deployment_days_per_week"] == 0.0
    assert quiet.row(0, named=True)["tier"] == "low"


def test_a_period_without_any_deployment_reads_zero_days_a_week() -> None:
    deployments = frame(every(7, date(2023, 6, 5), date(2023, 12, 25), "api", "a"))
    whole = deployment_frequency(deployments, START, END, by=None).row(0, named=True)
    assert whole["deployment_days_per_week"] == 0.0 and whole["tier"] == "low"
    assert whole["deployments"] == 0 and whole["services"] == 1
