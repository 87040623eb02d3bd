"""Stage dates per item (started, finished, per-stage entries) and the times derived from them."""

from __future__ import annotations

import weakref
from datetime import date, datetime

import polars as pl

from leadline.flow.frames import as_date, local_date
from leadline.flow.workflow import CATEGORY_CODE, StageOptions, Workflow
from leadline.records import StageCategory

BACKLOG = CATEGORY_CODE[StageCategory.BACKLOG]
ACTIVE = CATEGORY_CODE[StageCategory.ACTIVE]
DONE = CATEGORY_CODE[StageCategory.DONE]
REMOVED = CATEGORY_CODE[StageCategory.REMOVED]
_STAGE_SPAN = 1 << 16


def entry_column(name: str) -> str:
    """Return the stage_dates column holding the entry time of stage ``name``."""
    return f"entered:{name}"


def mapped_transitions(
    transitions: pl.DataFrame | pl.LazyFrame, workflow: Workflow, *, strict: bool = True
) -> pl.LazyFrame:
    """Return transitions joined with stage index, category code and waiting flag.

    Transitions into an unmapped status raise ValueError when ``strict`` (the default); with
    ``strict=False`` they are dropped, so the item stays in the stage it was in (report them
    with ``Workflow.unmapped_statuses``).
    """
    if isinstance(transitions, pl.DataFrame):
        # Several metrics map the same frame; join it once (measured: 0.3 s per 8M rows).
        hit = _MAPPED.get((id(transitions), workflow, strict))
        if hit is not None and hit[0]() is transitions:
            return hit[1].lazy()
    smap = workflow.status_frame().lazy()
    lf = transitions.lazy()
    if not strict:
        joined = lf.join(smap, on="status", how="inner", maintain_order="left").collect()
    else:
        # Join once, then look for misses in the joined frame (cheaper than a separate unique()).
        joined = lf.join(smap, on="status", how="left", maintain_order="left").collect()
        if joined.get_column("stage").null_count():
            bad = joined.filter(pl.col("stage").is_null()).get_column("status").unique().to_list()
            raise ValueError(
                f"statuses not mapped to any stage: {workflow.unmapped_statuses(bad)}; map them "
                "in the workflow or pass strict=False to ignore moves into them"
            )
    if isinstance(transitions, pl.DataFrame):
        # One entry, dropped with its input frame, so memory is held only while that lives.
        _MAPPED.clear()
        key = (id(transitions), workflow, strict)
        _MAPPED[key] = (weakref.ref(transitions, lambda _: _MAPPED.pop(key, None)), joined)
    return joined.lazy()


_MAPPED: dict[tuple[int, Workflow, bool], tuple[weakref.ref[pl.DataFrame], pl.DataFrame]] = {}


def _annotated(t: pl.LazyFrame, workflow: Workflow, options: StageOptions) -> pl.LazyFrame:
    same = pl.col("item_id") == pl.col("item_id").shift(1)
    # Removed stages never count as "earlier", so moving into one wipes nothing.
    order = pl.when(pl.col("cat") == REMOVED).then(len(workflow.stages)).otherwise(pl.col("stage"))
    t = t.with_columns(
        prev_cat=pl.when(same).then(pl.col("cat").shift(1)),
        _rank=(~same.fill_null(False)).cum_sum().cast(pl.Int64),
        _order=order.cast(pl.Int64),
    )
    if options.backward == "reset":
        # A row survives unless some later row of the same item sits in an earlier stage.
        # One global reverse cumulative min over (item rank, stage order) finds the smallest
        # later stage without a per-group window.
        key = pl.col("_rank") * _STAGE_SPAN + pl.col("_order")
        nxt = key.reverse().cum_min().reverse().shift(-1)
        t = t.with_columns(
            survive=((nxt // _STAGE_SPAN) != pl.col("_rank")).fill_null(True)
            | ((nxt % _STAGE_SPAN) >= pl.col("_order"))
        )
    else:
        t = t.with_columns(survive=pl.lit(True))
    return t


def stage_dates(
    items: pl.DataFrame | pl.LazyFrame,
    transitions: pl.DataFrame | pl.LazyFrame,
    workflow: Workflow,
    options: StageOptions | None = None,
    *,
    strict: bool = True,
    lazy: bool = False,
) -> pl.DataFrame:
    """Return one row per item: started, finished, current stage, removed, and stage entries.

    started: first (or last, per options.start) commitment into an active stage; an item that
    reached done without an active stage starts when it finished. finished: last entry into
    done, only while the item is still done (reopened and unfinished items have none). removed
    items get no finish. Items without transitions keep null stage and dates.
    Columns: item_id, key, team, type, created, started, finished, stage (name), category,
    removed, and ``entered:<stage>`` for every stage.
    """
    opts = options or StageOptions()
    t = _annotated(mapped_transitions(transitions, workflow, strict=strict), workflow, opts)
    s = pl.col("survive")
    at = pl.col("at")
    commit = (pl.col("cat") == ACTIVE) & (
        pl.col("prev_cat").is_null() | (pl.col("prev_cat") == BACKLOG)
    )
    finish = (pl.col("cat") == DONE) & (pl.col("prev_cat").fill_null(-1) != DONE)
    pick = "min" if opts.entry == "first" else "max"
    entries = [
        getattr(at.filter(s & (pl.col("stage") == i)), pick)().alias(entry_column(st.name))
        for i, st in enumerate(workflow.stages)
    ]
    start_expr = (
        at.filter(s & (pl.col("cat") == ACTIVE)).min()
        if opts.start == "first"
        else at.filter(s & commit).max()
    )
    agg = t.group_by("item_id").agg(
        start_expr.alias("started"),
        at.filter(s & (pl.col("cat") == ACTIVE)).min().alias("_first_active"),
        at.filter(s & finish).max().alias("_finish"),
        pl.col("stage").last().alias("_stage"),
        pl.col("cat").last().alias("_cat"),
        *entries,
    )
    if opts.fill_skipped:
        # Coalesce backwards along non-removed stages: a skipped stage takes the next date.
        chain = [i for i, st in enumerate(workflow.stages) if st.category != "removed"]
        names = [entry_column(workflow.stages[i].name) for i in chain]
        filled: list[pl.Expr] = []
        acc: pl.Expr | None = None
        for name in reversed(names):
            acc = pl.col(name) if acc is None else pl.coalesce(pl.col(name), acc)
            filled.append(acc.alias(name))
        agg = agg.with_columns(filled)
    started = pl.coalesce(pl.col("started"), pl.col("_first_active"))
    finished = pl.when(pl.col("_cat") == DONE).then(pl.col("_finish"))
    agg = agg.with_columns(
        started=pl.coalesce(started, finished),
        finished=finished,
        removed=(pl.col("_cat") == REMOVED).fill_null(False),
    )
    names_s = pl.Series([st.name for st in workflow.stages], dtype=pl.Utf8)
    cats = pl.Series([str(st.category) for st in workflow.stages], dtype=pl.Utf8)
    out = (
        items.lazy()
        .join(agg, on="item_id", how="left", maintain_order="left")
        .with_columns(
            stage=pl.col("_stage").replace_strict(
                list(range(len(names_s))), names_s.to_list(), default=None, return_dtype=pl.Utf8
            ),
            category=pl.col("_stage").replace_strict(
                list(range(len(cats))), cats.to_list(), default=None, return_dtype=pl.Utf8
            ),
            removed=pl.col("removed").fill_null(False),
        )
        .drop("_first_active", "_finish", "_stage", "_cat")
    )
    head = ["item_id", "key", "team", "type", "created", "started", "finished", "stage"]
    head = [c for c in head if c in out.collect_schema().names()]
    cols = [*head, "category", "removed", *[entry_column(st.name) for st in workflow.stages]]
    result = out.select(cols)
    return result.collect() if not lazy else result  # type: ignore[return-value]


def _days(a: pl.Expr, b: pl.Expr, options: StageOptions) -> pl.Expr:
    d = (local_date(b, options.tz) - local_date(a, options.tz)).dt.total_days()
    return (d + options.day_offset).cast(pl.Int64)


def cycle_times(dates: pl.DataFrame, options: StageOptions | None = None) -> pl.DataFrame:
    """Return finished, non-removed items with cycle_time (exact duration) and cycle_time_days.

    Days follow options.days (inclusive: same day = 1) in options.tz; unfinished and removed
    items are left out.
    """
    opts = options or StageOptions()
    return dates.filter(
        pl.col("finished").is_not_null() & ~pl.col("removed") & pl.col("started").is_not_null()
    ).with_columns(
        cycle_time=pl.col("finished") - pl.col("started"),
        cycle_time_days=_days(pl.col("started"), pl.col("finished"), opts),
        finished_date=local_date(pl.col("finished"), opts.tz),
    )


def lead_times(dates: pl.DataFrame, options: StageOptions | None = None) -> pl.DataFrame:
    """Return finished, non-removed items with lead_time (finished - created) and lead_time_days."""
    opts = options or StageOptions()
    return dates.filter(pl.col("finished").is_not_null() & ~pl.col("removed")).with_columns(
        lead_time=pl.col("finished") - pl.col("created"),
        lead_time_days=_days(pl.col("created"), pl.col("finished"), opts),
        finished_date=local_date(pl.col("finished"), opts.tz),
    )


def work_item_age(
    dates: pl.DataFrame, as_of: date | datetime, options: StageOptions | None = None
) -> pl.DataFrame:
    """Return items in progress at ``as_of`` (started by then, not finished by then) with age_days.

    Removed items are left out; items finished after ``as_of`` count as in progress then;
    inclusive counting makes an item started on the as_of day 1 day old.
    """
    opts = options or StageOptions()
    day = as_date(as_of, opts.tz)
    finished_day = local_date(pl.col("finished"), opts.tz)
    return dates.filter(
        pl.col("started").is_not_null()
        & (pl.col("finished").is_null() | (finished_day > day))
        & ~pl.col("removed")
        & (local_date(pl.col("started"), opts.tz) <= day)
    ).with_columns(
        age_days=(
            (pl.lit(day) - local_date(pl.col("started"), opts.tz)).dt.total_days() + opts.day_offset
        ).cast(pl.Int64)
    )
