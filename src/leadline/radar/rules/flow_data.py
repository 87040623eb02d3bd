"""What the flow rules read, loaded once per run: each team's flow figures and what they derive.

Every team is read through the flow dashboard's own service
(:func:`leadline.dashboards.services.flow`) over the dashboard's default range ending today, so
a finding's figures are the ones its link (the flow page with ``?team=slug``) shows, and both
share one cache per version of the data. Weeks here are the 7-day periods ending today (the
last one is the last seven days), not calendar weeks: a Monday-started week still under way
would always look like a drop.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from leadline import defaults
from leadline.workspaces.models import Team

from ..registry import plural as plural  # the rules' one pluraliser

if TYPE_CHECKING:
    from leadline.dashboards.results.flow import FlowOut

    from ..context import RunContext

# A team whose tracker shows no change at all for this long is read as a stopped feed, not as
# a team that stopped working: its flow rules stay quiet (stale data is a data-quality matter).
STALE_DAYS = 14


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def nearest_rank(values: Sequence[float], p: float) -> float:
    """Return the ``p``-th percentile by nearest rank (as the flow figures count percentiles):
    the smallest value that at least ``p`` % of the values do not exceed."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def team_flow(ctx: RunContext, team: Team) -> FlowOut:
    """The team's flow figures over the flow dashboard's default range, ending today."""
    from leadline.dashboards import services
    from leadline.dashboards.scope import Scope

    start = ctx.today - timedelta(days=defaults.FLOW_DAYS - 1)
    return ctx.memo(
        ("flow", team.pk),
        lambda: services.flow(Scope(ctx.workspace, team, start, ctx.today), quality=False),
    )


def flow_url(ctx: RunContext, team: Team) -> str:
    return ctx.url("delivery", query=f"team={team.slug}")


def last_activity(ctx: RunContext) -> dict[int, date]:
    """Each team's last recorded item activity (a status change or a new item), two queries."""
    from zoneinfo import ZoneInfo

    from django.db.models import Max

    from leadline.delivery.models import Transition, WorkItem

    def load() -> dict[int, date]:
        zone = ZoneInfo(ctx.workspace.tz)
        found: dict[int, date] = {}
        rows = [
            *Transition.objects.filter(item__workspace=ctx.workspace, item__team__isnull=False)
            .values_list("item__team_id")
            .annotate(m=Max("at")),
            *WorkItem.objects.filter(workspace=ctx.workspace, team__isnull=False)
            .values_list("team_id")
            .annotate(m=Max("created")),
        ]
        for team_id, moment in rows:
            if moment is not None:
                day = moment.astimezone(zone).date()
                found[team_id] = max(found.get(team_id, day), day)
        return found

    return ctx.memo("flow-last-activity", load)


def live_teams(ctx: RunContext) -> list[tuple[Team, FlowOut]]:
    """Teams with work items whose data is current (activity within ``STALE_DAYS``), each with
    its flow figures."""
    activity = last_activity(ctx)
    out = []
    for team in ctx.teams:
        last = activity.get(team.pk)
        if last is None or (ctx.today - last).days > STALE_DAYS:
            continue
        figures = team_flow(ctx, team)
        if figures["items"]:
            out.append((team, figures))
    return out


def weekly(by_day: dict[date, int], today: date, weeks: int) -> list[int]:
    """Sums over the ``weeks`` 7-day periods ending ``today``, oldest first."""
    sums = [0] * weeks
    first = today - timedelta(days=7 * weeks - 1)
    for day, n in by_day.items():
        offset = (day - first).days
        if 0 <= offset < 7 * weeks:
            sums[offset // 7] += n
    return sums


def finished_by_day(figures: FlowOut) -> dict[date, int]:
    """Items finished per day in the range (throughput), from the finished items' dates."""
    return dict(Counter(row["finished_date"] for row in figures["cycle_times"]))


def between(days: Iterable[date], first: date, last: date) -> int:
    return sum(1 for d in days if first <= d <= last)


def reopened(ctx: RunContext, team: Team, since: date) -> list[tuple[date, str]]:
    """The team's moves from done back to active or backlog from ``since`` to today, as (day,
    item), counted as the flow figures' "reopened" counts them
    (:func:`leadline.flow.reopened_items`).

    The flow figures list the 10 most recent moves; when those reach back to ``since`` (or are
    all there are) they are the answer, else the team's history is read (as of today, epics
    left out, as the figures read it) for every date."""
    from zoneinfo import ZoneInfo

    import polars as pl

    from leadline.dashboards.scope import Scope
    from leadline.dashboards.services import scoped_frames
    from leadline.delivery.services import workflow_for
    from leadline.flow import reopened_items

    figures = team_flow(ctx, team)
    zone = ZoneInfo(ctx.workspace.tz)
    recent = [(m["at"].astimezone(zone).date(), m["key"]) for m in figures["reopened"]["recent"]]
    if len(recent) == figures["reopened"]["moves"] or (recent and recent[-1][0] < since):
        return [(d, key) for d, key in recent if d >= since]

    def load() -> list[tuple[date, str]]:
        _, transitions, _ = scoped_frames(Scope(ctx.workspace, team, ctx.today, ctx.today))
        workflow = ctx.memo("flow-workflow", lambda: workflow_for(ctx.workspace))
        moves = reopened_items(transitions, workflow, strict=False)
        if moves.is_empty():
            return []
        days = moves.select(
            pl.col("at").dt.convert_time_zone(ctx.workspace.tz).dt.date().alias("day"), "item_id"
        )
        return [(d, str(i)) for d, i in days.iter_rows()]

    return [(d, i) for d, i in ctx.memo(("flow-reopened", team.pk), load) if d >= since]


def change_requests(ctx: RunContext) -> list[Any]:
    """The workspace's change requests with their team and requester, loaded once per run."""
    from leadline.changes.models import ChangeRequest

    return ctx.memo(
        "flow-change-requests",
        lambda: list(
            ChangeRequest.objects.filter(workspace=ctx.workspace)
            .select_related("team", "requested_by", "workspace")
            .order_by("pk")
        ),
    )
