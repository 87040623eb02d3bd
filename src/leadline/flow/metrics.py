"""Daily flow metrics per team: throughput, WIP, cumulative flow, percentiles, aging WIP."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import polars as pl

from leadline.bounds import MAX_RANGE_DAYS
from leadline.flow.frames import as_date, local_date
from leadline.flow.stages import ACTIVE, mapped_transitions, work_item_age
from leadline.flow.workflow import StageOptions, Workflow

DEFAULT_PERCENTILES: tuple[int, ...] = (50, 70, 85, 95)


def earliest_start(first: date | None, end: date) -> date:
    """Return where a range without an explicit start begins: the first date in the data, but
    no more than :data:`leadline.bounds.MAX_RANGE_DAYS` days before ``end``.

    The cost of a day grid grows with its length, so one item dated in year 1 must not make
    every figure of its team compute 740,000 days; events before the start fold into its first
    day (counts) or fall outside the range (throughput).
    """
    floor = end - timedelta(days=MAX_RANGE_DAYS - 1)
    if first is None or first > end:
        return end
    return max(first, floor)


def _day_grid(teams: pl.Series, start: date, end: date, by: str) -> pl.LazyFrame:
    days = pl.date_range(start, end, "1d", eager=True).alias("day")
    return (
        pl.DataFrame({by: teams.unique().sort()})
        .lazy()
        .join(pl.DataFrame({"day": days}).lazy(), how="cross")
    )


def _to_weeks(daily: pl.LazyFrame, by: str, cols: Sequence[str], how: str) -> pl.LazyFrame:
    week = pl.col("day").dt.truncate("1w")
    agg = [getattr(pl.col(c), how)().alias(c) for c in cols]
    return daily.group_by(by, week.alias("week")).agg(agg).sort(by, "week")


def throughput(
    dates: pl.DataFrame,
    as_of: date | datetime,
    *,
    start: date | None = None,
    period: str = "day",
    by: str = "team",
    options: StageOptions | None = None,
) -> pl.DataFrame:
    """Return finished items per team per day (or Monday-started week), zero days included.

    Removed and unfinished items count in no throughput; the range runs from ``start``
    (default: the first finish in the data, at most ten years back: :func:`earliest_start`) to
    ``as_of``; finishes outside it are left out.
    Columns: <by>, day|week, count.
    """
    opts = options or StageOptions()
    end = as_date(as_of, opts.tz)
    done = dates.lazy().filter(pl.col("finished").is_not_null() & ~pl.col("removed"))
    done = done.with_columns(day=local_date(pl.col("finished"), opts.tz))
    if start is None:
        first = done.select(pl.col("day").min()).collect().item()
        start = earliest_start(first, end)
    counts = (
        done.filter(pl.col("day").is_between(start, end))
        .group_by(by, "day")
        .agg(pl.len().cast(pl.Int64).alias("count"))
    )
    daily = (
        _day_grid(dates.get_column(by), start, end, by)
        .join(counts, on=[by, "day"], how="left")
        .with_columns(pl.col("count").fill_null(0))
        .sort(by, "day")
    )
    if period == "week":
        return _to_weeks(daily, by, ["count"], "sum").collect()
    if period != "day":
        raise ValueError("period must be 'day' or 'week'")
    return daily.collect()


def daily_counts(
    items: pl.DataFrame,
    transitions: pl.DataFrame,
    workflow: Workflow,
    as_of: date | datetime,
    *,
    start: date | None = None,
    by: str = "team",
    options: StageOptions | None = None,
    strict: bool = True,
) -> pl.DataFrame:
    """Return per team and day the items in each stage at the end of the day, plus flow counts.

    One row per (team, day) with a column per stage, ``wip`` (items in active stages),
    ``arrivals``/``departures`` (moves into/out of the active category that day). Built from
    entry/exit events with cumulative sums; events before ``start`` (default: the first event,
    at most ten years back: :func:`earliest_start`) are folded into the first day, events
    after ``as_of`` ignored.
    """
    opts = options or StageOptions()
    end = as_date(as_of, opts.tz)
    t = mapped_transitions(transitions, workflow, strict=strict)
    same = pl.col("item_id") == pl.col("item_id").shift(1)
    prev_stage = pl.when(same).then(pl.col("stage").shift(1))
    in_active = (pl.col("cat") == ACTIVE).cast(pl.Int8)
    was_active = pl.when(same).then(pl.col("cat").shift(1) == ACTIVE).otherwise(False)
    ev = (
        t.select(
            "item_id",
            "at",
            "stage",
            prev=prev_stage,
            flow=in_active - was_active.cast(pl.Int8),
        )
        .filter(pl.col("prev").is_null() | (pl.col("prev") != pl.col("stage")))
        .with_columns(day=local_date(pl.col("at"), opts.tz))
        .filter(pl.col("day") <= end)
    )
    if start is None:
        start = earliest_start(ev.select(pl.col("day").min()).collect().item(), end)
    ev = ev.with_columns(day=pl.max_horizontal(pl.col("day"), pl.lit(start)))
    ev = ev.join(items.lazy().select("item_id", by), on="item_id", how="inner")
    names = workflow.names
    agg = ev.group_by(by, "day").agg(
        *[
            ((pl.col("stage") == i).sum().cast(pl.Int64) - (pl.col("prev") == i).sum()).alias(n)
            for i, n in enumerate(names)
        ],
        arrivals=(pl.col("flow") == 1).sum().cast(pl.Int64),
        departures=(pl.col("flow") == -1).sum().cast(pl.Int64),
    )
    active = [names[i] for i in workflow.indices("active")]
    grid = _day_grid(items.get_column(by), start, end, by)
    return (
        grid.join(agg, on=[by, "day"], how="left")
        .with_columns(pl.col([*names, "arrivals", "departures"]).fill_null(0))
        .sort(by, "day")
        .with_columns(pl.col(names).cum_sum().over(by))
        .with_columns(wip=pl.sum_horizontal(active) if active else pl.lit(0, pl.Int64))
        .collect()
    )


def wip(
    items: pl.DataFrame,
    transitions: pl.DataFrame,
    workflow: Workflow,
    as_of: date | datetime,
    *,
    start: date | None = None,
    by: str = "team",
    options: StageOptions | None = None,
    strict: bool = True,
) -> pl.DataFrame:
    """Return items in active stages at the end of each day per team (<by>, day, wip)."""
    counts = daily_counts(
        items, transitions, workflow, as_of, start=start, by=by, options=options, strict=strict
    )
    return counts.select(by, "day", "wip", "arrivals", "departures")


def cumulative_flow(
    items: pl.DataFrame,
    transitions: pl.DataFrame,
    workflow: Workflow,
    as_of: date | datetime,
    *,
    start: date | None = None,
    by: str = "team",
    stacked: bool = True,
    options: StageOptions | None = None,
    strict: bool = True,
) -> pl.DataFrame:
    """Return per team and day the items per stage at the end of the day, one column per stage.

    ``stacked`` (default) gives each stage the items in it or any later non-removed stage, so
    lines never cross; otherwise plain per-stage counts. Removed stages are plain counts always.
    """
    counts = daily_counts(
        items, transitions, workflow, as_of, start=start, by=by, options=options, strict=strict
    )
    names = workflow.names
    if not stacked:
        return counts.select(by, "day", *names)
    flow_names = [s.name for s in workflow.stages if s.category != "removed"]
    cums = [pl.sum_horizontal(flow_names[i:]).alias(n) for i, n in enumerate(flow_names)]
    return counts.select(by, "day", *cums, *[n for n in names if n not in flow_names]).select(
        by, "day", *names
    )


def _percentile_exprs(col: str, percentiles: Sequence[float], method: str) -> list[pl.Expr]:
    exprs = []
    for p in percentiles:
        name = f"p{p:g}"
        if method == "linear":
            exprs.append(pl.col(col).quantile(p / 100, interpolation="linear").alias(name))
        elif method == "nearest-rank":
            # Smallest value with at least p% of values at or below it.
            rank = (pl.len() * p / 100 - 1e-9).ceil().cast(pl.Int64) - 1
            exprs.append(pl.col(col).sort().get(pl.max_horizontal(rank, 0)).alias(name))
        else:
            raise ValueError("method must be 'nearest-rank' or 'linear'")
    return exprs


def percentiles(
    values: pl.DataFrame,
    column: str = "cycle_time_days",
    *,
    by: str | Sequence[str] | None = "team",
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    method: str = "nearest-rank",
) -> pl.DataFrame:
    """Return percentiles (p50, p70, ...) of ``column`` per group, with the count of values.

    nearest-rank (default): the smallest value that at least p% of values do not exceed;
    "linear" interpolates. Null values are ignored; a group without values gets nulls.
    """
    exprs = [pl.col(column).count().alias("count"), *_percentile_exprs(column, percentiles, method)]
    data = values.filter(pl.col(column).is_not_null())
    if not by:
        if data.is_empty():  # nearest-rank cannot index an empty column
            names = [f"p{p:g}" for p in percentiles]
            return pl.DataFrame(
                {"count": [0], **{n: [None] for n in names}},
                schema={"count": pl.UInt32, **{n: values.schema[column] for n in names}},
            )
        return data.select(exprs)
    keys = [by] if isinstance(by, str) else list(by)
    return data.group_by(keys).agg(exprs).sort(keys)


def percentile_trend(
    cycle: pl.DataFrame,
    as_of: date | datetime,
    *,
    every: str = "1w",
    window: str = "4w",
    column: str = "cycle_time_days",
    by: str = "team",
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    method: str = "nearest-rank",
) -> pl.DataFrame:
    """Return rolling percentiles: for each period end, over items finished in the window before.

    Periods are Polars durations ("1w", "1mo"); rows label the window end (exclusive). Items
    finished after ``as_of`` are left out; empty windows are omitted.
    """
    end = as_date(as_of)
    data = cycle.filter(pl.col("finished_date") <= end).sort(by, "finished_date")
    exprs = [pl.col(column).count().alias("count"), *_percentile_exprs(column, percentiles, method)]
    return (
        data.group_by_dynamic(
            "finished_date",
            every=every,
            period=window,
            offset=f"-{window}",
            group_by=by,
            closed="left",
            label="right",
            start_by="window",
        )
        .agg(exprs)
        .rename({"finished_date": "window_end"})
        .filter(pl.col("window_end") <= end + timedelta(days=1))
        .sort(by, "window_end")
    )


def aging_wip(
    dates: pl.DataFrame,
    cycle: pl.DataFrame,
    as_of: date | datetime,
    *,
    by: str = "team",
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    risk_percentile: float = 85,
    options: StageOptions | None = None,
) -> pl.DataFrame:
    """Return in-progress items with age, stage and their team's cycle-time percentiles.

    Percentiles come from items finished by ``as_of``; ``beyond`` names the highest percentile
    the age exceeds; ``at_risk`` is age > the ``risk_percentile`` value. Teams without finished
    items get null percentiles and at_risk False. ``stage`` is the latest stage in the data.
    """
    if risk_percentile not in percentiles:
        percentiles = sorted({*percentiles, risk_percentile})
    day = as_date(as_of, (options or StageOptions()).tz)
    ages = work_item_age(dates, as_of, options)
    past = cycle.filter(pl.col("finished_date") <= day)
    pct = _percentiles_frame(past, by, percentiles)
    names = [f"p{p:g}" for p in percentiles]
    beyond = pl.lit(None, pl.Utf8)
    for n in names:
        beyond = pl.when(pl.col("age_days") > pl.col(n)).then(pl.lit(n)).otherwise(beyond)
    return (
        ages.join(pct, on=by, how="left")
        .with_columns(
            beyond=beyond,
            at_risk=(pl.col("age_days") > pl.col(f"p{risk_percentile:g}")).fill_null(False),
        )
        .sort(by, "age_days", descending=[False, True])
    )


def _percentiles_frame(cycle: pl.DataFrame, by: str, pcts: Sequence[float]) -> pl.DataFrame:
    frame = percentiles(cycle, by=by, percentiles=pcts)
    return frame.drop("count")


def nearest_rank(values: Sequence[float], p: float) -> float:
    """Return the smallest value that at least p% of ``values`` do not exceed (NaN if empty)."""
    data = sorted(values)
    if not data:
        return math.nan
    return data[max(math.ceil(len(data) * p / 100 - 1e-9) - 1, 0)]
