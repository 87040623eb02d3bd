"""What the DORA page answers (:func:`leadline.dashboards.dora.dora`), field by field.

See :mod:`leadline.dashboards.results`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict

from . import TIER, Tier, fixed


@fixed
class DoraValue(TypedDict):
    value: Annotated[
        float | None,
        Field(
            description="The figure in ``unit`` (3 decimals); null without production deployments "
            "or data."
        ),
    ]
    unit: Annotated[str, Field(description='Unit: "days/week", "hours" or "share" (ratio 0-1).')]
    tier: Annotated[Tier | None, Field(description=TIER)]


@fixed
class DoraFrequency(DoraValue):
    services: Annotated[
        int,
        Field(
            description="Services the figure is the median of (deployed in the period or the year "
            "before it)."
        ),
    ]
    pooled: Annotated[
        float | None,
        Field(
            description="Days on which any of those services deployed, per week (days/week): "
            "higher than the median when services deploy on different days."
        ),
    ]


@fixed
class DoraFigures(TypedDict):
    """The DORA figures of one period or group (fields shared by several rows)."""

    deployment_frequency: Annotated[
        DoraFrequency,
        Field(
            description="Days with a successful production deployment per week (days/week), per "
            "service; for several services the median of theirs."
        ),
    ]
    lead_time_for_changes: Annotated[
        DoraValue, Field(description="Median first commit -> production deployment (hours).")
    ]
    change_failure_rate: Annotated[
        DoraValue, Field(description="Share of production deployments that failed (ratio 0-1).")
    ]
    recovery_time: Annotated[
        DoraValue, Field(description="Median failed deployment -> incidents resolved (hours).")
    ]
    rework_rate: Annotated[
        DoraValue,
        Field(description="Share of production deployments that were unplanned fixes (ratio 0-1)."),
    ]
    downtime_per_release: Annotated[
        DoraValue,
        Field(
            description="Incident hours attributed to a production deployment, averaged (hours)."
        ),
    ]
    production_deployments: Annotated[
        int, Field(description="Production deployments (deployments).")
    ]
    failed_deployments: Annotated[
        int, Field(description="Failed production deployments (deployments).")
    ]


@fixed
class _PeriodHead(TypedDict):
    start: Annotated[dt.date, Field(description="First day of the period.")]
    end: Annotated[dt.date, Field(description="Last day of the period (inclusive).")]


@fixed
class DoraPeriod(_PeriodHead, DoraFigures):
    """DORA figures over a period (the last 90 days or the whole range)."""


@fixed
class _MonthHead(TypedDict):
    month: Annotated[dt.date, Field(description="First day of the calendar month.")]
    days: Annotated[int, Field(description="Days of the month inside the range (days).")]


@fixed
class DoraMonth(_MonthHead, DoraFigures):
    """DORA figures of one calendar month of the range."""


@fixed
class _ServiceHead(TypedDict):
    service: Annotated[str, Field(description="Service name.")]


@fixed
class DoraService(_ServiceHead, DoraFigures):
    """DORA figures of one service over the range."""


@fixed
class _TeamHead(TypedDict):
    team: Annotated[str, Field(description="Team slug.")]


@fixed
class DoraTeam(_TeamHead, DoraFigures):
    """DORA figures of one team over the range."""


@fixed
class DoraReportTier(TypedDict):
    metric: Annotated[str, Field(description="Metric key (as in ``metrics``).")]
    label: Annotated[str, Field(description="Metric name.")]
    tiers: Annotated[
        dict[str, str],
        Field(
            description="The report's clusters: tier name (elite, high, medium, low) -> what the "
            "report states for it; keys come from the report data, empty when it has none."
        ),
    ]


@fixed
class DoraMetric(TypedDict):
    key: Annotated[str, Field(description="Metric key (the field name in the figures).")]
    label: Annotated[str, Field(description="Metric name.")]
    unit: Annotated[str, Field(description='Unit: "days/week", "hours" or "share" (ratio 0-1).')]
    tiered: Annotated[bool, Field(description="True when the DORA report publishes tiers for it.")]
    definition: Annotated[str, Field(description="The metric's definition.")]


@fixed
class DoraTimelineDeployment(TypedDict):
    id: Annotated[str, Field(description="Deployment id in its source.")]
    service: Annotated[str, Field(description="Service name.")]
    team: Annotated[str, Field(description="Team slug; empty string without a team.")]
    status: Annotated[
        str, Field(description="Deployment status (e.g. success, failure, rolled_back).")
    ]
    finished: Annotated[dt.datetime, Field(description="When it finished (UTC timestamp).")]
    failed: Annotated[bool, Field(description="True when it counts as a failed deployment.")]
    unplanned: Annotated[bool, Field(description="True for an unplanned fix (hotfix, rollback).")]
    kind: Annotated[
        str,
        Field(
            description='"rolled back", "unplanned fix", "followed by incident", "deployed", or '
            "the status."
        ),
    ]
    downtime_hours: Annotated[float, Field(description="Incident time attributed to it (hours).")]


@fixed
class DoraTimelineIncident(TypedDict):
    id: Annotated[str, Field(description="Incident id in its source.")]
    service: Annotated[str, Field(description="Service name.")]
    team: Annotated[str, Field(description="Team slug; empty string without a team.")]
    title: Annotated[str, Field(description="Incident title (may be empty).")]
    started: Annotated[dt.datetime, Field(description="When it started (UTC timestamp).")]
    resolved: Annotated[
        dt.datetime,
        Field(
            description="When it was resolved (UTC timestamp); the end of the as-of date when open."
        ),
    ]
    hours: Annotated[float, Field(description="started -> resolved (hours, 2 decimals).")]
    open: Annotated[bool, Field(description="True when not resolved.")]


@fixed
class DoraTimeline(TypedDict):
    deployments: Annotated[
        list[DoraTimelineDeployment],
        Field(description="Production deployments finished in the range, oldest first."),
    ]
    incidents: Annotated[
        list[DoraTimelineIncident],
        Field(description="Incidents started in the range, oldest first."),
    ]


@fixed
class DoraOut(TypedDict):
    """DORA metrics over [start, end]: last 90 days, range, monthly trend, groups, timeline."""

    workspace: Annotated[str, Field(description="Workspace slug.")]
    team: Annotated[str | None, Field(description="Team slug; null for all teams.")]
    teams: Annotated[
        list[str], Field(description="Team slugs when several teams are asked for together.")
    ]
    label: Annotated[str, Field(description='Who the figures are for: "Checkout", "All teams".')]
    start: Annotated[dt.date, Field(description="First day of the range.")]
    end: Annotated[dt.date, Field(description="Last day of the range (inclusive).")]
    as_of: Annotated[dt.date, Field(description="The as-of date (= end).")]
    window_hours: Annotated[
        float, Field(description="Change-failure attribution window after a deployment (hours).")
    ]
    report_year: Annotated[int, Field(description="Year of the DORA report the tiers come from.")]
    report_tiers: Annotated[
        list[DoraReportTier],
        Field(description="The report's published clusters per tiered metric."),
    ]
    metrics: Annotated[
        list[DoraMetric], Field(description="Each metric with its unit and definition.")
    ]
    recent: Annotated[
        DoraPeriod, Field(description="The last 90 days of the range (the headline).")
    ]
    range: Annotated[DoraPeriod, Field(description="The whole range.")]
    trend: Annotated[list[DoraMonth], Field(description="Per calendar month of the range.")]
    by_service: Annotated[list[DoraService], Field(description="Per service over the range.")]
    by_team: Annotated[list[DoraTeam], Field(description="Per team over the range.")]
    timeline: Annotated[DoraTimeline, Field(description="Deployments and incidents of the range.")]
    releases: Annotated[
        int,
        Field(
            description="Releases stored for the scope when it has no deployments (0 otherwise): "
            "releases are not deployments (a git tag counts when it matches the deployment tag "
            "pattern)."
        ),
    ]
