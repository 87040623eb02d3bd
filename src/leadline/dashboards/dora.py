"""DORA page figures: the four keys, rework rate and downtime, with monthly trends and tiers.

Deployments, changes and incidents are read with one SQL query each (no ORM objects) and handed
to the pure engine (``leadline.flow.dora``). Tiers follow the DORA 2023 report's clusters.
Like the flow dashboard, the figures are cached per scope and version of the data
(:func:`dora_version`), so they are computed once per import, not once per view.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import polars as pl
from django.db.models import Count, Max

from leadline import defaults
from leadline.delivery.frames import ScopeFilter, count_releases, read_delivery
from leadline.delivery.models import Change, Deployment, Incident
from leadline.flow.definitions import DEFINITIONS
from leadline.flow.dora import DEFAULT_REPORT_YEAR, classify, dora_tiers
from leadline.workspaces.models import Team, Workspace

from .caching import cached_by_data
from .results.dora import DoraOut, DoraTimeline
from .scope import Scope

RECENT_DAYS = 90  # the headline reads the last 90 days of the range: "how are we doing now"
UTC_US = pl.Datetime("us", "UTC")

# (key, engine column, tier metric or None, unit, label, definition key)
METRICS: list[tuple[str, str, str | None, str, str, str]] = [
    ("deployment_frequency", "deployment_days_per_week", "deployment_frequency",
     "days/week", "Deployment frequency", "deployment_frequency"),
    ("lead_time_for_changes", "lead_time_median_hours", "lead_time_for_changes",
     "hours", "Lead time for changes", "lead_time_for_changes"),
    ("change_failure_rate", "change_failure_rate", "change_failure_rate",
     "share", "Change failure rate", "change_failure_rate"),
    ("recovery_time", "recovery_median_hours", "failed_deployment_recovery_time",
     "hours", "Failed deployment recovery time", "recovery_time"),
    ("rework_rate", "rework_rate", None, "share", "Deployment rework rate", "rework_rate"),
    ("downtime_per_release", "downtime_per_release_hours", None,
     "hours", "Downtime per release", "downtime"),
]  # fmt: skip


def _filter(scope: Scope) -> ScopeFilter:
    return ScopeFilter.of(scope.workspace, scope.team, teams=scope.teams)


def load_delivery(scope: Scope) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return (deployments, changes, incidents) frames in the engine's DORA contract."""
    return read_delivery(_filter(scope))


def _value(row: dict[str, Any], column: str) -> float | None:
    value = row.get(column)
    if value is None or value != value:
        return None
    return round(float(value), 3)


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    """Return {metric: {value, unit, tier}} for one row of ``dora_metrics``.

    Every tier is read from the value shown beside it (deployment frequency: deployment days per
    week over the period, not the median week), so figure and tier always agree.
    """
    out: dict[str, Any] = {}
    for key, column, tier_metric, unit, _, _ in METRICS:
        value = _value(row, column)
        tier = classify(tier_metric, value) if tier_metric is not None else None
        out[key] = {"value": value, "unit": unit, "tier": tier}
    # A group's frequency is the median of its services' (see flow.dora.deployment_frequency):
    # say over how many, and how often any of them deployed, so the figure can be explained.
    out["deployment_frequency"]["services"] = int(row.get("services") or 0)
    out["deployment_frequency"]["pooled"] = _value(row, "pooled_days_per_week")
    out["production_deployments"] = int(row.get("production_deployments") or 0)
    out["failed_deployments"] = int(row.get("failed_deployments") or 0)
    return out


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


def months(start: date, end: date) -> list[tuple[date, date]]:
    """Return calendar months overlapping [start, end], each clipped to the range."""
    out = []
    first = start.replace(day=1)
    while first <= end:
        nxt = (first + timedelta(days=32)).replace(day=1)
        out.append((max(first, start), min(nxt - timedelta(days=1), end)))
        first = nxt
    return out


def dora_version(workspace: Workspace) -> str:
    """Return a key that changes whenever the workspace's DORA figures can have changed.

    Every import stamps the deployments, changes and incidents it writes (``imported_at``);
    a removal changes a count; team names and slugs label the figures.
    """
    stamps = [
        model.objects.filter(workspace=workspace).aggregate(n=Count("id"), last=Max("imported_at"))
        for model in (Deployment, Change, Incident)
    ]
    teams = list(
        Team.objects.filter(workspace=workspace).order_by("id").values_list("id", "slug", "name")
    )
    return hashlib.sha256(repr((stamps, teams)).encode()).hexdigest()[:32]


@cached_by_data("dora", lambda scope: dora_version(scope.workspace))
def dora(scope: Scope, *, window_hours: float = defaults.FAILURE_WINDOW_HOURS) -> DoraOut:
    """Return the DORA figures of the scope: headline (last 90 days), range, monthly trend,
    per service and per team, and the deployment/incident timeline.

    Incidents and hotfixes (successful unplanned deployments) are attributed within
    ``window_hours`` after a deployment of the same service; months and groups without
    production deployments have None values and no tier, except deployment frequency: 0
    deployment days per week, tier "low".
    """
    from leadline.flow import dora_metrics

    deployments, changes, incidents = load_delivery(scope)
    recent_start = max(scope.start, scope.end - timedelta(days=RECENT_DAYS - 1))

    def overall(start: date, end: date) -> dict[str, Any]:
        frame = dora_metrics(
            deployments, changes, incidents, start, end, by=None, window_hours=window_hours
        )
        return _summary(frame.row(0, named=True) if frame.height else {})

    def grouped(by: str) -> list[dict[str, Any]]:
        frame = dora_metrics(
            deployments, changes, incidents, scope.start, scope.end, by=by,
            window_hours=window_hours,
        )  # fmt: skip
        return [
            {by: row[by], **_summary(row)}
            for row in frame.to_dicts()
            if row.get(by) not in (None, "")
        ]

    trend = []
    for month_start, month_end in months(scope.start, scope.end):
        row = overall(month_start, month_end)
        trend.append(
            {"month": month_start.replace(day=1), "days": (month_end - month_start).days + 1, **row}
        )
    tiers = dora_tiers(DEFAULT_REPORT_YEAR)
    whole = overall(scope.start, scope.end)
    result: dict[str, Any] = {
        **scope.named(),
        "start": scope.start,
        "end": scope.end,
        "as_of": scope.end,
        "window_hours": window_hours,
        "report_year": DEFAULT_REPORT_YEAR,
        "report_tiers": [
            {"metric": key, "label": label, "tiers": tiers.get(tier_metric) or {}}
            for key, _, tier_metric, _, label, _ in METRICS
            if tier_metric is not None
        ],
        "metrics": [
            {
                "key": key,
                "label": label,
                "unit": unit,
                "tiered": tier_metric is not None,
                "definition": DEFINITIONS[defn].format(window=f"{window_hours:g}"),
            }
            for key, _, tier_metric, unit, label, defn in METRICS
        ],
        "recent": {"start": recent_start, "end": scope.end, **overall(recent_start, scope.end)},
        "range": {"start": scope.start, "end": scope.end, **whole},
        "trend": trend,
        "by_service": grouped("service"),
        "by_team": grouped("team"),
        "timeline": _timeline(scope, deployments, incidents, window_hours),
        # Releases say what the empty state must explain: tags arrived, deployments did not.
        "releases": 0 if whole["production_deployments"] else _release_count(scope),
    }
    return cast(DoraOut, result)  # the figures are built per metric (:func:`_summary`)


def _release_count(scope: Scope) -> int:
    return count_releases(_filter(scope))


def _timeline(
    scope: Scope, deployments: pl.DataFrame, incidents: pl.DataFrame, window_hours: float
) -> DoraTimeline:
    from leadline.flow import change_failure_rate

    end = datetime.combine(scope.end, datetime.max.time(), tzinfo=UTC)
    per = change_failure_rate(deployments, incidents, end, by=None, window_hours=window_hours)
    prod = (
        deployments.filter(pl.col("is_production"))
        .filter(pl.col("finished").dt.date().is_between(scope.start, scope.end))
        .join(per.select("id", "failed", "downtime_hours"), on="id", how="left")
        .with_columns(
            pl.col("failed").fill_null(False),
            pl.col("downtime_hours").fill_null(0.0),
            kind=pl.when(pl.col("status") == "rolled_back")
            .then(pl.lit("rolled back"))
            .when(pl.col("unplanned"))
            .then(pl.lit("unplanned fix"))
            .when(pl.col("failed"))
            .then(pl.lit("followed by incident"))
            .when(pl.col("status") == "success")
            .then(pl.lit("deployed"))
            .otherwise(pl.col("status")),
        )
        .select("id", "service", "team", "status", "finished", "failed", "unplanned", "kind",
                "downtime_hours")
    )  # fmt: skip
    inc = incidents.filter(pl.col("started").dt.date().is_between(scope.start, scope.end)).select(
        "id",
        "service",
        "team",
        "title",
        "started",
        pl.col("resolved").fill_null(end).alias("resolved"),
        hours=(
            (pl.col("resolved").fill_null(end) - pl.col("started")).dt.total_seconds() / 3600
        ).round(2),
        open=pl.col("resolved").is_null(),
    )
    return cast(DoraTimeline, {"deployments": prod.to_dicts(), "incidents": inc.to_dicts()})
