"""DORA audit fixes: the frequency tier follows the mean shown, and hotfixes count as failures.

Deployment frequency: the tier is read from deployment days per week over the range (the figure
shown), not from the median week, so teams deploying between weekly and monthly are "medium".
Change failure rate: a successful unplanned production deployment (hotfix, rollback deployment,
remediation) marks as failed the last other production deployment of the same service that
finished before it, at most the attribution window earlier (the incident rule's window).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from leadline.flow import change_failure_rate, classify, deployment_frequency, dora_metrics
from leadline.flow.dora import attribute_hotfixes

COLS = ["id", "service", "team", "environment", "status", "finished", "is_production", "unplanned"]
T0 = datetime(2024, 3, 4, 10, tzinfo=UTC)  # a Monday


def frame(rows: list[tuple]) -> pl.DataFrame:
    schema = {
        "id": pl.Utf8, "service": pl.Utf8, "team": pl.Utf8, "environment": pl.Utf8,
        "status": pl.Utf8, "finished": pl.Datetime("us", "UTC"), "is_production": pl.Boolean,
        "unplanned": pl.Boolean,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def dep(ident: str, at: datetime, *, unplanned: bool = False, service: str = "api",
        status: str = "success", production: bool = True) -> tuple:  # fmt: skip
    env = "production" if production else "staging"
    return (ident, service, "a", env, status, at, production, unplanned)


def every(days: int, first: date, last: date, service: str = "api") -> pl.DataFrame:
    rows, d, n = [], first, 0
    while d <= last:
        rows.append(dep(f"{service}-{n}", datetime(d.year, d.month, d.day, 11, tzinfo=UTC),
                        service=service))  # fmt: skip
        d += timedelta(days=days)
        n += 1
    return frame(rows)


NO_CHANGES = pl.DataFrame(
    schema={"id": pl.Utf8, "first_commit_at": pl.Datetime("us", "UTC"),
            "merged": pl.Datetime("us", "UTC"), "deployment_id": pl.Utf8}
)  # fmt: skip
NO_INCIDENTS = pl.DataFrame(
    schema={"id": pl.Utf8, "service": pl.Utf8, "started": pl.Datetime("us", "UTC"),
            "resolved": pl.Datetime("us", "UTC"), "deployment_id": pl.Utf8}
)  # fmt: skip


def metrics(deployments, start=date(2024, 3, 1), end=date(2024, 3, 31), incidents=None, **kw):
    out = dora_metrics(deployments, NO_CHANGES, NO_INCIDENTS if incidents is None else incidents,
                       start, end, by="service", **kw)  # fmt: skip
    return out.filter(pl.col("service") == "api").row(0, named=True)


# --- deployment frequency: the tier follows the mean shown ---------------------------------------

YEAR = (date(2024, 1, 1), date(2024, 12, 31))  # 53 Monday-started weeks (the last one partial)


@pytest.mark.parametrize(
    ("days", "first", "expected_days"),
    [(14, date(2024, 1, 10), 26), (21, date(2024, 1, 10), 17)],
    ids=["fortnightly", "every-21-days"],
)
def test_deploying_between_weekly_and_monthly_is_medium(days, first, expected_days):
    deployments = every(days, first, YEAR[1])
    freq = deployment_frequency(deployments, *YEAR).row(0, named=True)
    assert freq["deployment_days"] == expected_days
    assert freq["median_days_per_week"] == 0.0  # most weeks have no deployment
    assert freq["deployment_days_per_week"] == pytest.approx(expected_days / 53)
    assert freq["tier"] == "medium"
    row = metrics(deployments, *YEAR)
    assert row["deployment_frequency_tier"] == "medium"


def test_weekly_deployments_are_high():
    # 52 whole weeks, Monday 1 Jan to Sunday 29 Dec, one deployment each Wednesday.
    start, end = date(2024, 1, 1), date(2024, 12, 29)
    deployments = every(7, date(2024, 1, 3), end)
    freq = deployment_frequency(deployments, start, end).row(0, named=True)
    assert freq["deployment_days"] == 52 and freq["weeks"] == 52
    assert freq["deployment_days_per_week"] == 1.0 and freq["tier"] == "high"
    assert metrics(deployments, start, end)["deployment_frequency_tier"] == "high"


def test_less_than_monthly_is_low_and_most_days_is_elite():
    assert metrics(every(60, YEAR[0], YEAR[1]), *YEAR)["deployment_frequency_tier"] == "low"
    weekdays = every(1, date(2024, 1, 1), date(2024, 1, 28)).filter(
        pl.col("finished").dt.weekday() <= 5
    )
    row = metrics(weekdays, date(2024, 1, 1), date(2024, 1, 28))
    assert row["deployment_days_per_week"] == 5.0 and row["deployment_frequency_tier"] == "elite"


def test_frequency_tier_always_agrees_with_the_figure():
    deployments = pl.concat(
        [every(3, date(2024, 1, 2), YEAR[1], "a"), every(14, date(2024, 1, 10), YEAR[1], "b"),
         every(21, date(2024, 1, 10), YEAR[1], "c"), every(45, date(2024, 1, 10), YEAR[1], "d")]
    )  # fmt: skip
    out = dora_metrics(deployments, NO_CHANGES, NO_INCIDENTS, *YEAR, by="service")
    for row in out.to_dicts():
        expected = classify("deployment_frequency", row["deployment_days_per_week"])
        assert row["deployment_frequency_tier"] == expected, row["service"]
    freq = deployment_frequency(deployments, *YEAR, by="service")
    assert freq["tier"].to_list() == ["high", "medium", "medium", "low"]


# --- change failure rate: hotfixes count ---------------------------------------------------------


def test_a_hotfix_within_the_window_marks_the_planned_deployment_failed():
    deployments = frame([dep("p", T0), dep("h", T0 + timedelta(hours=2), unplanned=True)])
    row = metrics(deployments)
    assert row["failed_deployments"] == 1 and row["change_failure_rate"] == 0.5
    assert row["rework_rate"] == 0.5
    per = change_failure_rate(deployments, NO_INCIDENTS, T0 + timedelta(days=1))
    assert dict(zip(per["id"], per["failed"], strict=True)) == {"p": True, "h": False}
    links = attribute_hotfixes(deployments, window_hours=24)
    assert links.select("dep", "hotfix").rows() == [("p", "h")]


def test_a_hotfix_outside_the_window_does_not_count():
    deployments = frame([dep("p", T0), dep("h", T0 + timedelta(hours=30), unplanned=True)])
    assert metrics(deployments)["failed_deployments"] == 0
    assert metrics(deployments, window_hours=48)["failed_deployments"] == 1


def test_a_hotfix_of_another_service_does_not_count():
    deployments = frame(
        [dep("p", T0), dep("h", T0 + timedelta(hours=2), unplanned=True, service="web")]
    )
    assert metrics(deployments)["failed_deployments"] == 0


def test_only_live_production_fixes_count():
    deployments = frame(
        [
            dep("p", T0),
            dep("staging-fix", T0 + timedelta(hours=1), unplanned=True, production=False),
            dep("failed-fix", T0 + timedelta(hours=2), unplanned=True, status="failure"),
        ]
    )
    assert metrics(deployments)["failed_deployments"] == 0


def test_a_rollback_then_a_fix_blames_the_change_not_the_rollback():
    deployments = frame(
        [
            dep("p", T0),
            dep("rollback", T0 + timedelta(hours=1), unplanned=True),
            dep("fix", T0 + timedelta(hours=3), unplanned=True),
        ]
    )
    per = change_failure_rate(deployments, NO_INCIDENTS, T0 + timedelta(days=1))
    assert dict(zip(per["id"], per["failed"], strict=True)) == {
        "p": True, "rollback": False, "fix": False,
    }  # fmt: skip
    row = metrics(deployments)
    assert row["failed_deployments"] == 1 and row["rework_rate"] == pytest.approx(2 / 3)


def test_a_fix_after_a_rolled_back_release_does_not_reach_an_earlier_one():
    # Importers flag a rolled-back release unplanned too; it is the failed change, not a fix.
    deployments = frame(
        [
            dep("earlier", T0 - timedelta(hours=10)),
            dep("release", T0, unplanned=True, status="rolled_back"),
            dep("fix", T0 + timedelta(hours=2), unplanned=True),
        ]
    )
    per = change_failure_rate(deployments, NO_INCIDENTS, T0 + timedelta(days=1))
    assert dict(zip(per["id"], per["failed"], strict=True)) == {
        "earlier": False, "release": True, "fix": False,
    }  # fmt: skip


def test_recovery_still_runs_to_incident_resolution():
    deployments = frame(
        [
            dep("p1", T0),
            dep("h1", T0 + timedelta(hours=2), unplanned=True),
            dep("p2", T0 + timedelta(days=2)),
        ]
    )
    incidents = pl.DataFrame(
        {
            "id": ["i1"],
            "service": ["api"],
            "started": [T0 + timedelta(days=2, hours=1)],
            "resolved": [T0 + timedelta(days=2, hours=4)],
            "deployment_id": [None],
        },
        schema_overrides={"deployment_id": pl.Utf8},
    )
    row = metrics(deployments, incidents=incidents)
    assert row["failed_deployments"] == 2  # p1 by its hotfix, p2 by its incident
    # p1 has no incident, so no recovery time: only p2 (4 h to resolution) counts.
    assert row["recovery_median_hours"] == pytest.approx(4.0)
    assert row["downtime_per_release_hours"] == pytest.approx(3.0 / 3)
    only_hotfix = metrics(deployments.filter(pl.col("id") != "p2"))
    assert only_hotfix["failed_deployments"] == 1 and only_hotfix["recovery_median_hours"] is None


def test_a_hotfix_just_after_the_range_still_marks_the_last_deployment_in_it():
    late = datetime(2024, 3, 31, 23, tzinfo=UTC)
    deployments = frame([dep("p", late), dep("h", late + timedelta(hours=2), unplanned=True)])
    row = metrics(deployments)
    assert row["production_deployments"] == 1 and row["failed_deployments"] == 1
    assert row["rework_rate"] == 0.0
