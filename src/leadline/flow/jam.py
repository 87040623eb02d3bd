"""jira-agile-metrics compatible outputs (cycle-time table, CFD, throughput, percentiles, histogram).

Use with the ``JIRA_AGILE_METRICS`` stage options: first entry per column, a backward move wipes
later columns, skipped columns take the next column's date, calendar days exclusive.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import polars as pl

from leadline.bounds import MAX_RANGE_DAYS
from leadline.flow.frames import local_date
from leadline.flow.stages import entry_column
from leadline.flow.workflow import JIRA_AGILE_METRICS, StageOptions, Workflow


def _column_dates(dates: pl.DataFrame, workflow: Workflow, tz: str) -> pl.DataFrame:
    return dates.select(
        "key",
        *[
            local_date(pl.col(entry_column(s.name)), tz).alias(s.name)
            for s in workflow.stages
            if s.category != "removed"
        ],
    )


def _start_done(workflow: Workflow) -> tuple[str, str]:
    active = workflow.indices("active")
    done = workflow.indices("done")
    if not active or not done:
        raise ValueError("the workflow needs an active and a done column")
    return workflow.stages[active[0]].name, workflow.stages[done[0]].name


def cycle_time_table(
    dates: pl.DataFrame, workflow: Workflow, options: StageOptions = JIRA_AGILE_METRICS
) -> pl.DataFrame:
    """Return key, one date column per stage, and cycle_time days (null until done).

    Cycle time is the done column's date minus the committed column's date, in whole days.
    """
    start, done = _start_done(workflow)
    table = _column_dates(dates, workflow, options.tz)
    return table.with_columns(
        cycle_time=((pl.col(done) - pl.col(start)).dt.total_days() + options.day_offset).cast(
            pl.Int64
        )
    )


def _bounded(lo: Any, hi: Any) -> tuple[Any, Any]:
    """Return (lo, hi) with lo no more than :data:`MAX_RANGE_DAYS` days before hi: a day grid's
    cost must not grow with one implausible stored date (year 1 is 740,000 days)."""
    return max(lo, hi - timedelta(days=MAX_RANGE_DAYS - 1)), hi


def cfd(
    dates: pl.DataFrame, workflow: Workflow, options: StageOptions = JIRA_AGILE_METRICS
) -> pl.DataFrame:
    """Return per day (first to last stage date) the number of items that reached each column.

    Counts come from the (wiped, filled) column dates, as float like the peer tool.
    """
    table = _column_dates(dates, workflow, options.tz)
    cols = [c for c in table.columns if c != "key"]
    long = table.unpivot(index="key", on=cols, variable_name="column", value_name="day").drop_nulls(
        "day"
    )
    lo, hi = _bounded(long.get_column("day").min(), long.get_column("day").max())
    days = pl.DataFrame({"day": pl.date_range(lo, hi, "1d", eager=True)})  # type: ignore[arg-type]
    # Dates before the bounded first day count on it, so the cumulative counts stay right.
    long = long.with_columns(pl.col("day").clip(lower_bound=lo))
    counts = long.group_by("day").agg(
        [(pl.col("column") == c).sum().cast(pl.Float64).alias(c) for c in cols]
    )
    return (
        days.join(counts, on="day", how="left")
        .fill_null(0.0)
        .sort("day")
        .with_columns([pl.col(c).cum_sum() for c in cols])
    )


def throughput(
    dates: pl.DataFrame, workflow: Workflow, options: StageOptions = JIRA_AGILE_METRICS
) -> pl.DataFrame:
    """Return items per day entering the done column, from its first to its last day."""
    _, done = _start_done(workflow)
    table = _column_dates(dates, workflow, options.tz).drop_nulls(done)
    if table.is_empty():
        return pl.DataFrame(schema={"day": pl.Date, "count": pl.Int64})
    lo, hi = _bounded(table.get_column(done).min(), table.get_column(done).max())
    days = pl.DataFrame({"day": pl.date_range(lo, hi, "1d", eager=True)})  # type: ignore[arg-type]
    counts = table.group_by(done).agg(pl.len().cast(pl.Int64).alias("count")).rename({done: "day"})
    return days.join(counts, on="day", how="left").fill_null(0).sort("day")


def percentiles(
    cycle_days: pl.Series | Sequence[float], quantiles: Sequence[float] = (0.5, 0.85, 0.95)
) -> list[tuple[float, float]]:
    """Return (quantile, days) with linear interpolation between ranks; empty input gives NaN."""
    values = sorted(float(v) for v in cycle_days if v is not None)
    out = []
    for q in quantiles:
        if not values:
            out.append((q, math.nan))
            continue
        pos = q * (len(values) - 1)
        lo = math.floor(pos)
        hi = min(lo + 1, len(values) - 1)
        out.append((q, values[lo] + (values[hi] - values[lo]) * (pos - lo)))
    return out


def format_timedelta_days(days: float) -> str:
    """Format fractional days like the peer tool's CSV ("19 days 01:12:00")."""
    micros = round(days * 86_400_000_000)
    whole, rest = divmod(micros, 86_400_000_000)
    secs, us = divmod(rest, 1_000_000)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    frac = f".{us:06d}" if us else ""
    return f"{whole} days {h:02d}:{m:02d}:{s:02d}{frac}"


def histogram(cycle_days: pl.Series | Sequence[float]) -> list[tuple[str, int]]:
    """Return one-day bins from 0 to the longest cycle time, left-closed (last bin closed)."""
    values = [float(v) for v in cycle_days if v is not None]
    if not values:
        return []
    # Bins cost memory per day of the longest cycle time; past ten years the last bin takes all.
    top = min(int(math.floor(max(values))) + 1, MAX_RANGE_DAYS)
    counts = [0] * top
    for v in values:
        counts[min(int(math.floor(v)), top - 1)] += 1
    return [(f"{float(i)} to {float(i + 1)}", counts[i]) for i in range(top)]
