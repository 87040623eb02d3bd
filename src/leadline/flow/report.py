"""The one flow-metric pipeline: a history in, a typed :class:`FlowReport` out.

``leadline analyze`` (which writes a report to files) and the flow dashboard (which serves one as
a page, JSON and CSV) both call :func:`flow_report`; they differ only in the :class:`ReportOptions`
they pass. The steps, in order::

    history_as_of -> stage dates -> cycle times -> daily counts -> throughput -> percentiles
    -> aging

Every step is a function of :mod:`leadline.flow` (pure Polars, no I/O); this module only runs
them in order and names what they return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from leadline.flow import jam
from leadline.flow.frames import history_as_of
from leadline.flow.measure import Measure, choose_measure, started_items, with_lead_times
from leadline.flow.metrics import aging_wip, daily_counts, percentiles, throughput
from leadline.flow.stages import cycle_times, stage_dates
from leadline.flow.workflow import StageOptions, Workflow

SCOPE = "scope"  # the steps group by this constant column: one group = the whole history
CYCLE_TIME = Measure("cycle_time", "cycle_time_days", 0, 0, "")

# Keeps part of the history as of the date (e.g. leaves epics out), after the cut.
Keep = Callable[[pl.DataFrame, pl.DataFrame], tuple[pl.DataFrame, pl.DataFrame]]


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What a caller asks of the pipeline beyond the history, the workflow and the as-of date.

    ``start``: the first day of the range (None: from the first day in the data); cycle times,
    counts and throughput cover [start, as_of]. ``peer_cycle``: cycle times as jira-agile-metrics
    reads them (the committed and done columns' dates; needs an active and a done stage).
    ``lead_time_fallback``: add lead times to the cycle-time rows and read lead time instead of
    cycle time when most items finished in the range were never started (:mod:`.measure`).
    ``daily_throughput``: also count throughput per day. ``percentile_groups``: also read the
    percentiles per value of these columns (e.g. "team", "type").
    """

    start: date | None = None
    peer_cycle: bool = False
    lead_time_fallback: bool = False
    daily_throughput: bool = False
    percentile_groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FlowReport:
    """Every flow figure of one history as of one date, each step's result by name.

    ``items``/``transitions``: the history as it stood at the end of ``as_of`` (with a constant
    :data:`SCOPE` column on items). ``dates``: each item's stage dates. ``peer_table``: the
    jira-agile-metrics per-column dates and cycle times (with ``peer_cycle`` only). ``cycle``:
    the items finished in the range with their cycle times. ``measure``: which time the
    percentiles read. ``counts``: items per stage, WIP, arrivals and departures per day.
    ``percentiles``: one row (count, p50 ... p95) over ``measure.column``; ``percentiles_by``:
    one frame per asked group column. ``aging``: the items in progress with their ages.
    """

    as_of: date
    start: date | None
    workflow: Workflow
    options: StageOptions
    items: pl.DataFrame
    transitions: pl.DataFrame
    dates: pl.DataFrame
    cycle: pl.DataFrame
    measure: Measure
    counts: pl.DataFrame
    throughput_weekly: pl.DataFrame
    percentiles: pl.DataFrame
    aging: pl.DataFrame
    throughput_daily: pl.DataFrame | None = None
    peer_table: pl.DataFrame | None = None
    percentiles_by: dict[str, pl.DataFrame] = field(default_factory=dict)


def cut_history(
    items: pl.DataFrame,
    transitions: pl.DataFrame,
    as_of: date,
    tz: str,
    keep: Keep | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Step 1: the history as it stood at the end of ``as_of`` in ``tz``, then ``keep``'s part
    of it, with the constant :data:`SCOPE` column on items."""
    items, transitions = history_as_of(items, transitions, as_of, tz)
    if keep is not None:
        items, transitions = keep(items, transitions)
    return items.with_columns(pl.lit("all").alias(SCOPE)), transitions


def flow_report(
    items: pl.DataFrame,
    transitions: pl.DataFrame,
    workflow: Workflow,
    options: StageOptions,
    as_of: date,
    report: ReportOptions | None = None,
    *,
    keep: Keep | None = None,
    cut: bool = True,
) -> FlowReport:
    """Run the pipeline over a history (engine frames) and return every figure as of ``as_of``.

    ``keep`` keeps part of the history after the cut (see :func:`cut_history`); ``cut=False``
    says ``items``/``transitions`` already are :func:`cut_history`'s result.
    """
    ro = report or ReportOptions()
    if cut:
        items, transitions = cut_history(items, transitions, as_of, options.tz, keep)
    dates = stage_dates(items, transitions, workflow, options, strict=False).with_columns(
        pl.lit("all").alias(SCOPE)
    )
    peer_table = None
    cycle = cycle_times(dates, options)
    if ro.peer_cycle and workflow.indices("active") and workflow.indices("done"):
        # The peer's cycle times (column dates), so every output agrees with its table.
        peer_table = jam.cycle_time_table(dates, workflow, options)
        cycle = (
            cycle.join(peer_table.select("key", peer=pl.col("cycle_time")), on="key", how="left")
            .with_columns(cycle_time_days=pl.coalesce("peer", "cycle_time_days"))
            .drop("peer")
        )
    if ro.start is not None:
        cycle = cycle.filter(pl.col("finished_date").is_between(ro.start, as_of))
    measure = CYCLE_TIME
    aged = cycle
    if ro.lead_time_fallback:
        cycle = with_lead_times(cycle, dates, options)
        started = started_items(transitions, workflow)
        measure = choose_measure(cycle, started)
        if measure.column != "cycle_time_days":
            # Ages compare with the cycle times of items that really started (not made-up ones).
            aged = cycle.join(started, on="item_id", how="semi")
        else:
            aged = cycle
    counts = daily_counts(
        items, transitions, workflow, as_of, start=ro.start, by=SCOPE, options=options,
        strict=False,
    )  # fmt: skip
    daily = None
    if ro.daily_throughput:
        daily = throughput(dates, as_of, start=ro.start, by=SCOPE, options=options)
    weekly = throughput(dates, as_of, start=ro.start, period="week", by=SCOPE, options=options)
    pct = percentiles(cycle, measure.column, by=None)
    by_group = {g: percentiles(cycle, measure.column, by=g) for g in ro.percentile_groups}
    aging = aging_wip(dates, aged, as_of, by=SCOPE, options=options)
    return FlowReport(
        as_of=as_of,
        start=ro.start,
        workflow=workflow,
        options=options,
        items=items,
        transitions=transitions,
        dates=dates,
        cycle=cycle,
        measure=measure,
        counts=counts,
        throughput_weekly=weekly,
        percentiles=pct,
        aging=aging,
        throughput_daily=daily,
        peer_table=peer_table,
        percentiles_by=by_group,
    )
