"""The built-in metric series, read from the workspace's delivery data.

Releases and downtime follow the DORA page's data (:func:`leadline.delivery.frames.read_delivery`
and the engine's incident attribution, :func:`leadline.flow.dora.attribute_incidents`); cycle
time and throughput follow the flow dashboard's report (:func:`leadline.flow.report.flow_report`)
so a figure here is the one those pages show for the same items.

**A release** is a published tag or release (the Releases of a connection: GitHub releases,
GitLab releases, git tags) of the team's repositories. Tags published within
:data:`RELEASE_GAP_HOURS` of each other by the same team are one release (a release publishes a
tag per service in turn); a fix release (a version whose last number is not 0, such as v1.4.1)
repairs a release and is none itself. The release is dated when its first tag was published.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import polars as pl
from django.utils import timezone

from leadline import defaults
from leadline.delivery.frames import ScopeFilter, read_delivery
from leadline.delivery.models import Deployment, Release

from .series import Point, SeriesScope, register

RELEASE_GAP_HOURS = 12  # as the Radar's delivery rules: tags this close are one release
FIX_VERSION = re.compile(r"\d+\.\d+\.0*[1-9]\d*$")
WINDOW_HOURS = float(defaults.FAILURE_WINDOW_HOURS)


@dataclass
class ReleaseGroup:
    team: int | None
    at: datetime
    tags: set[tuple[str, str]] = field(default_factory=set)  # (repository, tag)


def _until(scope: SeriesScope) -> datetime:
    """The end of the scope's last day (or now, if sooner): open incidents run to it."""
    end = datetime.combine(scope.end + timedelta(days=1), time(), UTC)
    return min(end, timezone.now())


def releases(scope: SeriesScope) -> list[ReleaseGroup]:
    """Every release of the scope up to its end (earlier ones too: an interval needs the
    release before), in time order per team."""
    rows = Release.objects.filter(workspace=scope.workspace, published__lt=_until(scope))
    if scope.team is not None:
        rows = rows.filter(team=scope.team)
    out: list[ReleaseGroup] = []
    last: dict[int | None, ReleaseGroup] = {}
    gap = timedelta(hours=RELEASE_GAP_HOURS)
    for team_id, repo, tag, name, published in rows.order_by("published", "id").values_list(
        "team_id", "repository", "tag", "name", "published"
    ):
        version = tag or name
        if FIX_VERSION.search(version):
            continue
        group = last.get(team_id)
        if group is None or published - group.at > gap:
            group = ReleaseGroup(team_id, published)
            out.append(group)
            last[team_id] = group
        group.tags.add((repo, tag or name))
    return out


@register(
    "release_interval_days",
    "Days between releases",
    kind="events",
    unit="days",
    definition="Days from a team's previous production release to this one, one value per "
    "release, dated at the release. A release is a published tag or release; a team's tags "
    f"published within {RELEASE_GAP_HOURS} hours of each other are one release, and fix "
    "versions (v1.4.1) are not releases.",
)
def release_interval_days(scope: SeriesScope) -> list[Point]:
    out: list[Point] = []
    previous: dict[int | None, datetime] = {}
    for group in releases(scope):
        before = previous.get(group.team)
        if before is not None:
            days = (group.at - before).total_seconds() / 86400
            out.append((group.at.astimezone(UTC).date(), round(days, 2)))
        previous[group.team] = group.at
    return out


def _union_hours(periods: Sequence[tuple[datetime, datetime]]) -> float:
    """Hours covered by the periods, overlaps counted once."""
    total, current = 0.0, None
    for start, end in sorted(periods):
        if current is not None and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current is not None:
            total += (current[1] - current[0]).total_seconds()
        current = (start, end)
    if current is not None:
        total += (current[1] - current[0]).total_seconds()
    return total / 3600


@register(
    "downtime_per_release_hours",
    "Downtime per release",
    kind="events",
    unit="hours",
    definition="Hours of incidents attributed to a release's production deployments (the "
    "deployments of its tags), overlapping incidents counted once; 0 when none. An incident "
    "belongs to the deployment it names, else to the same service's last successful production "
    f"deployment up to {defaults.FAILURE_WINDOW_HOURS} hours before it (as on the DORA page); "
    "an open incident runs to the end of the range.",
)
def downtime_per_release_hours(scope: SeriesScope) -> list[Point]:
    groups = [g for g in releases(scope) if g.at.astimezone(UTC).date() >= scope.start]
    if not groups:
        return []
    until = _until(scope)
    deps = Deployment.objects.filter(
        workspace=scope.workspace, is_production=True, status__in=["success", "rolled_back"]
    )
    if scope.team is not None:
        deps = deps.filter(team=scope.team)
    by_tag: dict[tuple[str, str], list[str]] = {}
    for ext, service, ref in deps.values_list("external_id", "service", "ref"):
        by_tag.setdefault((service, ref), []).append(ext)
    frames, _, incidents = read_delivery(ScopeFilter.of(scope.workspace, scope.team))
    periods: dict[str, list[tuple[datetime, datetime]]] = {}
    if incidents.height and frames.height:
        from leadline.flow.dora import attribute_incidents

        links = attribute_incidents(frames, incidents, window_hours=WINDOW_HOURS)
        for dep, started, resolved in links.select("dep", "started", "resolved").iter_rows():
            if started is None or started >= until:
                continue
            end = min(resolved, until) if resolved is not None else until
            periods.setdefault(dep, []).append((started, max(end, started)))
    out: list[Point] = []
    for group in groups:
        spans = [
            span
            for tag in group.tags
            for dep in by_tag.get(tag, [])
            for span in periods.get(dep, [])
        ]
        out.append((group.at.astimezone(UTC).date(), round(_union_hours(spans), 3)))
    return out


def _flow(scope: SeriesScope) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None, str]:
    """(cycle times, weekly throughput, daily throughput, measure column) of the flow report."""
    from leadline.dashboards.scope import Scope
    from leadline.dashboards.services import day_options, scoped_frames
    from leadline.delivery.services import workflow_for
    from leadline.flow.report import ReportOptions, flow_report

    dash = Scope(scope.workspace, scope.team, scope.start, scope.end)
    items, transitions, _ = scoped_frames(dash)
    if items.is_empty():
        return pl.DataFrame(), pl.DataFrame(), None, "cycle_time_days"
    report = flow_report(
        items, transitions, workflow_for(scope.workspace), day_options(scope.workspace),
        scope.end, ReportOptions(start=scope.start, daily_throughput=True), cut=False,
    )  # fmt: skip
    return report.cycle, report.throughput_weekly, report.throughput_daily, "cycle_time_days"


@register(
    "cycle_time_days",
    "Cycle time per item",
    kind="events",
    unit="days",
    definition="Days from an item's start to its finish, one value per item finished in the "
    "range, dated at its finish (the flow dashboard's cycle time, in whole calendar days).",
)
def cycle_time_days(scope: SeriesScope) -> list[Point]:
    cycle, _, _, column = _flow(scope)
    if cycle.is_empty():
        return []
    rows = cycle.select("finished_date", column).drop_nulls()
    return [(d, float(v)) for d, v in rows.iter_rows()]


def _counts(frame: pl.DataFrame | None, period: str) -> list[Point]:
    if frame is None or frame.is_empty():
        return []
    rows = frame.group_by(period).agg(pl.col("count").sum()).sort(period)
    return [(d, float(v)) for d, v in rows.iter_rows()]


@register(
    "throughput_per_week",
    "Throughput per week",
    kind="series",
    unit="items",
    definition="Items finished each week (weeks start on Monday; weeks with none count as 0), "
    "dated at the week's Monday.",
)
def throughput_per_week(scope: SeriesScope) -> list[Point]:
    return _counts(_flow(scope)[1], "week")


@register(
    "throughput_per_day",
    "Throughput per day",
    kind="series",
    unit="items",
    definition="Items finished each day (days with none count as 0).",
)
def throughput_per_day(scope: SeriesScope) -> list[Point]:
    return _counts(_flow(scope)[2], "day")


@register(
    "lead_time_for_changes_hours",
    "Lead time for changes",
    kind="events",
    unit="hours",
    definition="Hours from a change's first commit (else its merge) to the successful "
    "production deployment that shipped it, one value per change, dated at the deployment "
    "(as on the DORA page).",
)
def lead_time_for_changes_hours(scope: SeriesScope) -> list[Point]:
    from leadline.flow.dora import lead_time_for_changes

    deps, changes, _ = read_delivery(ScopeFilter.of(scope.workspace, scope.team))
    if deps.is_empty() or changes.is_empty():
        return []
    per, _ = lead_time_for_changes(changes, deps, by=None)
    rows = per.select(pl.col("deployed").dt.date(), "lead_time_hours").drop_nulls()
    return [(d, round(float(v), 3)) for d, v in rows.iter_rows()]


@register(
    "deployment_days_per_week",
    "Deployment frequency",
    kind="series",
    unit="days/week",
    definition="Days in each week (from Monday) with at least one successful production "
    "deployment, dated at the week's Monday; weeks with none count as 0 (the DORA page's "
    "deployment frequency, for the whole scope).",
)
def deployment_days_per_week(scope: SeriesScope) -> list[Point]:
    deps, _, _ = read_delivery(ScopeFilter.of(scope.workspace, scope.team))
    ok = deps.filter(pl.col("is_production") & (pl.col("status") == "success"))
    days = {d for d in ok["finished"].dt.date().to_list() if d is not None}
    if not days:
        return []
    first = max(min(days), scope.start)
    monday = first - timedelta(days=first.weekday())
    out: list[Point] = []
    while monday <= scope.end:
        week = [monday + timedelta(days=k) for k in range(7)]
        out.append((monday, float(sum(1 for d in week if d in days))))
        monday += timedelta(days=7)
    return out
