"""Time-in-stage measures: flow efficiency and blocked time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import polars as pl

from leadline.flow.frames import local_date
from leadline.flow.stages import ACTIVE, mapped_transitions
from leadline.flow.workflow import Workflow


def blocked_time(
    flags: pl.DataFrame,
    as_of: date | datetime | None,
    *,
    days: str = "inclusive",
    tz: str = "UTC",
) -> pl.DataFrame:
    """Return per item the blocked duration (overlaps merged) and blocked_days.

    Open periods (end null) run to ``as_of``; with ``as_of`` None they raise ValueError. Parts
    after ``as_of`` are cut. blocked_days sums per merged period the calendar days from start
    to end (+1 each when ``days`` is "inclusive").
    """
    if as_of is not None and not isinstance(as_of, datetime):
        as_of = datetime.combine(as_of, time.max, tzinfo=UTC)
    if as_of is None and flags.get_column("end").null_count():
        raise ValueError("open flag periods need an explicit as_of")
    offset = 1 if days == "inclusive" else 0
    end = pl.col("end") if as_of is None else pl.col("end").fill_null(as_of)
    f = flags.lazy().with_columns(end=end)
    if as_of is not None:
        f = f.with_columns(end=pl.min_horizontal("end", pl.lit(as_of))).filter(
            pl.col("start") <= as_of
        )
    f = f.filter(pl.col("end") >= pl.col("start")).sort("item_id", "start")
    # Merge overlapping periods: a period opens a new block when it starts after every earlier
    # period of the item has ended.
    prev_end = pl.col("end").cum_max().shift(1).over("item_id")
    f = f.with_columns(new=(prev_end.is_null() | (pl.col("start") > prev_end)).cast(pl.Int32))
    merged = (
        f.with_columns(block=pl.col("new").cum_sum().over("item_id"))
        .group_by("item_id", "block")
        .agg(pl.col("start").min(), pl.col("end").max())
    )
    return (
        merged.group_by("item_id")
        .agg(
            blocked=(pl.col("end") - pl.col("start")).sum(),
            blocked_days=(
                (local_date(pl.col("end"), tz) - local_date(pl.col("start"), tz)).dt.total_days()
                + offset
            )
            .sum()
            .cast(pl.Int64),
            periods=pl.len().cast(pl.Int64),
        )
        .sort("item_id")
        .collect()
    )


def flow_efficiency(
    transitions: pl.DataFrame,
    dates: pl.DataFrame,
    workflow: Workflow,
    *,
    by: str | None = None,
    strict: bool = True,
) -> pl.DataFrame:
    """Return per finished item working and waiting time in active stages and efficiency.

    efficiency = working time / cycle time, counting only time between started and finished;
    time spent back in backlog during the cycle counts as neither. Items with zero cycle time
    get null efficiency. With ``by`` (e.g. "team") return sums and the pooled efficiency per
    group instead.
    """
    done = dates.lazy().filter(
        pl.col("finished").is_not_null() & ~pl.col("removed") & pl.col("started").is_not_null()
    )
    t = (
        mapped_transitions(transitions, workflow, strict=strict)
        .with_columns(
            # Transitions are sorted by item: a global shift, masked at item boundaries, avoids
            # a per-item window.
            nxt=pl.when(pl.col("item_id") == pl.col("item_id").shift(-1)).then(
                pl.col("at").shift(-1)
            )
        )
        .join(done.select("item_id", "started", "finished"), on="item_id", how="inner")
        .with_columns(
            seg_start=pl.max_horizontal("at", "started"),
            seg_end=pl.min_horizontal(pl.col("nxt").fill_null(pl.col("finished")), "finished"),
        )
        .filter((pl.col("cat") == ACTIVE) & (pl.col("seg_end") > pl.col("seg_start")))
        .with_columns(dur=pl.col("seg_end") - pl.col("seg_start"))
    )
    zero = pl.duration(microseconds=0)
    per_item = t.group_by("item_id").agg(
        working=pl.col("dur").filter(~pl.col("waiting")).sum(),
        waiting=pl.col("dur").filter(pl.col("waiting")).sum(),
    )
    keep = ["item_id", *([by] if by else []), "started", "finished"]
    items = (
        done.select(keep)
        .join(per_item, on="item_id", how="left")
        .with_columns(
            pl.col("working").fill_null(zero),
            pl.col("waiting").fill_null(zero),
            cycle_time=pl.col("finished") - pl.col("started"),
        )
    )
    us = "total_microseconds"
    if by:
        grouped = items.group_by(by).agg(
            pl.col("working").sum(),
            pl.col("waiting").sum(),
            pl.col("cycle_time").sum(),
            items=pl.len(),
        )
        items = grouped.sort(by)
    eff = getattr(pl.col("working").dt, us)() / getattr(pl.col("cycle_time").dt, us)()
    return items.with_columns(efficiency=pl.when(pl.col("cycle_time") > zero).then(eff)).collect()
