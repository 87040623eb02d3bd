"""Response schemas of the metrics API: what each endpoint returns, field by field.

Each schema states exactly what a service returns (:func:`services.flow`, :func:`dora.dora`,
:func:`forecasts.forecast`, :func:`portfolio.portfolio`). django-ninja validates the returned dict
against the schema and serialises the validated model, so:

- fields are declared in the order the services build their dicts (the JSON keeps its key order);
- fixed shapes forbid unknown keys (``extra="forbid"``): a key added to a service fails the tests
  (tests/dashboards/test_api_schemas.py) instead of silently vanishing from the API;
- a number a service returns as a whole number in one case and a fraction in another is typed
  ``float | int``, so that neither is converted (pydantic would turn ``0`` into ``0.0``).

Rows whose keys are data (the cumulative-flow rows: one key per workflow stage) allow extra keys
of a stated type.

These are plain pydantic models, not ninja ``Schema``: a ``Schema`` reads its input attribute by
attribute (for ORM objects), which is some 15x slower on a flow answer's ~1,000 rows of dicts
and would not carry extra keys through. ninja takes either for ``response=``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Tier = Literal["elite", "high", "medium", "low"]
TIER = "DORA 2023 tier (elite, high, medium, low); null without a value or where no tier exists."


class Out(BaseModel):
    """A response object of fixed shape: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# --- flow ---------------------------------------------------------------------------------------


class FlowStage(Out):
    name: str = Field(description="Stage name, as the workflow (status mapping) names it.")
    category: Literal["backlog", "active", "done", "removed"] = Field(
        description="Where the stage sits in the flow: backlog, active (WIP), done or removed."
    )
    waiting: bool = Field(description="True for a waiting stage (counts as waiting time).")


class FlowDefinitions(Out):
    wip: str = Field(description="Definition of WIP.")
    throughput: str = Field(description="Definition of throughput.")
    cycle_time: str = Field(description="Definition of cycle time.")
    lead_time: str = Field(description="Definition of lead time (shown without start dates).")
    percentiles: str = Field(description="Definition of the cycle-time percentiles and trend.")
    age: str = Field(description="Definition of work item age and 'at risk'.")
    cfd: str = Field(description="Definition of the cumulative flow diagram.")
    flow_efficiency: str = Field(description="Definition of flow efficiency.")
    blocked_time: str = Field(description="Definition of blocked time.")
    histogram: str = Field(description="Definition of the cycle-time distribution.")
    plan_churn: str = Field(description="Definition of plan churn.")
    reopened: str = Field(description="Definition of reopened items.")


class FlowHeadline(Out):
    wip: int = Field(description="Items in active stages at the end of the as-of date (items).")
    throughput_per_week: float = Field(
        description="Items finished in the range per week (items per week, 1 decimal)."
    )
    finished: int = Field(description="Items finished in the range (items).")
    cycle_time_p85: int | None = Field(
        description="85th percentile of cycle time of items finished in the range (days); "
        "null when none finished or when cycle time is not available (see ``measure``)."
    )
    lead_time_p85: int | None = Field(
        description="85th percentile of lead time (created -> finished) of items finished in "
        "the range (days); null when none finished."
    )
    oldest_age_days: int | None = Field(
        description="Age of the oldest item in progress (days); null when nothing is in progress."
    )
    oldest_key: str | None = Field(
        description="Key of the oldest item in progress; null when nothing is in progress."
    )
    at_risk: int = Field(
        description="Items in progress older than the range's cycle time p85 (items)."
    )


class FlowPercentiles(Out):
    count: int = Field(description="Items finished in the range (items).")
    p50: int | None = Field(description="50th percentile of cycle time (days); null without data.")
    p70: int | None = Field(description="70th percentile of cycle time (days); null without data.")
    p85: int | None = Field(description="85th percentile of cycle time (days); null without data.")
    p95: int | None = Field(description="95th percentile of cycle time (days); null without data.")


class FlowPercentileTrendRow(Out):
    window_end: dt.date = Field(
        description="End (exclusive) of the 4-week window the row reads; one row per week, "
        "windows without finished items are left out."
    )
    count: int = Field(description="Items finished in the window (items).")
    p50: int = Field(description="50th percentile of cycle time in the window (days).")
    p70: int = Field(description="70th percentile of cycle time in the window (days).")
    p85: int = Field(description="85th percentile of cycle time in the window (days).")
    p95: int = Field(description="95th percentile of cycle time in the window (days).")


class FlowThroughputWeek(Out):
    week: dt.date = Field(description="Monday starting the week (weeks without finishes included).")
    count: int = Field(description="Items finished that week (items).")


class FlowWipDay(Out):
    day: dt.date = Field(description="Calendar day.")
    wip: int = Field(description="Items in active stages at the end of the day (items).")
    arrivals: int = Field(description="Moves into the active category that day (items).")
    departures: int = Field(description="Moves out of the active category that day (items).")


class FlowCfdRow(BaseModel):
    """One day of the cumulative flow diagram: ``day`` plus one key per workflow stage.

    The stage keys are data (the workspace's stage names, in workflow order, as in ``stages``),
    so they are additional properties: each an item count (items in that stage at the end of the
    day).
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, int] = Field(init=False)

    day: dt.date = Field(description="Calendar day; every other key is a stage name -> items.")


class FlowCycleTime(Out):
    key: str = Field(description="Work item key in its tracker.")
    title: str = Field(description="Work item title (empty when the tracker gave none).")
    type: str = Field(description="Work item type (e.g. Story, Bug).")
    team: str = Field(description="Team slug; empty string for items without a team.")
    started: dt.datetime = Field(description="First entry into an active stage (UTC timestamp).")
    finished: dt.datetime = Field(description="Last entry into done (UTC timestamp).")
    finished_date: dt.date = Field(description="The day it finished.")
    cycle_time_days: int = Field(
        description="Cycle time, whole calendar days inclusive (same day = 1) (days); an item "
        "that was never in an active stage starts when it finished (1 day)."
    )
    lead_time_days: int = Field(
        description="Lead time, created -> finished, whole calendar days inclusive (days)."
    )


class FlowAgingItem(Out):
    key: str = Field(description="Work item key in its tracker.")
    title: str = Field(description="Work item title (empty when the tracker gave none).")
    type: str = Field(description="Work item type.")
    team: str = Field(description="Team slug; empty string for items without a team.")
    stage: str = Field(description="Current stage.")
    started: dt.datetime = Field(description="First entry into an active stage (UTC timestamp).")
    age_days: int = Field(description="As-of date - started, whole calendar days inclusive (days).")
    beyond: str | None = Field(
        description="Highest cycle-time percentile the age exceeds ('p50' to 'p95'); null when "
        "none."
    )
    at_risk: bool = Field(description="True when the age exceeds the cycle time p85.")
    p50: int | None = Field(
        description="50th percentile of the range's cycle time (days); null when none finished."
    )
    p70: int | None = Field(
        description="70th percentile of the range's cycle time (days); null when none finished."
    )
    p85: int | None = Field(
        description="85th percentile of the range's cycle time (days); null when none finished."
    )
    p95: int | None = Field(
        description="95th percentile of the range's cycle time (days); null when none finished."
    )


class FlowEfficiency(Out):
    pooled: float | None = Field(
        description="Total working time / total cycle time of items finished in the range "
        "(ratio 0-1, 3 decimals); null when none finished."
    )
    median: float | None = Field(
        description="Median of the items' flow efficiency (ratio 0-1, 3 decimals); null when "
        "none finished."
    )
    items: int = Field(description="Items finished in the range it reads (items).")
    working_days: float | None = Field(
        description="Time in working stages, summed (days, 1 decimal); null when none finished."
    )
    waiting_days: float | None = Field(
        description="Time in waiting stages, summed (days, 1 decimal); null when none finished."
    )


class FlowBlockedItem(Out):
    key: str = Field(description="Work item key.")
    stage: str = Field(description="Its stage (finished items: their last stage).")
    blocked_days: int = Field(description="Time flagged as blocked (days, calendar inclusive).")
    periods: int = Field(description="Separate blocked periods (merged flags).")


class FlowSprintChurn(Out):
    sprint: str = Field(description="Sprint name.")
    start: dt.date = Field(description="Day the sprint started.")
    end: dt.date | None = Field(description="Day it ended; null while running on the as-of date.")
    committed: int = Field(description="Items in the sprint when it started (items).")
    added: int = Field(description="Items added after the start (items).")
    removed: int = Field(description="Items removed after the start (items).")
    reranks: int = Field(
        description="Rank or priority changes of the sprint's items while it ran (changes)."
    )
    churn: float | None = Field(
        description="(added + removed) / committed (ratio, 3 decimals); null with none committed."
    )


class FlowPlanChurn(Out):
    sprints: list[FlowSprintChurn] = Field(description="One row per sprint, oldest first.")
    committed: int = Field(description="Committed items over those sprints (items).")
    added: int = Field(description="Items added after the starts (items).")
    removed: int = Field(description="Items removed after the starts (items).")
    reranks: int = Field(description="Rank or priority changes while the sprints ran (changes).")
    churn: float | None = Field(
        description="Pooled churn: (added + removed) / committed (ratio, 3 decimals)."
    )


class FlowReopenedMove(Out):
    key: str = Field(description="Work item key.")
    at: dt.datetime = Field(description="When it moved back.")
    from_stage: str = Field(description="The done stage it left.")
    to_stage: str = Field(description="The active or backlog stage it went to.")


class FlowReopened(Out):
    moves: int = Field(description="Moves from done back to active or backlog (moves).")
    items: int = Field(description="Distinct items reopened (items).")
    recent: list[FlowReopenedMove] = Field(description="The 10 most recent moves, newest first.")


class FlowBlocked(Out):
    items_blocked: int = Field(
        description="Items finished in the range that were ever blocked (items)."
    )
    blocked_days: int = Field(
        description="Blocked time of the items finished in the range, summed (days)."
    )
    share_blocked: float | None = Field(
        description="items_blocked / items finished in the range (ratio 0-1, 3 decimals); null "
        "when none finished."
    )
    top: list[FlowBlockedItem] = Field(
        description="The 10 most blocked items, finished in the range or in progress."
    )


class FlowQuality(Out):
    note: str = Field(description="One-sentence data-quality note shown beside each metric.")
    findings: int = Field(description="Items with at least one data-quality finding (items).")
    items: int = Field(description="Items the data-quality report read (items).")


class FlowMeasure(Out):
    name: Literal["cycle_time", "lead_time"] = Field(
        description="What ``percentiles``, ``percentile_trend`` and the charts read: cycle time, "
        "or lead time when fewer than half of the items finished in the range were ever in an "
        "active stage (the data has no start dates)."
    )
    finished: int = Field(description="Items finished in the range (items).")
    started: int = Field(description="Of those, items that were ever in an active stage (items).")
    note: str = Field(description="Why lead time is shown; empty for cycle time.")


class FlowOut(Out):
    """The team flow dashboard over [start, end], as of ``end``."""

    workspace: str = Field(description="Workspace slug.")
    team: str | None = Field(description="Team slug; null for all teams (or several).")
    teams: list[str] = Field(description="Team slugs when several teams are read together.")
    label: str = Field(description='Who the figures are for: "Checkout", "A + B", "All teams".')
    start: dt.date = Field(description="First day of the range.")
    end: dt.date = Field(description="Last day of the range (inclusive).")
    as_of: dt.date = Field(description="The as-of date (= end) for WIP and aging.")
    types: list[str] = Field(description="Item types filtered on; empty for all types.")
    items: int = Field(description="Work items in scope, any state (items).")
    epics_left_out: int = Field(
        description="Epics left out of the figures (without a type filter, items other items "
        "name as their epic are not counted) (items)."
    )
    stages: list[FlowStage] = Field(description="Workflow stages in order.")
    days: str = Field(description='How days are counted: "inclusive" (whole calendar days).')
    percentile_method: str = Field(description='Percentile method: "nearest-rank".')
    definitions: FlowDefinitions = Field(description="Each metric's definition.")
    headline: FlowHeadline = Field(description="The headline numbers.")
    measure: FlowMeasure = Field(description="Cycle time or lead time, and why.")
    percentiles: FlowPercentiles = Field(
        description="Percentiles of items finished in the range: of cycle time, or of lead "
        "time when ``measure.name`` is lead_time."
    )
    percentile_trend: list[FlowPercentileTrendRow] = Field(
        description="Weekly cycle-time percentiles over the 4 weeks before each week's end."
    )
    throughput_weekly: list[FlowThroughputWeek] = Field(description="Items finished per week.")
    wip_daily: list[FlowWipDay] = Field(description="WIP, arrivals and departures per day.")
    cfd: list[FlowCfdRow] = Field(
        description="Cumulative flow: per day, items in each stage (one key per stage name)."
    )
    cycle_times: list[FlowCycleTime] = Field(
        description="Items finished in the range, by finish time."
    )
    aging: list[FlowAgingItem] = Field(
        description="Items in progress at the as-of date, oldest first."
    )
    flow_efficiency: FlowEfficiency = Field(description="Flow efficiency.")
    blocked: FlowBlocked = Field(description="Blocked time.")
    plan_churn: FlowPlanChurn = Field(
        description="Sprint scope changes after the start, sprints that started in the range."
    )
    reopened: FlowReopened = Field(description="Moves from done back into work, in the range.")
    quality: FlowQuality = Field(description="Data-quality note for the team (all types).")


# --- DORA ---------------------------------------------------------------------------------------


class DoraValue(Out):
    value: float | None = Field(
        description="The figure in ``unit`` (3 decimals); null without production deployments "
        "or data."
    )
    unit: str = Field(description='Unit: "days/week", "hours" or "share" (ratio 0-1).')
    tier: Tier | None = Field(description=TIER)


class DoraFrequency(DoraValue):
    services: int = Field(
        description="Services the figure is the median of (deployed in the period or the year "
        "before it)."
    )
    pooled: float | None = Field(
        description="Days on which any of those services deployed, per week (days/week): "
        "higher than the median when services deploy on different days."
    )


class DoraFigures(Out):
    """The DORA figures of one period or group (fields shared by several rows)."""

    deployment_frequency: DoraFrequency = Field(
        description="Days with a successful production deployment per week (days/week), per "
        "service; for several services the median of theirs."
    )
    lead_time_for_changes: DoraValue = Field(
        description="Median first commit -> production deployment (hours)."
    )
    change_failure_rate: DoraValue = Field(
        description="Share of production deployments that failed (ratio 0-1)."
    )
    recovery_time: DoraValue = Field(
        description="Median failed deployment -> incidents resolved (hours)."
    )
    rework_rate: DoraValue = Field(
        description="Share of production deployments that were unplanned fixes (ratio 0-1)."
    )
    downtime_per_release: DoraValue = Field(
        description="Incident hours attributed to a production deployment, averaged (hours)."
    )
    production_deployments: int = Field(description="Production deployments (deployments).")
    failed_deployments: int = Field(description="Failed production deployments (deployments).")


# Pydantic orders fields base-most first along the MRO, so ``class X(DoraFigures, Head)`` lists
# Head's fields first: the order the service builds these dicts in.


class _PeriodHead(Out):
    start: dt.date = Field(description="First day of the period.")
    end: dt.date = Field(description="Last day of the period (inclusive).")


class DoraPeriod(DoraFigures, _PeriodHead):
    """DORA figures over a period (the last 90 days or the whole range)."""


class _MonthHead(Out):
    month: dt.date = Field(description="First day of the calendar month.")
    days: int = Field(description="Days of the month inside the range (days).")


class DoraMonth(DoraFigures, _MonthHead):
    """DORA figures of one calendar month of the range."""


class _ServiceHead(Out):
    service: str = Field(description="Service name.")


class DoraService(DoraFigures, _ServiceHead):
    """DORA figures of one service over the range."""


class _TeamHead(Out):
    team: str = Field(description="Team slug.")


class DoraTeam(DoraFigures, _TeamHead):
    """DORA figures of one team over the range."""


class DoraReportTier(Out):
    metric: str = Field(description="Metric key (as in ``metrics``).")
    label: str = Field(description="Metric name.")
    tiers: dict[str, str] = Field(
        description="The report's clusters: tier name (elite, high, medium, low) -> what the "
        "report states for it; keys come from the report data, empty when it has none."
    )


class DoraMetric(Out):
    key: str = Field(description="Metric key (the field name in the figures).")
    label: str = Field(description="Metric name.")
    unit: str = Field(description='Unit: "days/week", "hours" or "share" (ratio 0-1).')
    tiered: bool = Field(description="True when the DORA report publishes tiers for it.")
    definition: str = Field(description="The metric's definition.")


class DoraTimelineDeployment(Out):
    id: str = Field(description="Deployment id in its source.")
    service: str = Field(description="Service name.")
    team: str = Field(description="Team slug; empty string without a team.")
    status: str = Field(description="Deployment status (e.g. success, failure, rolled_back).")
    finished: dt.datetime = Field(description="When it finished (UTC timestamp).")
    failed: bool = Field(description="True when it counts as a failed deployment.")
    unplanned: bool = Field(description="True for an unplanned fix (hotfix, rollback).")
    kind: str = Field(
        description='"rolled back", "unplanned fix", "followed by incident", "deployed", or '
        "the status."
    )
    downtime_hours: float = Field(description="Incident time attributed to it (hours).")


class DoraTimelineIncident(Out):
    id: str = Field(description="Incident id in its source.")
    service: str = Field(description="Service name.")
    team: str = Field(description="Team slug; empty string without a team.")
    title: str = Field(description="Incident title (may be empty).")
    started: dt.datetime = Field(description="When it started (UTC timestamp).")
    resolved: dt.datetime = Field(
        description="When it was resolved (UTC timestamp); the end of the as-of date when open."
    )
    hours: float = Field(description="started -> resolved (hours, 2 decimals).")
    open: bool = Field(description="True when not resolved.")


class DoraTimeline(Out):
    deployments: list[DoraTimelineDeployment] = Field(
        description="Production deployments finished in the range, oldest first."
    )
    incidents: list[DoraTimelineIncident] = Field(
        description="Incidents started in the range, oldest first."
    )


class DoraOut(Out):
    """DORA metrics over [start, end]: last 90 days, range, monthly trend, groups, timeline."""

    workspace: str = Field(description="Workspace slug.")
    team: str | None = Field(description="Team slug; null for all teams.")
    teams: list[str] = Field(description="Team slugs when several teams are asked for together.")
    label: str = Field(description='Who the figures are for: "Checkout", "All teams".')
    start: dt.date = Field(description="First day of the range.")
    end: dt.date = Field(description="Last day of the range (inclusive).")
    as_of: dt.date = Field(description="The as-of date (= end).")
    window_hours: float = Field(
        description="Change-failure attribution window after a deployment (hours)."
    )
    report_year: int = Field(description="Year of the DORA report the tiers come from.")
    report_tiers: list[DoraReportTier] = Field(
        description="The report's published clusters per tiered metric."
    )
    metrics: list[DoraMetric] = Field(description="Each metric with its unit and definition.")
    recent: DoraPeriod = Field(description="The last 90 days of the range (the headline).")
    range: DoraPeriod = Field(description="The whole range.")
    trend: list[DoraMonth] = Field(description="Per calendar month of the range.")
    by_service: list[DoraService] = Field(description="Per service over the range.")
    by_team: list[DoraTeam] = Field(description="Per team over the range.")
    timeline: DoraTimeline = Field(description="Deployments and incidents of the range.")
    releases: int = Field(
        description="Releases stored for the scope when it has no deployments (0 otherwise): "
        "releases are not deployments (a git tag counts when it matches the deployment tag "
        "pattern)."
    )


# --- forecasts ----------------------------------------------------------------------------------


class ForecastInputs(Out):
    trials: int = Field(description="Monte Carlo trials.")
    seed: int | None = Field(description="Random seed; null for an unseeded run.")
    method: str = Field(description='Sampling method (e.g. "negbin", "daily").')
    window_days: int = Field(description="Days of throughput history sampled (days).")
    window_start: dt.date | None = Field(description="First day of the sampled window.")
    window_end: dt.date | None = Field(description="Last day of the sampled window (= as_of).")
    total_items: int = Field(description="Items finished in the window (items).")
    zero_days: int = Field(description="Days of the window with nothing finished (days).")
    mean_per_day: float = Field(description="Mean throughput in the window (items per day).")
    max_per_day: int = Field(description="Highest daily throughput in the window (items).")
    percentiles: list[int] = Field(description="Confidence levels answered (e.g. 50, 70, 85, 95).")


class ForecastWhenPercentile(Out):
    percentile: int = Field(description="Confidence level (%).")
    days: int | None = Field(
        description="Days after as_of by which that share of trials finished (days); null "
        "without throughput."
    )
    date: dt.date | None = Field(
        description="The calendar date of ``days``; null without throughput."
    )


class ForecastWhenBin(Out):
    days: int = Field(description="Days needed (days).")
    trials: int = Field(description="Trials that needed that many days.")


class ForecastWhen(Out):
    items: int = Field(description="Items to finish (items).")
    definition: str = Field(description="How the forecast was made.")
    percentiles: list[ForecastWhenPercentile] = Field(
        description="The answer per confidence level."
    )
    histogram: list[ForecastWhenBin] = Field(description="Outcomes of the trials.")


class ForecastHowManyPercentile(Out):
    percentile: int = Field(description="Confidence level (%).")
    items: int = Field(description="At least this many items finish with that confidence (items).")


class ForecastHowManyBin(Out):
    items: int = Field(description="Items finished (items).")
    trials: int = Field(description="Trials that finished that many.")


class ForecastHowMany(Out):
    days: int = Field(description="Days ahead of as_of (days).")
    by: dt.date = Field(description="The date ``days`` after as_of.")
    definition: str = Field(description="How the forecast was made.")
    percentiles: list[ForecastHowManyPercentile] = Field(
        description="The answer per confidence level (read downward)."
    )
    histogram: list[ForecastHowManyBin] = Field(description="Outcomes of the trials.")


class ForecastCalibration(Out):
    question: Literal["how_many", "when"] = Field(description="Which forecast was backtested.")
    percentile: int = Field(description="Confidence level (%).")
    forecasts: int = Field(description="Past forecasts compared (outcome known).")
    hit_rate: float | None = Field(
        description="Share of them that came true (ratio 0-1, 3 decimals); calibrated when "
        "about percentile / 100; null when every such forecast was excluded."
    )
    excluded: int = Field(
        description="Past forecasts left out because their outcome is unknown: the data ends "
        "before both the forecast date and the items' completion ('when' only)."
    )


class ForecastBacktest(Out):
    definition: str = Field(description="How the backtest was made.")
    every_days: int = Field(description="Days between past as-of dates (days).")
    trials: int = Field(description="Trials per past forecast.")
    horizon_days: int = Field(description="'How many' horizon of the past forecasts (days).")
    items: int = Field(description="'When' item count of the past forecasts (items).")
    forecasts: int = Field(description="Past as-of dates forecast from.")
    excluded: int = Field(
        description="Past 'when' answers (per percentile) left out as unknown: the data ends "
        "before both their date and the items' completion. A date that passed with the items "
        "not done counts as a miss."
    )
    calibration: list[ForecastCalibration] = Field(
        description="Hit rate per question and confidence level."
    )


class _ForecastHead(Out):
    workspace: str = Field(description="Workspace slug.")
    team: str | None = Field(description="Team slug; null for all teams or several teams.")
    teams: list[str] = Field(description="Team slugs forecast together (their throughput summed).")
    label: str = Field(description='Who it is for: "Checkout", "Checkout + Mobile", "All teams".')
    as_of: dt.date = Field(description="The as-of date; day 1 is the day after.")
    inputs: ForecastInputs = Field(description="What the forecast was computed from.")


class ForecastEpic(Out):
    key: str = Field(description="Epic key.")
    title: str | None = Field(description="The epic's title; null when the epic item is unknown.")
    remaining: int = Field(
        description="Child items (of any team) not finished and not removed as of as_of (items)."
    )
    cumulative: int = Field(
        description="Remaining items of this epic and of the epics before it (items): the epic "
        "is done when these are."
    )
    percentiles: list[ForecastWhenPercentile] = Field(
        description="When the epic will be done per confidence level; days 0 (dated as_of) "
        "when nothing remains."
    )


class ForecastWhenOut(_ForecastHead):
    """When will ``items`` items be done: Monte Carlo dates at 50/70/85/95%, and a backtest.

    With ``epics``, also when each epic will be done, working through them in the order given.
    """

    when: ForecastWhen = Field(description="The forecast.")
    epics: list[ForecastEpic] | None = Field(
        default=None,
        description="Only when ``epics`` are asked for: per epic in the order given (priority "
        "order), when it will be done if the team(s) work through the epics in that order "
        "(epic k is done when the remaining items of epics 1..k are), from the same trials.",
    )
    epics_definition: str | None = Field(
        default=None, description="Only with ``epics``: the assumption and how it was made."
    )
    backtest: ForecastBacktest = Field(description="How well such forecasts did in the past.")


class ForecastHowManyOut(_ForecastHead):
    """How many items in ``days`` days: Monte Carlo counts at 50/70/85/95%, and a backtest."""

    how_many: ForecastHowMany = Field(description="The forecast.")
    backtest: ForecastBacktest = Field(description="How well such forecasts did in the past.")


# --- portfolio ----------------------------------------------------------------------------------


class PortfolioColumn(Out):
    key: str = Field(description="Field of the team rows (a valid ``sort``).")
    label: str = Field(description="Column heading.")


class PortfolioDefinitions(Out):
    wip: str = Field(description="Definition of WIP.")
    throughput: str = Field(description="Definition of throughput.")
    cycle_time: str = Field(description="Definition of cycle time.")
    deployment_frequency: str = Field(description="Definition of deployment frequency.")
    change_failure_rate: str = Field(description="Definition of change failure rate (24 h).")


class PortfolioTeam(Out):
    team: str = Field(description="Team slug.")
    name: str = Field(description="Team name.")
    wip: int = Field(description="Items in active stages at the end of the as-of date (items).")
    throughput_per_week: float = Field(
        description="Items finished in the range per week (items per week, 1 decimal)."
    )
    finished: int = Field(description="Items finished in the range (items).")
    cycle_time_p85: int | None = Field(
        description="85th percentile of cycle time (days); null when none finished."
    )
    deployment_frequency: float | None = Field(
        description="Deployment days per week (days/week, 2 decimals); null without deployments."
    )
    deployment_frequency_tier: Tier | None = Field(description=TIER)
    change_failure_rate: float | None = Field(
        description="Change failure rate (ratio 0-1, 3 decimals); null without deployments."
    )
    change_failure_rate_tier: Tier | None = Field(description=TIER)
    quality_findings: int = Field(description="Items with data-quality findings (items).")


class PortfolioWeek(Out):
    team: str = Field(description="Team slug.")
    week: dt.date = Field(description="Monday starting the week.")
    count: int = Field(description="Items finished that week (items).")


class PortfolioWipDay(Out):
    team: str = Field(description="Team slug.")
    day: dt.date = Field(description="Calendar day.")
    wip: int = Field(description="Items in active stages at the end of the day (items).")


class PortfolioOut(Out):
    """Every team side by side over [start, end], as of ``end``."""

    workspace: str = Field(description="Workspace slug.")
    start: dt.date = Field(description="First day of the range.")
    end: dt.date = Field(description="Last day of the range (inclusive).")
    as_of: dt.date = Field(description="The as-of date (= end).")
    sort: str = Field(description="Column the teams are sorted by (unknown columns: team).")
    descending: bool = Field(
        description="True when sorted descending (teams without a value last)."
    )
    columns: list[PortfolioColumn] = Field(description="The table's columns.")
    definitions: PortfolioDefinitions = Field(description="Each metric's definition.")
    teams: list[PortfolioTeam] = Field(description="One row per team of the workspace.")
    throughput_weekly: list[PortfolioWeek] = Field(
        description="Items finished per team and week (for small multiples)."
    )
    wip_daily: list[PortfolioWipDay] = Field(description="WIP per team and day.")
