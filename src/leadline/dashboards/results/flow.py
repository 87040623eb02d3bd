"""What the flow dashboard answers (:func:`leadline.dashboards.services.flow`), field by field.

The service returns these dicts; the API route declares the same type as its response, so the
OpenAPI document describes exactly what the page shows. See :mod:`leadline.dashboards.results`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

from . import fixed


@fixed
class FlowStage(TypedDict):
    name: Annotated[
        str, Field(description="Stage name, as the workflow (status mapping) names it.")
    ]
    category: Annotated[
        Literal["backlog", "active", "done", "removed"],
        Field(
            description="Where the stage sits in the flow: backlog, active (WIP), done or removed."
        ),
    ]
    waiting: Annotated[
        bool, Field(description="True for a waiting stage (counts as waiting time).")
    ]


@fixed
class FlowDefinitions(TypedDict):
    wip: Annotated[str, Field(description="Definition of WIP.")]
    throughput: Annotated[str, Field(description="Definition of throughput.")]
    cycle_time: Annotated[str, Field(description="Definition of cycle time.")]
    lead_time: Annotated[
        str, Field(description="Definition of lead time (shown without start dates).")
    ]
    percentiles: Annotated[
        str, Field(description="Definition of the cycle-time percentiles and trend.")
    ]
    age: Annotated[str, Field(description="Definition of work item age and 'at risk'.")]
    cfd: Annotated[str, Field(description="Definition of the cumulative flow diagram.")]
    flow_efficiency: Annotated[str, Field(description="Definition of flow efficiency.")]
    blocked_time: Annotated[str, Field(description="Definition of blocked time.")]
    histogram: Annotated[str, Field(description="Definition of the cycle-time distribution.")]
    plan_churn: Annotated[str, Field(description="Definition of plan churn.")]
    reopened: Annotated[str, Field(description="Definition of reopened items.")]


@fixed
class FlowHeadline(TypedDict):
    wip: Annotated[
        int, Field(description="Items in active stages at the end of the as-of date (items).")
    ]
    throughput_per_week: Annotated[
        float,
        Field(description="Items finished in the range per week (items per week, 1 decimal)."),
    ]
    finished: Annotated[int, Field(description="Items finished in the range (items).")]
    cycle_time_p85: Annotated[
        int | None,
        Field(
            description="85th percentile of cycle time of items finished in the range (days); "
            "null when none finished or when cycle time is not available (see ``measure``)."
        ),
    ]
    lead_time_p85: Annotated[
        int | None,
        Field(
            description="85th percentile of lead time (created -> finished) of items finished in "
            "the range (days); null when none finished."
        ),
    ]
    oldest_age_days: Annotated[
        int | None,
        Field(
            description="Age of the oldest item in progress (days); null when nothing is in progress."
        ),
    ]
    oldest_key: Annotated[
        str | None,
        Field(description="Key of the oldest item in progress; null when nothing is in progress."),
    ]
    at_risk: Annotated[
        int, Field(description="Items in progress older than the range's cycle time p85 (items).")
    ]


@fixed
class FlowPercentiles(TypedDict):
    count: Annotated[int, Field(description="Items finished in the range (items).")]
    p50: Annotated[
        int | None, Field(description="50th percentile of cycle time (days); null without data.")
    ]
    p70: Annotated[
        int | None, Field(description="70th percentile of cycle time (days); null without data.")
    ]
    p85: Annotated[
        int | None, Field(description="85th percentile of cycle time (days); null without data.")
    ]
    p95: Annotated[
        int | None, Field(description="95th percentile of cycle time (days); null without data.")
    ]


@fixed
class FlowPercentileTrendRow(TypedDict):
    window_end: Annotated[
        dt.date,
        Field(
            description="End (exclusive) of the 4-week window the row reads; one row per week, "
            "windows without finished items are left out."
        ),
    ]
    count: Annotated[int, Field(description="Items finished in the window (items).")]
    p50: Annotated[int, Field(description="50th percentile of cycle time in the window (days).")]
    p70: Annotated[int, Field(description="70th percentile of cycle time in the window (days).")]
    p85: Annotated[int, Field(description="85th percentile of cycle time in the window (days).")]
    p95: Annotated[int, Field(description="95th percentile of cycle time in the window (days).")]


@fixed
class FlowThroughputWeek(TypedDict):
    week: Annotated[
        dt.date, Field(description="Monday starting the week (weeks without finishes included).")
    ]
    count: Annotated[int, Field(description="Items finished that week (items).")]


@fixed
class FlowWipDay(TypedDict):
    day: Annotated[dt.date, Field(description="Calendar day.")]
    wip: Annotated[int, Field(description="Items in active stages at the end of the day (items).")]
    arrivals: Annotated[int, Field(description="Moves into the active category that day (items).")]
    departures: Annotated[
        int, Field(description="Moves out of the active category that day (items).")
    ]


@with_config(ConfigDict(extra="allow"))  # the stage keys are the data
class FlowCfdRow(TypedDict, extra_items=int):  # type: ignore[call-arg]
    """One day of the cumulative flow diagram: ``day`` plus one key per workflow stage.

    The stage keys are data (the workspace's stage names, in workflow order, as in ``stages``),
    so they are additional properties: each an item count (items in that stage at the end of the
    day).
    """

    day: Annotated[
        dt.date, Field(description="Calendar day; every other key is a stage name -> items.")
    ]


@fixed
class FlowCycleTime(TypedDict):
    key: Annotated[str, Field(description="Work item key in its tracker.")]
    title: Annotated[str, Field(description="Work item title (empty when the tracker gave none).")]
    type: Annotated[str, Field(description="Work item type (e.g. Story, Bug).")]
    team: Annotated[str, Field(description="Team slug; empty string for items without a team.")]
    started: Annotated[
        dt.datetime, Field(description="First entry into an active stage (UTC timestamp).")
    ]
    finished: Annotated[dt.datetime, Field(description="Last entry into done (UTC timestamp).")]
    finished_date: Annotated[dt.date, Field(description="The day it finished.")]
    cycle_time_days: Annotated[
        int,
        Field(
            description="Cycle time, whole calendar days inclusive (same day = 1) (days); an item "
            "that was never in an active stage starts when it finished (1 day)."
        ),
    ]
    lead_time_days: Annotated[
        int,
        Field(description="Lead time, created -> finished, whole calendar days inclusive (days)."),
    ]


@fixed
class FlowAgingItem(TypedDict):
    key: Annotated[str, Field(description="Work item key in its tracker.")]
    title: Annotated[str, Field(description="Work item title (empty when the tracker gave none).")]
    type: Annotated[str, Field(description="Work item type.")]
    team: Annotated[str, Field(description="Team slug; empty string for items without a team.")]
    stage: Annotated[str, Field(description="Current stage.")]
    started: Annotated[
        dt.datetime, Field(description="First entry into an active stage (UTC timestamp).")
    ]
    age_days: Annotated[
        int, Field(description="As-of date - started, whole calendar days inclusive (days).")
    ]
    beyond: Annotated[
        str | None,
        Field(
            description="Highest cycle-time percentile the age exceeds ('p50' to 'p95'); null when "
            "none."
        ),
    ]
    at_risk: Annotated[bool, Field(description="True when the age exceeds the cycle time p85.")]
    p50: Annotated[
        int | None,
        Field(
            description="50th percentile of the range's cycle time (days); null when none finished."
        ),
    ]
    p70: Annotated[
        int | None,
        Field(
            description="70th percentile of the range's cycle time (days); null when none finished."
        ),
    ]
    p85: Annotated[
        int | None,
        Field(
            description="85th percentile of the range's cycle time (days); null when none finished."
        ),
    ]
    p95: Annotated[
        int | None,
        Field(
            description="95th percentile of the range's cycle time (days); null when none finished."
        ),
    ]


@fixed
class FlowEfficiency(TypedDict):
    pooled: Annotated[
        float | None,
        Field(
            description="Total working time / total cycle time of items finished in the range "
            "(ratio 0-1, 3 decimals); null when none finished."
        ),
    ]
    median: Annotated[
        float | None,
        Field(
            description="Median of the items' flow efficiency (ratio 0-1, 3 decimals); null when "
            "none finished."
        ),
    ]
    items: Annotated[int, Field(description="Items finished in the range it reads (items).")]
    working_days: Annotated[
        float | None,
        Field(
            description="Time in working stages, summed (days, 1 decimal); null when none finished."
        ),
    ]
    waiting_days: Annotated[
        float | None,
        Field(
            description="Time in waiting stages, summed (days, 1 decimal); null when none finished."
        ),
    ]


@fixed
class FlowBlockedItem(TypedDict):
    key: Annotated[str, Field(description="Work item key.")]
    stage: Annotated[str, Field(description="Its stage (finished items: their last stage).")]
    blocked_days: Annotated[
        int, Field(description="Time flagged as blocked (days, calendar inclusive).")
    ]
    periods: Annotated[int, Field(description="Separate blocked periods (merged flags).")]


@fixed
class FlowSprintChurn(TypedDict):
    sprint: Annotated[str, Field(description="Sprint name.")]
    start: Annotated[dt.date, Field(description="Day the sprint started.")]
    end: Annotated[
        dt.date | None, Field(description="Day it ended; null while running on the as-of date.")
    ]
    committed: Annotated[int, Field(description="Items in the sprint when it started (items).")]
    added: Annotated[int, Field(description="Items added after the start (items).")]
    removed: Annotated[int, Field(description="Items removed after the start (items).")]
    reranks: Annotated[
        int,
        Field(description="Rank or priority changes of the sprint's items while it ran (changes)."),
    ]
    churn: Annotated[
        float | None,
        Field(
            description="(added + removed) / committed (ratio, 3 decimals); null with none committed."
        ),
    ]


@fixed
class FlowPlanChurn(TypedDict):
    sprints: Annotated[
        list[FlowSprintChurn], Field(description="One row per sprint, oldest first.")
    ]
    committed: Annotated[int, Field(description="Committed items over those sprints (items).")]
    added: Annotated[int, Field(description="Items added after the starts (items).")]
    removed: Annotated[int, Field(description="Items removed after the starts (items).")]
    reranks: Annotated[
        int, Field(description="Rank or priority changes while the sprints ran (changes).")
    ]
    churn: Annotated[
        float | None,
        Field(description="Pooled churn: (added + removed) / committed (ratio, 3 decimals)."),
    ]


@fixed
class FlowReopenedMove(TypedDict):
    key: Annotated[str, Field(description="Work item key.")]
    at: Annotated[dt.datetime, Field(description="When it moved back.")]
    from_stage: Annotated[str, Field(description="The done stage it left.")]
    to_stage: Annotated[str, Field(description="The active or backlog stage it went to.")]


@fixed
class FlowReopened(TypedDict):
    moves: Annotated[int, Field(description="Moves from done back to active or backlog (moves).")]
    items: Annotated[int, Field(description="Distinct items reopened (items).")]
    recent: Annotated[
        list[FlowReopenedMove], Field(description="The 10 most recent moves, newest first.")
    ]


@fixed
class FlowBlocked(TypedDict):
    items_blocked: Annotated[
        int, Field(description="Items finished in the range that were ever blocked (items).")
    ]
    blocked_days: Annotated[
        int, Field(description="Blocked time of the items finished in the range, summed (days).")
    ]
    share_blocked: Annotated[
        float | None,
        Field(
            description="items_blocked / items finished in the range (ratio 0-1, 3 decimals); null "
            "when none finished."
        ),
    ]
    top: Annotated[
        list[FlowBlockedItem],
        Field(description="The 10 most blocked items, finished in the range or in progress."),
    ]


@fixed
class FlowQuality(TypedDict):
    note: Annotated[
        str, Field(description="One-sentence data-quality note shown beside each metric.")
    ]
    findings: Annotated[
        int, Field(description="Items with at least one data-quality finding (items).")
    ]
    items: Annotated[int, Field(description="Items the data-quality report read (items).")]


@fixed
class FlowMeasure(TypedDict):
    name: Annotated[
        Literal["cycle_time", "lead_time"],
        Field(
            description="What ``percentiles``, ``percentile_trend`` and the charts read: cycle time, "
            "or lead time when fewer than half of the items finished in the range were ever in an "
            "active stage (the data has no start dates)."
        ),
    ]
    finished: Annotated[int, Field(description="Items finished in the range (items).")]
    started: Annotated[
        int, Field(description="Of those, items that were ever in an active stage (items).")
    ]
    note: Annotated[str, Field(description="Why lead time is shown; empty for cycle time.")]


@fixed
class FlowFigures(TypedDict):
    """The flow figures of a scope, as computed and cached (:func:`services.compute_flow`)."""

    workspace: Annotated[str, Field(description="Workspace slug.")]
    team: Annotated[str | None, Field(description="Team slug; null for all teams (or several).")]
    teams: Annotated[
        list[str], Field(description="Team slugs when several teams are read together.")
    ]
    label: Annotated[
        str, Field(description='Who the figures are for: "Checkout", "A + B", "All teams".')
    ]
    start: Annotated[dt.date, Field(description="First day of the range.")]
    end: Annotated[dt.date, Field(description="Last day of the range (inclusive).")]
    as_of: Annotated[dt.date, Field(description="The as-of date (= end) for WIP and aging.")]
    types: Annotated[list[str], Field(description="Item types filtered on; empty for all types.")]
    items: Annotated[int, Field(description="Work items in scope, any state (items).")]
    epics_left_out: Annotated[
        int,
        Field(
            description="Epics left out of the figures (without a type filter, items other items "
            "name as their epic are not counted) (items)."
        ),
    ]
    stages: Annotated[list[FlowStage], Field(description="Workflow stages in order.")]
    days: Annotated[
        str, Field(description='How days are counted: "inclusive" (whole calendar days).')
    ]
    percentile_method: Annotated[str, Field(description='Percentile method: "nearest-rank".')]
    definitions: Annotated[FlowDefinitions, Field(description="Each metric's definition.")]
    headline: Annotated[FlowHeadline, Field(description="The headline numbers.")]
    measure: Annotated[FlowMeasure, Field(description="Cycle time or lead time, and why.")]
    percentiles: Annotated[
        FlowPercentiles,
        Field(
            description="Percentiles of items finished in the range: of cycle time, or of lead "
            "time when ``measure.name`` is lead_time."
        ),
    ]
    percentile_trend: Annotated[
        list[FlowPercentileTrendRow],
        Field(description="Weekly cycle-time percentiles over the 4 weeks before each week's end."),
    ]
    throughput_weekly: Annotated[
        list[FlowThroughputWeek], Field(description="Items finished per week.")
    ]
    wip_daily: Annotated[
        list[FlowWipDay], Field(description="WIP, arrivals and departures per day.")
    ]
    cfd: Annotated[
        list[FlowCfdRow],
        Field(
            description="Cumulative flow: per day, items in each stage (one key per stage name)."
        ),
    ]
    cycle_times: Annotated[
        list[FlowCycleTime], Field(description="Items finished in the range, by finish time.")
    ]
    aging: Annotated[
        list[FlowAgingItem], Field(description="Items in progress at the as-of date, oldest first.")
    ]
    flow_efficiency: Annotated[FlowEfficiency, Field(description="Flow efficiency.")]
    blocked: Annotated[FlowBlocked, Field(description="Blocked time.")]
    plan_churn: Annotated[
        FlowPlanChurn,
        Field(
            description="Sprint scope changes after the start, sprints that started in the range."
        ),
    ]
    reopened: Annotated[
        FlowReopened, Field(description="Moves from done back into work, in the range.")
    ]


@fixed
class FlowOut(FlowFigures):
    """The team flow dashboard over [start, end], as of ``end``."""

    quality: Annotated[
        FlowQuality, Field(description="Data-quality note for the team (all types).")
    ]
